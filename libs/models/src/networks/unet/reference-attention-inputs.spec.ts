import { describe, expect, it } from 'vitest';
import { LVCD_REFERENCE_LAYERS, ReferenceAttentionError, referenceAttentionInputs, referencePhaseInputs } from './reference-attention-inputs.js';

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const list = (v: BigInt64Array) => Array.from(v, Number);
const LN10 = Math.fround(Math.log(10));

// The index lists of lvcd-reference.md §5.3 / lvcd.md "Reference attention", written out literally.
const SPEC = {
  identity: range(0, 19),
  normalRef: [0, 1, 2, 3, 4, ...new Array<number>(14).fill(0)],
  prevrefSelf: [0, 1, 2, 3, 4, 5, 6, 7, 8, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  prevrefRef: [0, 1, 2, 3, 4, 1, 2, 3, 4, ...new Array<number>(10).fill(0)],
};

describe('referenceAttentionInputs', () => {
  it('un-hooked form: every position attends to itself and frame 0, no bias', () => {
    const r = referenceAttentionInputs('nohook', 0, 25);
    expect(list(r.selfIndex)).toEqual(SPEC.identity);
    expect(list(r.refIndex)).toEqual(new Array<number>(19).fill(0));
    expect([...r.logitBias].every((v) => v === 0)).toBe(true);
    expect([...r.biasLayerMask].every((v) => v === 0)).toBe(true);
  });

  it('mode normal: ref = [0..4, 0 x 14] at every step, no bias', () => {
    for (const step of [0, 7, 24, 30]) {
      const r = referenceAttentionInputs('normal', step, 25);
      expect(list(r.selfIndex)).toEqual(SPEC.identity);
      expect(list(r.refIndex)).toEqual(SPEC.normalRef);
      expect([...r.logitBias].every((v) => v === 0)).toBe(true);
    }
  });

  it('mode prevref before prev_attn_steps: shifted self halves, second references, ln 10 on positions 5..8', () => {
    const r = referenceAttentionInputs('prevref', 1, 3);
    expect(list(r.selfIndex)).toEqual(SPEC.prevrefSelf);
    expect(list(r.refIndex)).toEqual(SPEC.prevrefRef);
    for (let t = 0; t < 19; t++) {
      expect(r.logitBias[2 * t]).toBe(0);
      expect(r.logitBias[2 * t + 1]).toBe(t >= 5 && t <= 8 ? LN10 : 0);
    }
  });

  it('mode prevref from prev_attn_steps on: normal indices but the bias stays (QUIRK)', () => {
    const r = referenceAttentionInputs('prevref', 5, 3);
    expect(list(r.selfIndex)).toEqual(SPEC.identity);
    expect(list(r.refIndex)).toEqual(SPEC.normalRef);
    expect(r.logitBias[2 * 6 + 1]).toBe(LN10);
    expect(referenceAttentionInputs('prevref', 3, 3).refIndex).toEqual(r.refIndex);
    expect(list(referenceAttentionInputs('prevref', 2, 3).selfIndex)).toEqual(SPEC.prevrefSelf);
  });

  it('bias layers: all 7 ControlNet layers and UNet layers 0..12, never UNet 13..15', () => {
    const mask = [...referenceAttentionInputs('prevref', 0, 25).biasLayerMask];
    expect(mask).toHaveLength(LVCD_REFERENCE_LAYERS.controlLayers + LVCD_REFERENCE_LAYERS.unetLayers);
    expect(mask.slice(0, 7)).toEqual(new Array<number>(7).fill(1));
    expect(mask.slice(7, 20)).toEqual(new Array<number>(13).fill(1));
    expect(mask.slice(20)).toEqual([0, 0, 0]);
  });

  it('sampler phases map onto mode and step', () => {
    expect(referencePhaseInputs('normal')).toEqual(referenceAttentionInputs('normal', 3, 25));
    expect(referencePhaseInputs('prevref')).toEqual(referenceAttentionInputs('prevref', 1, 3));
    expect(referencePhaseInputs('prevref-late')).toEqual(referenceAttentionInputs('prevref', 5, 3));
    expect(referencePhaseInputs('nohook')).toEqual(referenceAttentionInputs('nohook', 0, 0));
  });

  it('rejects negative or fractional steps', () => {
    expect(() => referenceAttentionInputs('prevref', -1, 25)).toThrow(ReferenceAttentionError);
    expect(() => referenceAttentionInputs('prevref', 1.5, 25)).toThrow(ReferenceAttentionError);
    expect(() => referenceAttentionInputs('normal', 0, -2)).toThrow(ReferenceAttentionError);
  });
});
