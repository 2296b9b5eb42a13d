/** OpenCLIP vision tower hyper-parameters, inferred from checkpoint shapes. */
export interface ClipVisionConfig {
  readonly width: number;
  readonly layers: number;
  readonly heads: number;
  readonly patchSize: number;
  readonly imageSize: number;
  readonly mlpWidth: number;
  readonly embedDim: number;
}

/**
 * Head width is the one thing shapes cannot tell. These are the open_clip model configs' values
 * by tower width (ViT-H/14 uses 80, ViT-bigG 104, the rest 64); pass it explicitly otherwise.
 */
const KNOWN_HEAD_WIDTH: Readonly<Record<number, number>> = { 768: 64, 1024: 64, 1280: 80, 1664: 104 };

export function inferClipVisionConfig(
  shape: (key: string) => readonly number[] | undefined,
  prefix: string,
  headWidth?: number,
): ClipVisionConfig {
  const need = (key: string) => {
    const s = shape(prefix + key);
    if (!s) throw new Error(`cannot infer the CLIP vision tower: "${prefix}${key}" is missing`);
    return s;
  };
  /** Axis `axis` of a weight's shape, refused (not read as NaN) when the shape has no such axis. */
  const dim = (key: string, axis: number) => {
    const s = need(key);
    const d = s[axis];
    if (d === undefined) throw new Error(`cannot infer the CLIP vision tower: "${prefix}${key}" has shape [${s.join(', ')}], no axis ${axis}`);
    return d;
  };
  const [width, , patchSize] = need('conv1.weight') as [number, number, number];
  let layers = 0;
  while (shape(`${prefix}transformer.resblocks.${layers}.ln_1.weight`)) layers++;
  const grid = Math.round(Math.sqrt(dim('positional_embedding', 0) - 1));
  const head = headWidth ?? KNOWN_HEAD_WIDTH[width];
  if (!head) throw new UnknownClipWidthError(width);
  if (width % head !== 0) throw new Error(`CLIP head width ${head} does not divide width ${width}`);
  return {
    width,
    layers,
    heads: width / head,
    patchSize,
    imageSize: grid * patchSize,
    mlpWidth: dim('transformer.resblocks.0.mlp.c_fc.weight', 0),
    embedDim: dim('proj', 1),
  };
}

/** The checkpoint's CLIP tower is not a known open_clip size, so its head width (not in the weights) must be given. */
export class UnknownClipWidthError extends Error {
  override readonly name = 'UnknownClipWidthError';
  constructor(readonly width: number) {
    super(`unknown CLIP tower width ${width}: its head width is not in the weights and must be given (clip.vision_cfg.head_width of an architecture config)`);
  }
}
