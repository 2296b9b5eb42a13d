import { describe, expect, it } from 'vitest';
import { EdmEulerScheduler, LVCD_SCHEDULE } from './edm-scheduler.js';
import { SeededRng } from '../random/rng.js';

describe('EdmEulerScheduler', () => {
  it('gives the sigmas of the original 25-step schedule (spec §3.2 table, 6 significant digits)', () => {
    const s = new EdmEulerScheduler({ ...LVCD_SCHEDULE, numSteps: 25 });
    const table: [number, number][] = [[0, 700], [1, 545.729], [5, 182.547], [12, 15.59], [15, 3.8697], [19, 0.339378], [23, 0.00788252], [24, 0.002]];
    for (const [i, sigma] of table) expect(Math.abs(s.sigmas[i]! - sigma) / sigma).toBeLessThan(5e-6);
    expect(s.sigmas).toHaveLength(26);
    expect(s.sigmas[25]).toBe(0);
  });

  it('lands exactly on the denoised value at the last step (sigma 0)', () => {
    const s = new EdmEulerScheduler({ ...LVCD_SCHEDULE, numSteps: 3 });
    const x = Float32Array.from([5, -2]);
    s.step(x, Float32Array.from([1, 1]), 2);
    expect(Array.from(x)).toEqual([1, 1]);
  });

  it('moves x toward the denoised value by (sigma_i - sigma_{i+1}) / sigma_i', () => {
    const s = new EdmEulerScheduler({ ...LVCD_SCHEDULE, numSteps: 4 });
    const x = Float32Array.from([10]);
    s.step(x, Float32Array.from([0]), 0);
    expect(x[0]).toBeCloseTo(10 * (s.sigmas[1]! / s.sigmas[0]!), 4);
  });
});

describe('SeededRng', () => {
  it('repeats for a seed and differs across seeds', () => {
    expect(Array.from(new SeededRng(1234).normals(8))).toEqual(Array.from(new SeededRng(1234).normals(8)));
    expect(Array.from(new SeededRng(1234).normals(8))).not.toEqual(Array.from(new SeededRng(1235).normals(8)));
    expect(new SeededRng(2 ** 40).normals(2)).not.toEqual(new SeededRng(0).normals(2));
  });

  it('draws standard normals (mean 0, variance 1, symmetric tails) within sampling error', () => {
    const n = 200_000;
    const v = new SeededRng(7).normals(n);
    let sum = 0;
    let sq = 0;
    let beyond2 = 0;
    for (const x of v) {
      sum += x;
      sq += x * x;
      if (Math.abs(x) > 2) beyond2++;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.01); // standard error 0.0022
    expect(Math.abs(sq / n - mean * mean - 1)).toBeLessThan(0.015); // standard error 0.0032
    expect(Math.abs(beyond2 / n - 0.0455)).toBeLessThan(0.003); // P(|Z| > 2) = 0.0455
  });
});
