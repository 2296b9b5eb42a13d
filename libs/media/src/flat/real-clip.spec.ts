import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeRgb } from '../frames/index.js';
import { FlatColorizer } from './flat-colorizer.js';
import { ClassicalLineart } from '../lineart/lineart-classical.js';
import { SequenceMetrics } from '../metrics/metrics.js';

// The shared fixture is used in place (never copied into the repo); LVCD_SHARED_DIR overrides its root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const clipDir = join(process.env.LVCD_SHARED_DIR ?? resolve(repoRoot, '../shared'), 'fixtures/clips/sample_1');

describe('real clip sample_1 (75 frames, 576x320)', () => {
  it('classical lineart + Flat Colorize beats Copy Reference on mean PSNR and SSIM', async () => {
    expect(existsSync(join(clipDir, '0.png')), `fixture missing at ${clipDir}`).toBe(true);
    const reference = await decodeRgb(join(clipDir, '0.png'));
    const lineart = new ClassicalLineart(reference.width, reference.height);
    const colorizer = new FlatColorizer(reference);
    const flat = new SequenceMetrics();
    const copy = new SequenceMetrics();
    for (let i = 0; i < 75; i++) {
      const truth = await decodeRgb(join(clipDir, `${i}.png`));
      flat.add(colorizer.colorize(lineart.extract(truth)), truth);
      copy.add(reference, truth);
    }
    const f = flat.summary();
    const c = copy.summary();
    console.info(`sample_1 flat: PSNR ${f.meanPsnr.toFixed(2)} SSIM ${f.meanSsim.toFixed(4)} flicker ${f.meanFlicker.toFixed(2)} | copy: PSNR ${c.meanPsnr.toFixed(2)} SSIM ${c.meanSsim.toFixed(4)} flicker ${c.meanFlicker.toFixed(2)}`);
    expect(f.frames).toBe(75);
    expect(f.meanPsnr).toBeGreaterThan(c.meanPsnr);
    expect(f.meanSsim).toBeGreaterThan(c.meanSsim);
  });
});
