import type { Tensor } from './graph-core.js';
import { OpBuilder, type ConvOptions, type ConvTransposeOptions } from './op-builder.js';
import { GraphShapeError, assertDim, formatShape } from './shape.js';

export interface ModuleOptions {
  /** Whether the module has a `.bias` key (default true). */
  readonly bias?: boolean;
}

/**
 * Builds an ONNX graph that reads like the PyTorch module tree it ports. Layer helpers take the
 * module path relative to the current scope and fetch `<path>.weight` / `<path>.bias` by their
 * original checkpoint names, checking shapes against the input. Example:
 *
 *   b.scope('first_stage_model.encoder', () => {
 *     let h = b.conv2d(x, 'conv_in', { pad: 1 });
 *     h = b.scope('mid.block_1', () => resnetBlock(b, h));
 *   });
 */
/** `<module>.<name>`; an empty module means the current scope itself is the module. */
const paramKey = (module: string, name: string) => (module ? `${module}.${name}` : name);

export class GraphBuilder extends OpBuilder {
  private moduleBias(module: string, channels: number, options: ModuleOptions): Tensor | undefined {
    return options.bias === false ? undefined : this.weight(paramKey(module, 'bias'), [channels]);
  }

  /** PyTorch Conv2d/Conv3d/Conv1d: the kernel rank comes from the checkpoint weight. */
  convModule(x: Tensor, module: string, options: ConvOptions & ModuleOptions = {}): Tensor {
    const w = this.weight(paramKey(module, 'weight'));
    if (w.shape.length !== x.shape.length) {
      throw new GraphShapeError(`${this.keyOf(module)}: a ${w.shape.length - 2}-d conv weight ${formatShape(w.shape)} cannot take input ${formatShape(x.shape)}`);
    }
    return this.conv(x, w, this.moduleBias(module, w.shape[0] as number, options), options);
  }
  conv2d(x: Tensor, module: string, options: ConvOptions & ModuleOptions = {}): Tensor {
    if (x.shape.length !== 4) throw new GraphShapeError(`${this.keyOf(module)}: conv2d needs NCHW input, got ${formatShape(x.shape)}`);
    return this.convModule(x, module, options);
  }
  conv3d(x: Tensor, module: string, options: ConvOptions & ModuleOptions = {}): Tensor {
    if (x.shape.length !== 5) throw new GraphShapeError(`${this.keyOf(module)}: conv3d needs NCTHW input, got ${formatShape(x.shape)}`);
    return this.convModule(x, module, options);
  }
  convTranspose2d(x: Tensor, module: string, options: ConvTransposeOptions & ModuleOptions = {}): Tensor {
    const w = this.weight(paramKey(module, 'weight'));
    return this.convTranspose(x, w, this.moduleBias(module, w.shape[1] as number, options), options);
  }

  /** PyTorch Linear on the last axis: x @ W^T + b (W stored transposed for MatMul). */
  linear(x: Tensor, module: string, options: ModuleOptions = {}): Tensor {
    const w = this.weight(paramKey(module, 'weight'), [undefined, x.shape[x.shape.length - 1] as number | undefined], { transpose: true });
    const y = this.matmul(x, w);
    const b = this.moduleBias(module, w.shape[1] as number, options);
    return b ? this.add(y, b) : y;
  }

  /** Per-channel affine (weight/bias of shape [C]) on axis 1 of an N-d tensor. */
  channelAffine(x: Tensor, module: string): Tensor {
    const c = x.shape[1];
    if (typeof c !== 'number') throw new GraphShapeError(`${this.keyOf(module)}: channel dim must be static, got ${formatShape(x.shape)}`);
    const view = [c, ...new Array<number>(x.shape.length - 2).fill(1)];
    const gamma = this.weight(paramKey(module, 'weight'), [c], { reshape: view });
    const beta = this.weight(paramKey(module, 'bias'), [c], { reshape: view });
    return this.add(this.mul(x, gamma), beta);
  }

  /**
   * Normalises over groups of channels and all trailing axes: GroupNorm's statistics, without affine.
   * One InstanceNormalization on the (N, groups, rest) view, the form exporters use. Not ONNX's
   * GroupNormalization: ONNX Runtime's CPU kernel takes a one-pass variance, off by 3e-2 on data with
   * a mean of 50; InstanceNormalization is as exact as the two-pass mean-then-variance PyTorch does.
   */
  normalizeGroups(x: Tensor, groups: number, eps: number): Tensor {
    const c = x.shape[1];
    if (typeof c !== 'number' || c % groups !== 0) throw new GraphShapeError(`GroupNorm: ${formatShape(x.shape)} channels not divisible into ${groups} groups`);
    const grouped = this.reshape(x, [0, groups, -1]);
    const ones = this.constant(new Array<number>(groups).fill(1), [groups], 'float32', 'group_scale');
    const zeros = this.constant(new Array<number>(groups).fill(0), [groups], 'float32', 'group_bias');
    return this.reshapeTo(this.instanceNormalization(grouped, ones, zeros, eps), this.shapeOf(x), x.shape);
  }

  /** torch.nn.GroupNorm with affine weights `<module>.weight/.bias`. Works on 4-D and 5-D input. */
  groupNorm(x: Tensor, module: string, options: { groups: number; eps: number }): Tensor {
    return this.channelAffine(this.normalizeGroups(x, options.groups, options.eps), module);
  }

  /** torch.nn.InstanceNorm2d(affine=False): per-sample, per-channel statistics. */
  instanceNorm(x: Tensor, eps: number): Tensor {
    const c = x.shape[1];
    if (typeof c !== 'number') throw new GraphShapeError(`InstanceNorm: channel dim must be static, got ${formatShape(x.shape)}`);
    return this.normalizeGroups(x, c, eps);
  }

  /** torch.nn.LayerNorm over the last axis. */
  layerNorm(x: Tensor, module: string, options: { eps: number }): Tensor {
    const c = x.shape[x.shape.length - 1] as number;
    return this.layerNormalization(x, this.weight(paramKey(module, 'weight'), [c]), this.weight(paramKey(module, 'bias'), [c]), options.eps);
  }

  /** F.interpolate(scale_factor=f, mode='nearest') on the spatial axes of NCHW/NCTHW input. */
  upsampleNearest(x: Tensor, factor: number): Tensor {
    const scales = x.shape.map((_, i) => (i < 2 ? 1 : factor));
    return this.resizeByScale(x, scales, 'nearest', 'asymmetric');
  }

  /**
   * Multi-head scaled dot-product attention on (B, L, C) tensors; heads are contiguous channel
   * blocks (head-major), softmax over keys, scale 1/sqrt(C/heads). In the builder's attention form.
   */
  attention(q: Tensor, k: Tensor, v: Tensor, heads: number): Tensor {
    const c = q.shape[2];
    if (typeof c !== 'number' || c % heads !== 0) throw new GraphShapeError(`attention: ${formatShape(q.shape)} not divisible into ${heads} heads`);
    assertDim(k.shape[2]!, c, 'attention key width');
    if (this.attentionForm === 'fused') return this.multiHeadAttention(q, k, v, { heads });
    const d = c / heads;
    const splitHeads = (t: Tensor) => this.transpose(this.reshape(t, [0, 0, heads, d]), [0, 2, 1, 3]);
    const qh = splitHeads(this.scale(q, 1 / Math.sqrt(d)));
    const kt = this.transpose(this.reshape(k, [0, 0, heads, d]), [0, 2, 3, 1]);
    const weights = this.softmax(this.matmul(qh, kt), -1);
    const out = this.matmul(weights, splitHeads(v));
    return this.reshape(this.transpose(out, [0, 2, 1, 3]), [0, 0, c]);
  }
}
