import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { Tensor } from '../../onnx/graph-core.js';

/** OpenAI CLIP normalisation constants (open_clip OPENAI_DATASET_MEAN/STD). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** kornia's 1-D Gaussian: x = arange(k) - k//2 (+0.5 if k even), exp(-x^2 / 2 sigma^2), normalised. */
export function gaussianKernel1d(size: number, sigma: number): number[] {
  const xs = Array.from({ length: size }, (_, i) => i - Math.floor(size / 2) + (size % 2 === 0 ? 0.5 : 0));
  const g = xs.map((x) => Math.exp(-(x * x) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
}

/**
 * kornia.geometry.resize(antialias=True) blurs before resizing when any axis shrinks: per axis
 * sigma = max((factor - 1) / 2, 0.001), kernel size int(max(4 sigma, 3)) forced odd.
 * Returns undefined when nothing shrinks (no blur at all).
 */
export function antialiasKernels(inH: number, inW: number, outH: number, outW: number) {
  const factors = [inH / outH, inW / outW];
  if (Math.max(...factors) <= 1) return undefined;
  return factors.map((f) => {
    const sigma = Math.max((f - 1) / 2, 0.001);
    let size = Math.trunc(Math.max(2 * 2 * sigma, 3));
    if (size % 2 === 0) size += 1;
    return gaussianKernel1d(size, sigma);
  }) as [number[], number[]];
}

/**
 * The image embedder's pre-processing, for a fixed input size: antialias blur (reflect border,
 * depthwise), bicubic resize to size x size with align_corners=True (a = -0.75), [-1,1] -> [0,1],
 * then CLIP mean/std. Input (1, 3, H, W) in [-1, 1].
 */
export function clipPreprocess(b: GraphBuilder, img: Tensor, size: number): Tensor {
  const [, , inH, inW] = img.shape as [number, number, number, number];
  let x = img;
  const kernels = antialiasKernels(inH, inW, size, size);
  if (kernels) {
    const [ky, kx] = kernels;
    const py = (ky.length - 1) / 2;
    const px = (kx.length - 1) / 2;
    const kernel2d = ky.flatMap((a) => kx.map((c) => a * c));
    const weight = b.constant([...kernel2d, ...kernel2d, ...kernel2d], [3, 1, ky.length, kx.length], 'float32', 'antialias_kernel');
    x = b.conv(b.pad(x, [0, 0, py, px, 0, 0, py, px], 'reflect'), weight, undefined, { groups: 3 });
  }
  x = b.resize(x, [1, 3, size, size], 'cubic', 'align_corners');
  x = b.scale(b.shift(x, 1), 0.5);
  const mean = b.constant([...CLIP_MEAN], [1, 3, 1, 1], 'float32', 'clip_mean');
  const std = b.constant([...CLIP_STD], [1, 3, 1, 1], 'float32', 'clip_std');
  return b.div(b.sub(x, mean), std);
}
