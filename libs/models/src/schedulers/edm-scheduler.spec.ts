import { describe, expect, it } from 'vitest';
import { EdmEulerScheduler, LVCD_SCHEDULE } from './edm-scheduler.js';

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

  it('refuses a step outside the schedule instead of stepping with NaN', () => {
    const s = new EdmEulerScheduler({ ...LVCD_SCHEDULE, numSteps: 3 });
    const x = Float32Array.from([5]);
    for (const step of [3, -1, 1.5]) expect(() => s.step(x, Float32Array.from([1]), step)).toThrow(/not one of the 3 steps/);
    expect(Array.from(x)).toEqual([5]);
  });
});
