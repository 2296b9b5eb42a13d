import type { GraphBuilder } from '../../onnx/graph-builder.js';
import type { Tensor } from '../../onnx/graph-core.js';
import type { ClipVisionConfig } from './clip-config.js';
import { clipPreprocess } from './clip-preprocess.js';

const LN_EPS = 1e-5;

/** open_clip ResidualAttentionBlock: x + MHA(ln_1(x)), then x + MLP(ln_2(x)) with exact GELU. */
function residualAttentionBlock(b: GraphBuilder, x: Tensor, config: ClipVisionConfig): Tensor {
  const w = config.width;
  const h = b.layerNorm(x, 'ln_1', { eps: LN_EPS });
  const attn = b.scope('attn', () => {
    // nn.MultiheadAttention packs q, k, v as consecutive row blocks of in_proj_weight.
    const qkv = b.add(b.matmul(h, b.weight('in_proj_weight', [3 * w, w], { transpose: true })), b.weight('in_proj_bias', [3 * w]));
    const [q, k, v] = b.split(qkv, [w, w, w], -1);
    return b.linear(b.attention(q!, k!, v!, config.heads), 'out_proj');
  });
  const y = b.add(x, attn);
  const normed = b.layerNorm(y, 'ln_2', { eps: LN_EPS });
  return b.add(y, b.scope('mlp', () => b.linear(b.gelu(b.linear(normed, 'c_fc')), 'c_proj')));
}

/** The ViT tower: patch conv, CLS token + positions, ln_pre, blocks, ln_post(CLS) @ proj. */
function visionTower(b: GraphBuilder, pixels: Tensor, config: ClipVisionConfig): Tensor {
  const { width, patchSize } = config;
  const patches = b.conv2d(pixels, 'conv1', { stride: patchSize, bias: false });
  const tokens = b.transpose(b.reshape(patches, [0, width, -1]), [0, 2, 1]); // (1, grid^2, width)
  const cls = b.weight('class_embedding', [width], { reshape: [1, 1, width] });
  const count = (config.imageSize / patchSize) ** 2 + 1;
  let x = b.add(b.concat([cls, tokens], 1), b.weight('positional_embedding', [count, width]));
  x = b.layerNorm(x, 'ln_pre', { eps: LN_EPS });
  for (let i = 0; i < config.layers; i++) {
    const input = x;
    x = b.scope(`transformer.resblocks.${i}`, () => residualAttentionBlock(b, input, config));
  }
  const pooled = b.layerNorm(b.gather(x, 0, 1), 'ln_post', { eps: LN_EPS }); // CLS token, (1, width)
  return b.matmul(pooled, b.weight('proj', [width, config.embedDim])); // used as x @ proj, not transposed
}

/**
 * The conditioner's CLIP image embedder (`conditioner.embedders.0.open_clip.model.visual`) for a
 * fixed frame size: kornia-exact preprocessing in the graph, then the tower. Output (1, 1, D):
 * the projected CLS embedding, not normalised, one token per frame.
 */
export function buildClipVisual(
  b: GraphBuilder,
  config: ClipVisionConfig,
  frame: { height: number; width: number },
  prefix = 'conditioner.embedders.0.open_clip.model.visual',
): void {
  const img = b.input('img', [1, 3, frame.height, frame.width], 'float32', 'reference RGB in [-1, 1]');
  const pixels = clipPreprocess(b, img, config.imageSize);
  const embedding = b.scope(prefix, () => visionTower(b, pixels, config));
  b.output(b.unsqueeze(embedding, [1]), 'embedding', [1, 1, config.embedDim], 'projected CLS embedding (crossattn context, one token)');
}

/** The pre-processing alone, for testing against `preprocessed` goldens. */
export function buildClipPreprocess(b: GraphBuilder, frame: { height: number; width: number }, size: number): void {
  const img = b.input('img', [1, 3, frame.height, frame.width]);
  b.output(clipPreprocess(b, img, size), 'pixels', [1, 3, size, size]);
}
