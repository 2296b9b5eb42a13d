import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { realpath } from 'node:fs/promises';
import { sep } from 'node:path';

/**
 * The real path of a server-owned file, checked to lie inside `dir` after every symlink is followed, so a
 * link planted in the data folder (or a `..` that slipped into a stored name) cannot serve a file outside it.
 */
export async function realPathInside(dir: string, path: string): Promise<string> {
  let root: string;
  let real: string;
  try {
    [root, real] = await Promise.all([realpath(dir), realpath(path)]);
  } catch {
    throw new NotFoundException('the file is missing from the data folder');
  }
  if (!real.startsWith(root + sep)) throw new ForbiddenException('the file resolves outside the data folder (a symbolic link?); it is not served');
  return real;
}
