import { isFrameEntry, naturalSort, ZipFileWriter } from '@lvcd/media';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from './command.js';

/**
 * Zips a folder of numbered images into a frame zip, so Load Frames takes a folder through the asset store it
 * already reads (no node opens a path from a workflow). The folder's own images, as Load Frames picks entries of
 * a zip: PNG, JPEG or WebP, hidden files skipped, in natural order (frame_2 before frame_10). Stored, not
 * deflated: image files barely compress. One image in memory at a time.
 */
export async function zipFrameFolder(dir: string, target: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = naturalSort(entries.filter((e) => e.isFile() && isFrameEntry(e.name)).map((e) => e.name));
  if (names.length === 0) throw new InputError(`${dir} holds no PNG, JPEG or WebP images; put the frames in it (e.g. 0000.png, 0001.png, ...) or give a zip of them`);
  const zip = await ZipFileWriter.create(target);
  try {
    for (const name of names) await zip.add(name, await readFile(join(dir, name)));
  } finally {
    await zip.finish();
  }
  return names.length;
}
