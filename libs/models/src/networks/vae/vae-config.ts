/** Autoencoder hyper-parameters, inferred from checkpoint shapes (never assumed). */
export interface VaeEncoderConfig {
  readonly ch: number;
  readonly chMult: readonly number[];
  readonly numResBlocks: number;
  readonly zChannels: number;
}

export interface VaeDecoderConfig extends VaeEncoderConfig {
  readonly videoKernelSize: readonly number[];
}

type ShapeOf = (key: string) => readonly number[] | undefined;

function countIndexed(shape: ShapeOf, prefix: (i: number) => string): number {
  let n = 0;
  while (shape(prefix(n))) n++;
  return n;
}

function requiredShape(shape: ShapeOf, key: string): readonly number[] {
  const s = shape(key);
  if (!s) throw new Error(`cannot infer the autoencoder layout: "${key}" is missing`);
  return s;
}

/** Axis `axis` of a weight's shape; a missing weight or a shape without that axis is refused, never read as NaN. */
function required(shape: ShapeOf, key: string, axis: number): number {
  const s = requiredShape(shape, key);
  const dim = s[axis];
  if (dim === undefined) throw new Error(`cannot infer the autoencoder layout: "${key}" has shape [${s.join(', ')}], no axis ${axis}`);
  return dim;
}

/** `prefix` is the encoder module path, e.g. `first_stage_model.encoder.`. */
export function inferVaeEncoderConfig(shape: ShapeOf, prefix: string): VaeEncoderConfig {
  const ch = required(shape, `${prefix}conv_in.weight`, 0);
  const levels = countIndexed(shape, (i) => `${prefix}down.${i}.block.0.conv1.weight`);
  const chMult = Array.from({ length: levels }, (_, i) => required(shape, `${prefix}down.${i}.block.0.conv2.weight`, 0) / ch);
  const numResBlocks = countIndexed(shape, (i) => `${prefix}down.0.block.${i}.conv1.weight`);
  const zChannels = required(shape, `${prefix}conv_out.weight`, 0) / 2;
  return { ch, chMult, numResBlocks, zChannels };
}

/** `prefix` is the decoder module path, e.g. `first_stage_model.decoder.`. */
export function inferVaeDecoderConfig(shape: ShapeOf, prefix: string): VaeDecoderConfig {
  const levels = countIndexed(shape, (i) => `${prefix}up.${i}.block.0.conv1.weight`);
  if (levels === 0) throw new Error(`cannot infer the autoencoder layout: "${prefix}up.0.block.0.conv1.weight" is missing`);
  const widths = Array.from({ length: levels }, (_, i) => required(shape, `${prefix}up.${i}.block.0.conv2.weight`, 0));
  const ch = widths[0]!; // levels >= 1, checked above
  return {
    ch,
    chMult: widths.map((w) => w / ch),
    numResBlocks: countIndexed(shape, (i) => `${prefix}up.0.block.${i}.conv1.weight`) - 1,
    zChannels: required(shape, `${prefix}conv_in.weight`, 1),
    videoKernelSize: requiredShape(shape, `${prefix}conv_out.time_mix_conv.weight`).slice(2),
  };
}
