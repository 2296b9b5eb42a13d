import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lvcdTinyFixturesDir } from '../../testing/fixture-paths.js';
import { SafetensorsFile } from '../../formats/index.js';
import { motionVector } from './conditioning.js';

describe('motionVector', () => {
  it('matches the conditioner output c.vector of golden-cond (fps_id 6, motion_bucket_id 160, cond_aug 0) within 1e-5', async () => {
    const golden = await SafetensorsFile.open(join(lvcdTinyFixturesDir(), 'golden-cond.safetensors'));
    try {
      const expected = await golden.readFloat32('c.vector');
      const actual = motionVector();
      let maxErr = 0;
      for (let frame = 0; frame < 19; frame++) {
        for (let i = 0; i < 768; i++) maxErr = Math.max(maxErr, Math.abs(actual[i]! - expected[frame * 768 + i]!));
      }
      expect(maxErr).toBeLessThan(1e-5);
    } finally {
      await golden.close();
    }
  });
});
