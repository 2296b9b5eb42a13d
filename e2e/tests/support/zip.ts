// Zips of frame sequences made in tests (stored: PNG frames do not compress).
import { zipSync } from 'fflate';

export function makeZip(files: { name: string; data: Uint8Array }[]): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(files.map((f) => [f.name, [f.data, { level: 0 }]]))));
}
