import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbImage } from '../frames/index.js';
import { workflowToAsciiJson } from './embedded-workflow.js';
import { readMp4Comment } from './mp4-metadata.js';
import { decodeVideoFrames, probeVideo } from './video-read.js';
import { encodeVideo } from './video-write.js';

// Video needs Debian's ffmpeg, which the project's setup installs (apt-get install -y ffmpeg).
let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), 'lvcd-video-'))));
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Frame i: a grey level of 40 + 20 i, so the decoded frames can be told apart after lossy coding. */
async function* greyFrames(n: number, w: number, h: number): AsyncGenerator<RgbImage> {
  for (let i = 0; i < n; i++) yield { width: w, height: h, data: new Uint8Array(w * h * 3).fill(40 + 20 * i) };
}

describe('video through ffmpeg', () => {
  const doc = { format: 'lvcd-studio/workflow', version: 1, nodes: [{ id: 'a', type: 't', params: { text: 'a=b; #c \\ é' }, position: { x: 0, y: 0 } }], links: [], meta: {} };

  it('encodes mp4 with the workflow in its comment, then probes and decodes it frame by frame', async () => {
    const file = join(dir, 'clip.mp4');
    await encodeVideo(greyFrames(6, 64, 48), { file, width: 64, height: 48, fps: 12, format: 'mp4', comment: workflowToAsciiJson(doc) });
    expect(JSON.parse(readMp4Comment(new Uint8Array(await readFile(file)))!)).toEqual(doc);
    const info = await probeVideo(file, 'clip.mp4');
    expect(info).toMatchObject({ width: 64, height: 48, fps: 12, codec: 'h264' });
    const means: number[] = [];
    for await (const f of decodeVideoFrames(file, 'clip.mp4', info)) means.push(f.data.reduce((s, v) => s + v, 0) / f.data.length);
    expect(means).toHaveLength(6);
    means.forEach((m, i) => expect(Math.abs(m - (40 + 20 * i))).toBeLessThan(3));
  });

  it('encodes animated WebP and GIF', async () => {
    for (const format of ['webp', 'gif'] as const) {
      const file = join(dir, `clip.${format}`);
      await encodeVideo(greyFrames(3, 32, 32), { file, width: 32, height: 32, fps: 8, format });
      expect((await stat(file)).size).toBeGreaterThan(50);
    }
  });

  it('fails a truncated or fake video with a clear message', async () => {
    const whole = await readFile(join(dir, 'clip.mp4'));
    const cut = join(dir, 'cut.mp4');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const run = async () => {
      const info = await probeVideo(cut, 'cut.mp4');
      for await (const _ of decodeVideoFrames(cut, 'cut.mp4', info)) void _;
    };
    await expect(run()).rejects.toThrow(/"cut.mp4" (is not a readable video|could not be decoded|holds no decodable frames)/);
    const fake = join(dir, 'fake.mp4');
    await writeFile(fake, 'not a video at all');
    await expect(probeVideo(fake, 'fake.mp4')).rejects.toThrow(/"fake.mp4" is not a readable video/);
  });
});
