import type { FileHandle } from 'node:fs/promises';
import { CheckpointFormatError } from './errors.js';

/**
 * Reads exactly `length` bytes at `offset`. A short read means the file is shorter than its
 * own header claims, so it is reported as truncation rather than returned as garbage.
 */
export async function readExactly(
  handle: FileHandle,
  file: string,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
    if (bytesRead === 0) {
      throw new CheckpointFormatError(
        file,
        `truncated: wanted ${length} bytes at offset ${offset}, file ends after ${offset + done}`,
      );
    }
    done += bytesRead;
  }
  return buffer;
}
