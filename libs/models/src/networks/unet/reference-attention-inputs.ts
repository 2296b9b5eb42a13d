import { REFERENCE_PATH_FRAMES, WINDOW_FRAMES } from './config.js';

/**
 * Host side of LVCD's reference attention (inference/model_hack.py): which frames each position's
 * spatial self-attention takes its two key/value halves from, and the logit bias on each half.
 * The graph takes these as inputs, so one converted network serves every mode and step.
 */
export type ReferenceAttentionMode =
  /** The un-hooked training-time layer: keys [K_t, K_0] for every position. */
  | 'nohook'
  /** Window 0: keys [K_t, K_ref(t)] with ref = [0..4, 0 x 14]. */
  | 'normal'
  /** Windows >= 1: previous-reference attention while step < prevAttnSteps, then normal indices. */
  | 'prevref';

export interface ReferenceLayerLayout {
  /** Hooked layers of the ControlNet (7 in LVCD), numbered in module order. */
  readonly controlLayers: number;
  /** Hooked layers of the UNet (16 in LVCD). */
  readonly unetLayers: number;
}

export const LVCD_REFERENCE_LAYERS: ReferenceLayerLayout = { controlLayers: 7, unetLayers: 16 };

export interface ReferenceAttentionInputs {
  /** `ref_self_index` (T): frame whose tokens form the first key/value half of position t. */
  readonly selfIndex: BigInt64Array;
  /** `ref_ref_index` (T): frame whose tokens form the second half. */
  readonly refIndex: BigInt64Array;
  /** `ref_logit_bias` (T, 2), row-major: logit bias on the first and on the second key half. */
  readonly logitBias: Float32Array;
  /** `ref_bias_layers` (controlLayers + unetLayers): 1 where a layer adds the bias, ControlNet first. */
  readonly biasLayerMask: Float32Array;
}

/** Overlap positions between windows (positions 1..4 and 5..8). */
const OVERLAP = 4;
/** QUIRK: model_hack.py shifts the new frames' self half by a literal 3, unrelated to the overlap. */
const SELF_SHIFT = 3;
/** QUIRK: "layer index > 12 gets no bias", counted per network, so every ControlNet layer gets it. */
const LAST_BIASED_LAYER = 12;
/** Amplification of the reference half for the overlap positions (refattn_amplify row 1). */
const REFERENCE_AMPLIFY = 10;

export class ReferenceAttentionError extends Error {
  override readonly name = 'ReferenceAttentionError';
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** The (self, reference) frame lists of a mode at a sampling step. */
export function referenceIndexLists(mode: ReferenceAttentionMode, step: number, prevAttnSteps: number): { self: number[]; ref: number[] } {
  const T = WINDOW_FRAMES;
  const o = OVERLAP;
  switch (mode) {
    case 'nohook':
      return { self: range(0, T), ref: new Array<number>(T).fill(0) };
    case 'normal':
      return { self: range(0, T), ref: [...range(0, o + 1), ...new Array<number>(T - o - 1).fill(0)] };
    case 'prevref':
      if (step < prevAttnSteps) {
        return {
          // Positions 9..18 take their self half from position t - 3, never from themselves (paper Eq. 8).
          self: [...range(0, 2 * o + 1), ...range(2 * o + 1 - SELF_SHIFT, T - SELF_SHIFT)],
          ref: [...range(0, o + 1), ...range(1, o + 1), ...new Array<number>(T - 2 * o - 1).fill(0)],
        };
      }
      return referenceIndexLists('normal', step, prevAttnSteps);
  }
}

/**
 * The graph inputs for one network evaluation. `step` is the sampling step index (0-based) and
 * `prevAttnSteps` the number of leading steps that use previous-reference indices in mode prevref.
 */
export function referenceAttentionInputs(
  mode: ReferenceAttentionMode,
  step: number,
  prevAttnSteps: number,
  layout: ReferenceLayerLayout = LVCD_REFERENCE_LAYERS,
): ReferenceAttentionInputs {
  if (!Number.isInteger(step) || step < 0) throw new ReferenceAttentionError(`step must be a whole number >= 0, got ${step}`);
  if (!Number.isInteger(prevAttnSteps) || prevAttnSteps < 0) {
    throw new ReferenceAttentionError(`prevAttnSteps must be a whole number >= 0, got ${prevAttnSteps}`);
  }
  const T = WINDOW_FRAMES;
  const { self, ref } = referenceIndexLists(mode, step, prevAttnSteps);
  const logitBias = new Float32Array(T * 2);
  const biasLayerMask = new Float32Array(layout.controlLayers + layout.unetLayers);
  // QUIRK: every non-normal mode amplifies, including prevref's fallback to normal indices after
  // prevAttnSteps (the x10 then lands on frame 0's keys for positions 5..8).
  if (mode === 'prevref') {
    // log(amplify) as the original takes it, in float32; the self half keeps log(1) = 0.
    const bias = Math.fround(Math.log(REFERENCE_AMPLIFY));
    for (let t = REFERENCE_PATH_FRAMES; t < REFERENCE_PATH_FRAMES + OVERLAP; t++) logitBias[t * 2 + 1] = bias;
    for (let k = 0; k < layout.controlLayers; k++) biasLayerMask[k] = k <= LAST_BIASED_LAYER ? 1 : 0;
    for (let k = 0; k < layout.unetLayers; k++) biasLayerMask[layout.controlLayers + k] = k <= LAST_BIASED_LAYER ? 1 : 0;
  }
  return {
    selfIndex: BigInt64Array.from(self, (v) => BigInt(v)),
    refIndex: BigInt64Array.from(ref, (v) => BigInt(v)),
    logitBias,
    biasLayerMask,
  };
}

/**
 * The per-step phase as a sampler sees it: 'prevref' while step < prev_attn_steps, 'prevref-late'
 * after that (normal indices, bias still on), 'normal' for window 0.
 */
export type ReferencePhase = 'nohook' | 'normal' | 'prevref' | 'prevref-late';

export function referencePhaseInputs(phase: ReferencePhase, layout: ReferenceLayerLayout = LVCD_REFERENCE_LAYERS): ReferenceAttentionInputs {
  // prevref with step 0 of 1 leading step is "before", step 1 of 1 is "after" prev_attn_steps.
  return phase === 'prevref-late' ? referenceAttentionInputs('prevref', 1, 1, layout) : referenceAttentionInputs(phase, 0, 1, layout);
}
