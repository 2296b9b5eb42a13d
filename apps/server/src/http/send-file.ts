import { Logger, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

const logger = new Logger('HTTP');

/**
 * The errors a stream gets when the client goes away mid-download (a closed tab, a video seek, a cancelled fetch):
 * the response closed before it finished, or the connection was reset. A file that fails to read has other codes.
 */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

/**
 * Streams a server-owned file with the type we recorded (never guessed from the name). `nosniff` keeps a
 * browser from reinterpreting it; the download name is quoted safely for Content-Disposition.
 */
export async function sendFile(res: Response, path: string, options: { mime: string; name: string; attachment: boolean }): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new NotFoundException('the file is missing from the data folder');
  }
  res.setHeader('Content-Type', options.mime);
  res.setHeader('Content-Length', String(size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  if (options.attachment) {
    const ascii = options.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.name)}`);
  }
  try {
    await pipeline(createReadStream(path), res);
  } catch (e) {
    // Nobody is left to answer, and nothing went wrong on our side: not an error.
    if (!CLIENT_GONE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    logger.debug(`client left during ${options.name} (${(e as NodeJS.ErrnoException).code})`);
  }
}
