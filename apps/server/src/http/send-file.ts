import { Logger, NotFoundException } from '@nestjs/common';
import type { Response } from 'express';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { byteRange } from './byte-range.js';

const logger = new Logger('HTTP');

/**
 * The errors a stream gets when the client goes away mid-download (a closed tab, a video seek, a cancelled fetch):
 * the response closed before it finished, or the connection was reset. A file that fails to read has other codes.
 */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);

/**
 * Streams a server-owned file with the type we recorded (never guessed from the name). `nosniff` keeps a
 * browser from reinterpreting it; the download name is quoted safely for Content-Disposition. A single byte
 * range is answered 206 with that part, so a video player can seek in a saved mp4 without loading all of it.
 */
export async function sendFile(res: Response, path: string, options: { mime: string; name: string; attachment: boolean }): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new NotFoundException('the file is missing from the data folder');
  }
  const range = byteRange(res.req.headers.range, size);
  res.setHeader('Accept-Ranges', 'bytes');
  if (range === 'unsatisfiable') {
    res.status(416).setHeader('Content-Range', `bytes */${size}`);
    res.end();
    return;
  }
  res.setHeader('Content-Type', options.mime);
  res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : size));
  if (range) res.status(206).setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
  if (options.attachment) {
    const ascii = options.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.setHeader('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.name)}`);
  }
  try {
    await pipeline(createReadStream(path, range ?? {}), res);
  } catch (e) {
    // Nobody is left to answer, and nothing went wrong on our side: not an error.
    if (!CLIENT_GONE.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
    logger.debug(`client left during ${options.name} (${(e as NodeJS.ErrnoException).code})`);
  }
}
