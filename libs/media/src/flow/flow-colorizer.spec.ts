import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRgb, type RgbImage } from '../frames/index.js';
import { ClassicalLineart } from '../lineart/lineart-classical.js';
import { ProtocolMetrics } from '../metrics/paper-protocol.js';
import { FlowColorizer } from './flow-colorizer.js';
import { paintedClip } from './painted-clip.js';

// The shared fixture is used in place (never copied into the repo); LVCD_SHARED_DIR overrides its root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const clipDir = join(process.env.LVCD_SHARED_DIR ?? resolve(repoRoot, '../shared'), 'fixtures/clips/sample_1');

interface Scored {
  flow: ProtocolMetrics;
  copy: ProtocolMetrics;
}

/** Flow Colorize and Copy Reference on one shot, scored with the paper's protocol; frame 0 is the reference. */
async function score(frames: AsyncIterable<{ truth: RgbImage; sketch: RgbImage }> | Iterable<{ truth: RgbImage; sketch: RgbImage }>): Promise<Scored> {
  const flow = new ProtocolMetrics('paper');
  const copy = new ProtocolMetrics('paper');
  let reference: RgbImage | undefined;
  let colorizer: FlowColorizer | undefined;
  for await (const { truth, sketch } of frames) {
    reference ??= truth;
    colorizer ??= await FlowColorizer.create(reference);
    flow.add(colorizer.colorize(sketch), truth);
    copy.add(reference, truth);
  }
  colorizer?.dispose();
  return { flow, copy };
}

function crop(image: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(image.data.subarray(((y + y0) * image.width + x0) * 3, ((y + y0) * image.width + x0 + w) * 3), y * w * 3);
  return { width: w, height: h, data };
}

/** sample_1 frames in a given order (reversed, sped up) and optionally cropped, with classical lineart. */
async function* sampleShot(indices: number[], window?: [number, number, number, number]) {
  const lineart = window ? new ClassicalLineart(window[2], window[3]) : new ClassicalLineart(576, 320);
  for (const i of indices) {
    const frame = await decodeRgb(join(clipDir, `${i}.png`));
    const truth = window ? crop(frame, ...window) : frame;
    yield { truth, sketch: lineart.extract(truth) };
  }
}

const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, k) => from + k * step);

function report(name: string, { flow, copy }: Scored): void {
  const f = flow.summary();
  const c = copy.summary();
  console.info(`${name}: flow PSNR ${f.meanPsnr.toFixed(2)} SSIM ${f.meanSsim.toFixed(4)} | copy PSNR ${c.meanPsnr.toFixed(2)} SSIM ${c.meanSsim.toFixed(4)} (paper protocol)`);
}

describe('Flow Colorize on sample_1 (paper protocol: 256x256 bicubic, frames 1..74)', () => {
  it('reaches 21 dB, is above Copy Reference on every frame, and above it in SSIM', async () => {
    expect(existsSync(join(clipDir, '0.png')), `fixture missing at ${clipDir}`).toBe(true);
    const scored = await score(sampleShot(range(0, 74, 1)));
    report('sample_1', scored);
    const f = scored.flow.summary();
    const c = scored.copy.summary();
    expect(f.frames).toBe(74);
    expect(f.meanPsnr).toBeGreaterThanOrEqual(21);
    scored.flow.rows.forEach((row, k) => expect(row.psnr, `frame ${row.index}`).toBeGreaterThan(scored.copy.rows[k]!.psnr));
    expect(f.meanSsim).toBeGreaterThan(c.meanSsim);
  }, 600_000);
});

describe('Flow Colorize on shots it was not tuned on: beats Copy Reference in mean PSNR and SSIM', () => {
  const shots: [string, () => AsyncIterable<{ truth: RgbImage; sketch: RgbImage }> | Iterable<{ truth: RgbImage; sketch: RgbImage }>][] = [
    ['painted background, crossing characters (seed 3)', () => paintedClip({ frames: 24, width: 576, height: 320, seed: 3 })],
    ['painted background, crossing characters (seed 7)', () => paintedClip({ frames: 24, width: 576, height: 320, seed: 7 })],
    ['sample_1 reversed', () => sampleShot(range(74, 0, -1))],
    ['sample_1 at 3x speed', () => sampleShot(range(0, 74, 3))],
    ['sample_1 cropped to 384x256 at 2x speed', () => sampleShot(range(0, 74, 2), [192, 0, 384, 256])],
  ];
  for (const [name, frames] of shots) {
    it(name, async () => {
      const scored = await score(frames());
      report(name, scored);
      expect(scored.flow.summary().meanPsnr).toBeGreaterThan(scored.copy.summary().meanPsnr);
      expect(scored.flow.summary().meanSsim).toBeGreaterThan(scored.copy.summary().meanSsim);
    }, 600_000);
  }
});

describe('Flow Colorize behaviour', () => {
  const clip = [...paintedClip({ frames: 6, width: 160, height: 96, seed: 5 })];

  it('returns the reference itself for frame 0 and keeps unchanged areas pixel for pixel', async () => {
    const colorizer = await FlowColorizer.create(clip[0]!.truth);
    expect(colorizer.colorize(clip[0]!.sketch).data).toEqual(clip[0]!.truth.data);
    // The same sketch again: nothing moved, so every pixel is the reference's, painted texture included.
    expect(colorizer.colorize(clip[0]!.sketch).data).toEqual(clip[0]!.truth.data);
    expect(colorizer.lastStats!.identity).toBe(1);
  });

  it('never paints ink from the sketch: an all-line sketch still gets reference colours', async () => {
    const colorizer = await FlowColorizer.create(clip[0]!.truth);
    colorizer.colorize(clip[0]!.sketch);
    const moved = colorizer.colorize(clip[5]!.sketch);
    const isInk = (d: Uint8Array, p: number) => d[p]! < 40 && d[p + 1]! < 40 && d[p + 2]! < 40;
    let inkOut = 0;
    let inkTruth = 0;
    for (let p = 0; p < moved.data.length; p += 3) {
      if (isInk(moved.data, p)) inkOut++;
      if (isInk(clip[5]!.truth.data, p)) inkTruth++;
    }
    // Dark pixels only where the reference had dark lines to carry: not more than the truth's own.
    expect(inkOut).toBeLessThanOrEqual(inkTruth * 1.5);
  });

  it('names the size mismatch', async () => {
    const colorizer = await FlowColorizer.create(clip[0]!.truth);
    expect(() => colorizer.colorize(clip[0]!.sketch)).not.toThrow();
    expect(() => colorizer.colorize({ width: 10, height: 10, data: new Uint8Array(300) })).toThrow(/sketch is 10x10 but the reference is 160x96/);
  });
});
