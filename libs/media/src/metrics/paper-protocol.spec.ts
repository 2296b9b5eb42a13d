import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FlatColorizer } from '../flat/flat-colorizer.js';
import { decodeRgb, type RgbImage } from '../frames/index.js';
import { ClassicalLineart } from '../lineart/lineart-classical.js';
import { resizeBicubic } from './bicubic-resize.js';
import { ProtocolMetrics } from './paper-protocol.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const clipDir = join(process.env.LVCD_SHARED_DIR ?? resolve(repoRoot, '../shared'), 'fixtures/clips/sample_1');

describe('bicubic resize', () => {
  it('keeps a flat image flat and agrees with libvips cubic (sharp) within 1.5 levels on a real frame', async () => {
    const grey: RgbImage = { width: 50, height: 30, data: new Uint8Array(4500).fill(77) };
    expect(resizeBicubic(grey, 20, 20).data.every((v) => v === 77)).toBe(true);
    const frame = await decodeRgb(join(clipDir, '20.png'));
    const ours = resizeBicubic(frame, 256, 256);
    const theirs = await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } }).resize(256, 256, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    let sum = 0;
    for (let i = 0; i < theirs.length; i++) sum += Math.abs(ours.data[i]! - theirs[i]!);
    expect(sum / theirs.length).toBeLessThan(1.5);
  });
});

describe('paper protocol', () => {
  it('leaves frame 0 out and scores at 256x256', () => {
    const a: RgbImage = { width: 64, height: 32, data: new Uint8Array(64 * 32 * 3).fill(100) };
    const b: RgbImage = { width: 64, height: 32, data: new Uint8Array(64 * 32 * 3).fill(110) };
    const m = new ProtocolMetrics('paper');
    expect(m.add(a, a)).toBeUndefined();
    const row = m.add(a, b)!;
    expect(row.index).toBe(1);
    expect(row.psnr).toBeCloseTo(10 * Math.log10((255 * 255) / 100), 6);
    expect(m.summary().frames).toBe(1);
  });

  // The issue that asked for the protocol measured these on sample_1 with its own script: Flat Colorize 18.99 dB,
  // Copy Reference 15.55 dB. Reproducing both to the printed precision checks resize, exclusion and means at once.
  it("reproduces the issue's independent sample_1 figures for Flat Colorize and Copy Reference", async () => {
    expect(existsSync(join(clipDir, '0.png')), `fixture missing at ${clipDir}`).toBe(true);
    const reference = await decodeRgb(join(clipDir, '0.png'));
    const lineart = new ClassicalLineart(reference.width, reference.height);
    const colorizer = new FlatColorizer(reference);
    const flat = new ProtocolMetrics('paper');
    const copy = new ProtocolMetrics('paper');
    for (let i = 0; i < 75; i++) {
      const truth = await decodeRgb(join(clipDir, `${i}.png`));
      flat.add(colorizer.colorize(lineart.extract(truth)), truth);
      copy.add(reference, truth);
    }
    expect(flat.summary().frames).toBe(74);
    expect(flat.summary().meanPsnr).toBeCloseTo(18.99, 2);
    expect(copy.summary().meanPsnr).toBeCloseTo(15.55, 2);
  }, 300_000);
});
