import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrame, readFrames, type RgbImage } from '../frames/index.js';
import { generateDemoClip, type DemoClip } from '../demo/demo-clip.js';
import { FlatColorizer } from '../flat/flat-colorizer.js';
import { segmentSketch } from '../flat/segmentation.js';
import { ClassicalLineart, defaultLineartOptions } from './lineart-classical.js';
import { SequenceMetrics } from '../metrics/metrics.js';

/** White 40x30 image with a dark rectangle outline (x 10..29, y 8..21). */
function boxSketch(gap = 0): RgbImage {
  const w = 40, h = 30;
  const data = new Uint8Array(w * h * 3).fill(255);
  for (let y = 8; y <= 21; y++) {
    for (let x = 10; x <= 29; x++) {
      const edge = x === 10 || x === 29 || y === 8 || y === 21;
      const inGap = gap > 0 && y === 8 && x >= 18 && x < 18 + gap;
      if (edge && !inGap) data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
  return { width: w, height: h, data };
}

const gray = (s: RgbImage) => Uint8Array.from({ length: s.width * s.height }, (_, i) => s.data[i * 3]!);

describe('classical lineart', () => {
  it('draws dark lines on white paper, 3 equal channels, at the frame size, with either extractor', () => {
    const frame: RgbImage = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(240) };
    for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) frame.data.set([200, 40, 40], (y * 40 + x) * 3);
    for (const extractor of ['xdog', 'dog'] as const) {
      const sketch = new ClassicalLineart(40, 30, { ...defaultLineartOptions, extractor }).extract(frame);
      expect([sketch.width, sketch.height, sketch.data.length]).toEqual([40, 30, 40 * 30 * 3]);
      for (let i = 0; i < sketch.data.length; i += 3) expect([sketch.data[i + 1], sketch.data[i + 2]]).toEqual([sketch.data[i], sketch.data[i]]);
      expect(sketch.data[0]).toBe(255); // paper in a flat corner
      expect(sketch.data[(15 * 40 + 20) * 3]).toBe(255); // paper inside the flat box
      const edge = Math.min(...[9, 10, 11].map((x) => sketch.data[(15 * 40 + x) * 3]!));
      expect(edge).toBeLessThan(128); // ink along the box's left edge
    }
  });

  it('widens lines with lineWidth', () => {
    const frame: RgbImage = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3).fill(240) };
    for (let y = 10; y < 20; y++) for (let x = 10; x < 30; x++) frame.data.fill(30, (y * 40 + x) * 3, (y * 40 + x) * 3 + 3);
    const ink = (s: RgbImage) => gray(s).filter((v) => v < 128).length;
    const thin = new ClassicalLineart(40, 30, { ...defaultLineartOptions, lineWidth: 1 }).extract(frame);
    const thick = new ClassicalLineart(40, 30, { ...defaultLineartOptions, lineWidth: 3 }).extract(frame);
    expect(ink(thick)).toBeGreaterThan(ink(thin) * 1.5);
  });
});

describe('segmentation', () => {
  it('splits a closed outline into inside and outside, and closes a small gap', () => {
    expect(segmentSketch(gray(boxSketch()), 40, 30, { lineThreshold: 128, gapClose: 0, minArea: 4 }).count).toBe(2);
    expect(segmentSketch(gray(boxSketch(2)), 40, 30, { lineThreshold: 128, gapClose: 0, minArea: 4 }).count).toBe(1);
    const closed = segmentSketch(gray(boxSketch(2)), 40, 30, { lineThreshold: 128, gapClose: 1, minArea: 4 });
    expect(closed.count).toBe(2);
    expect(closed.labels.every((l) => l >= 1 && l <= 2)).toBe(true); // lines join a region too
  });
});

describe('flat colorize on the synthetic demo clip', () => {
  let dir: string;
  let clip: DemoClip;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lvcd-demo-'));
    clip = await generateDemoClip(dir, { frames: 12, width: 256, height: 160, seed: 3 });
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('generates the same clip for the same seed', async () => {
    const again = await generateDemoClip(join(dir, 'again'), { frames: 2, width: 256, height: 160, seed: 3 });
    expect(Buffer.from((await readFrame(again.color, 1)).data).equals(Buffer.from((await readFrame(clip.color, 0)).data))).toBe(false);
    expect(Buffer.from((await readFrame(again.color, 0)).data).equals(Buffer.from((await readFrame(clip.color, 0)).data))).toBe(true);
  });

  it('colours the exact sketches closely and far better than copying the reference', async () => {
    const reference = await readFrame(clip.color, 0);
    const colorizer = new FlatColorizer(reference);
    const flat = new SequenceMetrics();
    const copy = new SequenceMetrics();
    for await (const { index, image } of readFrames(clip.sketches)) {
      const truth = await readFrame(clip.color, index);
      flat.add(colorizer.colorize(image), truth);
      copy.add(reference, truth);
    }
    expect(flat.summary().meanPsnr).toBeGreaterThan(22);
    expect(flat.summary().meanSsim).toBeGreaterThan(0.95);
    expect(flat.summary().meanPsnr).toBeGreaterThan(copy.summary().meanPsnr + 6);
  });
});
