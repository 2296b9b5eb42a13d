import { describe, expect, it } from 'vitest';
import { frameLimit } from './clip-length';

describe('frameLimit', () => {
  const schema = (frames?: 'index' | 'end') => ({ kind: 'integer' as const, default: 0, min: 0, max: 1_000_000, ...(frames ? { frames } : {}) });

  it('tops an index at the last frame and an end at the length, once the length is known', () => {
    expect(frameLimit(schema('index'), 48)).toEqual({ max: 47, reason: "the clip's last frame" });
    expect(frameLimit(schema('end'), 48)).toEqual({ max: 48, reason: "the clip's end" });
    expect(frameLimit(schema('index'), undefined)).toBeUndefined();
    expect(frameLimit(schema(), 48)).toBeUndefined();
    expect(frameLimit({ kind: 'number', default: 0, min: 0, max: 1 }, 48)).toBeUndefined();
  });
});
