import { decodeRgb, openFrameZip } from '@lvcd/media';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunView, TestServer } from './server.js';

/** The frames the run's Save Frames node (id `save`) zipped, downloaded into `dir` and decoded. */
export async function savedFrames(server: TestServer, view: RunView, dir: string): Promise<Uint8Array[]> {
  const zip = view.artifacts.find((a) => a.node === 'save' && a.name.endsWith('.zip'));
  if (!zip) throw new Error(`no saved zip among ${view.artifacts.map((a) => a.name).join(', ')}`);
  const file = join(dir, `${zip.id}.zip`);
  await writeFile(file, Buffer.from(await (await fetch(`${server.url}/api/artifacts/${zip.id}`)).arrayBuffer()));
  const frames = await openFrameZip(file, 'saved frames');
  try {
    const out: Uint8Array[] = [];
    for (let i = 0; i < frames.names.length; i++) out.push((await decodeRgb(await frames.read(i))).data);
    return out;
  } finally {
    await frames.close();
  }
}

/** The largest difference of two frame sequences in 8-bit steps, checking they hold the same number of frames. */
export function worstDifference(frames: Uint8Array[], expected: Uint8Array[]): number {
  if (frames.length !== expected.length) throw new Error(`${frames.length} frames, not ${expected.length}`);
  let worst = 0;
  frames.forEach((f, i) => f.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - expected[i]![j]!)))));
  return worst;
}
