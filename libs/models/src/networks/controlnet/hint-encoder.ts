import type { GraphBuilder, Tensor } from '../../onnx/index.js';

/** Graph input and output names of the hint encoder on its own (`hint_encoder.onnx`). */
export const HINT_ENCODER_IO = {
  /** float32 (frames, 3, H, W): the sketches, white paper with dark lines. */
  input: 'hint',
  /** float32 (frames, model_channels, H/8, W/8): what the ControlNet adds after its input_blocks.0. */
  output: 'hint_features',
} as const;

/**
 * input_hint_block: conv 3x3 (stride 2 at 4, 8, 12), SiLU between convs, none after the last; the
 * sketch (T, 3, H, W) becomes (T, model_channels, H/8, W/8). Conv positions are the even indices
 * present in the checkpoint, so a differently sized hint encoder maps without code changes.
 * Call inside the ControlNet's weight scope.
 */
export function inputHintBlock(b: GraphBuilder, hint: Tensor): Tensor {
  return b.scope('input_hint_block', () => {
    const convs: number[] = [];
    for (let i = 0; b.hasWeight(`${i}.weight`); i += 2) convs.push(i);
    if (convs.length === 0) throw new RangeError(`${b.keyOf('0.weight')} is missing`);
    let h = hint;
    convs.forEach((i, n) => {
      // Every other conv after the first pair halves the resolution (4, 8, 12 in LVCD's 8-conv block).
      const stride = i > 0 && i % 4 === 0 ? 2 : 1;
      h = b.conv2d(h, String(i), { stride, pad: 1 });
      if (n < convs.length - 1) h = b.silu(h);
    });
    return h;
  });
}

/**
 * The hint encoder as a graph of its own, frames on a dynamic axis: a window's sketches do not change between its
 * steps, so the host runs this once per window and feeds the result to a denoiser built with hintEncoder 'separate'.
 * `controlPrefix` is the ControlNet's checkpoint prefix (control_model).
 */
export function buildHintEncoder(b: GraphBuilder, controlPrefix: string, modelChannels: number): void {
  const hint = b.input(HINT_ENCODER_IO.input, ['frames', 3, 'height', 'width']);
  const features = b.scope(controlPrefix, () => inputHintBlock(b, hint));
  b.output(features, HINT_ENCODER_IO.output, ['frames', modelChannels, 'feature_height', 'feature_width']);
}
