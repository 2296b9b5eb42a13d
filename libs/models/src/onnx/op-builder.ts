import { GraphCore, MS_DOMAIN, type Tensor } from './graph-core.js';
import type { AttributeValue, Dim } from './proto.js';
import { GraphShapeError, assertDim, broadcastShapes, dimExpr, formatShape, normalizeAxis, product } from './shape.js';

const ints = (value: readonly number[]): AttributeValue => ({ type: 'ints', value });
const int = (value: number): AttributeValue => ({ type: 'int', value });
const float = (value: number): AttributeValue => ({ type: 'float', value });
const str = (value: string): AttributeValue => ({ type: 'string', value });

export interface ConvOptions {
  readonly stride?: number | readonly number[];
  /** Symmetric padding per spatial axis, or full ONNX pads [begin..., end...]. */
  readonly pad?: number | readonly number[];
  readonly dilation?: number | readonly number[];
  readonly groups?: number;
}

export interface ConvTransposeOptions extends ConvOptions {
  readonly outputPadding?: number | readonly number[];
}

const perAxis = (value: number | readonly number[] | undefined, n: number, fallback: number): number[] =>
  value === undefined ? new Array<number>(n).fill(fallback) : typeof value === 'number' ? new Array<number>(n).fill(value) : [...value];

function fullPads(pad: number | readonly number[] | undefined, n: number): number[] {
  const p = perAxis(pad, n, 0);
  return p.length === 2 * n ? p : [...p, ...p];
}

/**
 * Primitive ONNX (opset 17) operators with shape inference and checks. Every method returns a
 * typed Tensor handle; mistakes (wrong channel count, bad axis) throw GraphShapeError at build time.
 */
export class OpBuilder extends GraphCore {
  // ---- elementwise ----
  private binary(op: string, a: Tensor, b: Tensor): Tensor {
    return this.node(op, [a, b], broadcastShapes(a.shape, b.shape, op));
  }
  add(a: Tensor, b: Tensor): Tensor { return this.binary('Add', a, b); }
  sub(a: Tensor, b: Tensor): Tensor { return this.binary('Sub', a, b); }
  mul(a: Tensor, b: Tensor): Tensor { return this.binary('Mul', a, b); }
  div(a: Tensor, b: Tensor): Tensor { return this.binary('Div', a, b); }
  pow(a: Tensor, b: Tensor): Tensor { return this.binary('Pow', a, b); }
  /** `x * s` for a scalar constant. */
  scale(x: Tensor, s: number): Tensor { return this.mul(x, this.scalar(s)); }
  /** `x + s` for a scalar constant. */
  shift(x: Tensor, s: number): Tensor { return this.add(x, this.scalar(s)); }
  scalar(value: number): Tensor { return this.constant([value], [], 'float32', 'scalar'); }

  private unary(op: string, x: Tensor, attributes: Record<string, AttributeValue> = {}): Tensor {
    return this.node(op, [x], x.shape, attributes, x.dtype);
  }
  sqrt(x: Tensor): Tensor { return this.unary('Sqrt', x); }
  exp(x: Tensor): Tensor { return this.unary('Exp', x); }
  erf(x: Tensor): Tensor { return this.unary('Erf', x); }
  sigmoid(x: Tensor): Tensor { return this.unary('Sigmoid', x); }
  relu(x: Tensor): Tensor { return this.unary('Relu', x); }
  tanh(x: Tensor): Tensor { return this.unary('Tanh', x); }
  neg(x: Tensor): Tensor { return this.unary('Neg', x); }
  identity(x: Tensor): Tensor { return this.unary('Identity', x); }
  clip(x: Tensor, min: number, max: number): Tensor {
    return this.node('Clip', [x, this.scalar(min), this.scalar(max)], x.shape);
  }
  cast(x: Tensor, to: 'float32' | 'float16' | 'int64'): Tensor {
    const code = { float32: 1, float16: 10, int64: 7 }[to];
    return this.node('Cast', [x], x.shape, { to: int(code) }, to);
  }
  /** x * sigmoid(x). */
  silu(x: Tensor): Tensor { return this.mul(x, this.sigmoid(x)); }
  /** Exact (erf) GELU: 0.5 x (1 + erf(x / sqrt 2)); opset 17 has no Gelu op. */
  gelu(x: Tensor): Tensor {
    const inner = this.erf(this.scale(x, Math.SQRT1_2));
    return this.mul(this.scale(x, 0.5), this.shift(inner, 1));
  }
  softmax(x: Tensor, axis = -1): Tensor { return this.unary('Softmax', x, { axis: int(axis) }); }

  // ---- linear algebra ----
  matmul(a: Tensor, b: Tensor): Tensor {
    if (a.shape.length < 2 || b.shape.length < 2) throw new GraphShapeError(`MatMul needs rank >= 2: ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
    assertDim(b.shape[b.shape.length - 2]!, a.shape[a.shape.length - 1]!, `MatMul ${formatShape(a.shape)} x ${formatShape(b.shape)} inner dim`);
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'MatMul batch');
    return this.node('MatMul', [a, b], [...batch, a.shape[a.shape.length - 2]!, b.shape[b.shape.length - 1]!]);
  }

  /** N-d convolution (ONNX Conv); weight layout [out, in/groups, ...kernel] as in PyTorch. */
  conv(x: Tensor, weight: Tensor, bias: Tensor | undefined, options: ConvOptions = {}): Tensor {
    const n = weight.shape.length - 2;
    if (x.shape.length !== n + 2) throw new GraphShapeError(`Conv: input ${formatShape(x.shape)} does not match a ${n}-d kernel ${formatShape(weight.shape)}`);
    const groups = options.groups ?? 1;
    assertDim(x.shape[1]!, product([weight.shape[1]!, groups]), `Conv input channels of ${formatShape(x.shape)} for weight ${formatShape(weight.shape)}`);
    if (bias) assertDim(bias.shape[0]!, weight.shape[0]!, 'Conv bias');
    const strides = perAxis(options.stride, n, 1);
    const dilations = perAxis(options.dilation, n, 1);
    const pads = fullPads(options.pad, n);
    const out: Dim[] = [x.shape[0]!, weight.shape[0]!];
    for (let i = 0; i < n; i++) {
      const k = weight.shape[i + 2] as number;
      const extra = pads[i]! + pads[i + n]! - dilations[i]! * (k - 1) - 1;
      out.push(dimExpr(x.shape[i + 2]!, (d) => Math.floor((d + extra) / strides[i]!) + 1,
        (s) => (extra === -1 && strides[i] === 1 ? s : `floor((${s}${extra >= 0 ? '+' : ''}${extra})/${strides[i]})+1`)));
    }
    const inputs: Tensor[] = bias ? [x, weight, bias] : [x, weight];
    return this.node('Conv', inputs, out, {
      kernel_shape: ints(weight.shape.slice(2) as number[]), strides: ints(strides), pads: ints(pads),
      dilations: ints(dilations), group: int(groups),
    });
  }

  /** ONNX ConvTranspose; weight layout [in, out/groups, ...kernel] as in PyTorch. */
  convTranspose(x: Tensor, weight: Tensor, bias: Tensor | undefined, options: ConvTransposeOptions = {}): Tensor {
    const n = weight.shape.length - 2;
    if (x.shape.length !== n + 2) throw new GraphShapeError(`ConvTranspose: input ${formatShape(x.shape)} vs kernel ${formatShape(weight.shape)}`);
    assertDim(x.shape[1]!, weight.shape[0]!, 'ConvTranspose input channels');
    const groups = options.groups ?? 1;
    const strides = perAxis(options.stride, n, 1);
    const dilations = perAxis(options.dilation, n, 1);
    const pads = fullPads(options.pad, n);
    const outputPadding = perAxis(options.outputPadding, n, 0);
    const out: Dim[] = [x.shape[0]!, product([weight.shape[1]!, groups])];
    for (let i = 0; i < n; i++) {
      const k = weight.shape[i + 2] as number;
      const extra = -pads[i]! - pads[i + n]! + dilations[i]! * (k - 1) + outputPadding[i]! + 1;
      out.push(dimExpr(x.shape[i + 2]!, (d) => (d - 1) * strides[i]! + extra, (s) => `(${s}-1)*${strides[i]}+${extra}`));
    }
    return this.node('ConvTranspose', bias ? [x, weight, bias] : [x, weight], out, {
      kernel_shape: ints(weight.shape.slice(2) as number[]), strides: ints(strides), pads: ints(pads),
      dilations: ints(dilations), group: int(groups), output_padding: ints(outputPadding),
    });
  }

  // ---- shape manipulation ----
  /** Runtime shape of `x` as an int64 vector. */
  shapeOf(x: Tensor): Tensor { return this.node('Shape', [x], [x.shape.length], {}, 'int64'); }

  /**
   * Reshape with ONNX semantics (0 copies the input dim, -1 is inferred). `declared` restates
   * the result shape when inference cannot (symbolic dims).
   */
  reshape(x: Tensor, target: readonly number[], declared?: readonly Dim[]): Tensor {
    const inferred: Dim[] = target.map((d, i) => (d === 0 ? x.shape[i]! : d));
    const unknown = inferred.indexOf(-1);
    if (unknown >= 0) {
      const known = inferred.filter((_, i) => i !== unknown);
      const total = product(x.shape);
      const rest = product(known);
      inferred[unknown] = typeof total === 'number' && typeof rest === 'number' ? total / rest : `(${total})/(${rest})`;
      if (typeof inferred[unknown] === 'number' && !Number.isInteger(inferred[unknown])) {
        throw new GraphShapeError(`Reshape: cannot view ${formatShape(x.shape)} as ${formatShape(target)}`);
      }
    } else {
      const a = product(x.shape);
      const b = product(inferred);
      if (typeof a === 'number' && typeof b === 'number' && a !== b) throw new GraphShapeError(`Reshape: cannot view ${formatShape(x.shape)} as ${formatShape(target)}`);
    }
    return this.node('Reshape', [x, this.constant(target, [target.length], 'int64', 'shape')], declared ?? inferred, {}, x.dtype);
  }

  /** Reshape to a runtime shape tensor (e.g. from shapeOf), with the statically known result shape. */
  reshapeTo(x: Tensor, shape: Tensor, declared: readonly Dim[]): Tensor {
    return this.node('Reshape', [x, shape], declared, {}, x.dtype);
  }

  transpose(x: Tensor, perm: readonly number[]): Tensor {
    if (perm.length !== x.shape.length) throw new GraphShapeError(`Transpose: perm ${formatShape(perm)} for ${formatShape(x.shape)}`);
    return this.node('Transpose', [x], perm.map((p) => x.shape[p]!), { perm: ints(perm) }, x.dtype);
  }

  unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
    const shape: Dim[] = [...x.shape];
    const rank = x.shape.length + axes.length;
    for (const a of [...axes].map((a) => normalizeAxis(a, rank)).sort((p, q) => p - q)) shape.splice(a, 0, 1);
    return this.node('Unsqueeze', [x, this.constant(axes, [axes.length], 'int64', 'axes')], shape, {}, x.dtype);
  }

  squeeze(x: Tensor, axes: readonly number[]): Tensor {
    const drop = new Set(axes.map((a) => normalizeAxis(a, x.shape.length)));
    for (const a of drop) assertDim(x.shape[a]!, 1, `Squeeze axis ${a} of ${formatShape(x.shape)}`);
    const shape = x.shape.filter((_, i) => !drop.has(i));
    return this.node('Squeeze', [x, this.constant(axes, [axes.length], 'int64', 'axes')], shape, {}, x.dtype);
  }

  concat(xs: readonly Tensor[], axis: number): Tensor {
    const first = xs[0];
    if (!first) throw new GraphShapeError('Concat of nothing');
    const a = normalizeAxis(axis, first.shape.length);
    for (const x of xs) {
      if (x.shape.length !== first.shape.length) throw new GraphShapeError(`Concat: rank mismatch ${formatShape(x.shape)} vs ${formatShape(first.shape)}`);
      x.shape.forEach((d, i) => i !== a && assertDim(d, first.shape[i]!, `Concat dim ${i}`));
    }
    const shape = [...first.shape];
    const sizes = xs.map((x) => x.shape[a]!);
    shape[a] = sizes.every((d) => typeof d === 'number') ? (sizes as number[]).reduce((p, q) => p + q, 0) : sizes.join('+');
    return this.node('Concat', xs, shape, { axis: int(a) }, first.dtype);
  }

  split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
    const a = normalizeAxis(axis, x.shape.length);
    const total = sizes.reduce((p, q) => p + q, 0);
    assertDim(x.shape[a]!, total, `Split ${formatShape(x.shape)} into ${formatShape(sizes)}`);
    const shapes = sizes.map((s) => x.shape.map((d, i) => (i === a ? s : d)));
    return this.nodeMulti('Split', [x, this.constant(sizes, [sizes.length], 'int64', 'split')], shapes, { axis: int(a) }, x.dtype);
  }

  /** Static slice along axes (ends clamp like Python). */
  slice(x: Tensor, axes: readonly number[], starts: readonly number[], ends: readonly number[], steps?: readonly number[]): Tensor {
    const shape: Dim[] = [...x.shape];
    axes.forEach((axis, j) => {
      const a = normalizeAxis(axis, x.shape.length);
      const dim = x.shape[a]!;
      const step = steps?.[j] ?? 1;
      if (typeof dim !== 'number') {
        shape[a] = `slice(${dim})`;
        return;
      }
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
      shape[a] = Math.max(0, Math.ceil((clamp(ends[j]!) - clamp(starts[j]!)) / step));
    });
    const inputs = [x, this.constant(starts, [starts.length], 'int64', 'starts'), this.constant(ends, [ends.length], 'int64', 'ends'), this.constant(axes, [axes.length], 'int64', 'axes')];
    if (steps) inputs.push(this.constant(steps, [steps.length], 'int64', 'steps'));
    return this.node('Slice', inputs, shape, {}, x.dtype);
  }

  /** Gather along `axis` with constant indices (a number drops the axis, an array keeps it). */
  gather(x: Tensor, indices: number | readonly number[] | Tensor, axis = 0): Tensor {
    const a = normalizeAxis(axis, x.shape.length);
    const idx = typeof indices === 'number'
      ? this.constant([indices], [], 'int64', 'index')
      : Array.isArray(indices) ? this.constant(indices as number[], [indices.length], 'int64', 'indices') : (indices as Tensor);
    const shape = [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)];
    return this.node('Gather', [x, idx], shape, { axis: int(a) }, x.dtype);
  }

  pad(x: Tensor, pads: readonly number[], mode: 'constant' | 'reflect' | 'edge' = 'constant'): Tensor {
    const rank = x.shape.length;
    if (pads.length !== 2 * rank) throw new GraphShapeError(`Pad: need ${2 * rank} pads for ${formatShape(x.shape)}`);
    const shape = x.shape.map((d, i) => dimExpr(d, (v) => v + pads[i]! + pads[i + rank]!, (s) => `${s}+${pads[i]! + pads[i + rank]!}`));
    return this.node('Pad', [x, this.constant(pads, [pads.length], 'int64', 'pads')], shape, { mode: str(mode) }, x.dtype);
  }

  reduceMean(x: Tensor, axes: readonly number[], keepdims = true): Tensor {
    const set = new Set(axes.map((a) => normalizeAxis(a, x.shape.length)));
    const shape = keepdims ? x.shape.map((d, i) => (set.has(i) ? 1 : d)) : x.shape.filter((_, i) => !set.has(i));
    return this.node('ReduceMean', [x], shape, { axes: ints([...set]), keepdims: int(keepdims ? 1 : 0) });
  }

  /**
   * ONNX Resize by scale factors. `cubic` uses PyTorch's bicubic (a = -0.75); `nearest` with
   * asymmetric/floor equals PyTorch's F.interpolate(mode='nearest').
   */
  resize(x: Tensor, sizes: readonly number[], mode: 'cubic' | 'nearest' | 'linear', coordinateMode: 'align_corners' | 'asymmetric' | 'half_pixel' | 'pytorch_half_pixel'): Tensor {
    if (sizes.length !== x.shape.length) throw new GraphShapeError(`Resize: sizes ${formatShape(sizes)} for ${formatShape(x.shape)}`);
    return this.node('Resize', [x, '', '', this.constant(sizes, [sizes.length], 'int64', 'sizes')], sizes, {
      mode: str(mode), coordinate_transformation_mode: str(coordinateMode), cubic_coeff_a: float(-0.75),
      exclude_outside: int(0), nearest_mode: str('floor'),
    });
  }

  /** Resize by integer factors on the trailing axes (sizes may be symbolic). */
  resizeByScale(x: Tensor, scales: readonly number[], mode: 'nearest' | 'linear' | 'cubic', coordinateMode: 'asymmetric' | 'align_corners' | 'half_pixel'): Tensor {
    const shape = x.shape.map((d, i) => dimExpr(d, (v) => Math.floor(v * scales[i]!), (s) => (scales[i] === 1 ? s : `${s}*${scales[i]}`)));
    return this.node('Resize', [x, '', this.constant(scales, [scales.length], 'float32', 'scales')], shape, {
      mode: str(mode), coordinate_transformation_mode: str(coordinateMode), cubic_coeff_a: float(-0.75), nearest_mode: str('floor'),
    });
  }

  layerNormalization(x: Tensor, scale: Tensor, bias: Tensor, epsilon: number): Tensor {
    assertDim(scale.shape[0]!, x.shape[x.shape.length - 1]!, 'LayerNormalization scale');
    return this.node('LayerNormalization', [x, scale, bias], x.shape, { axis: int(-1), epsilon: float(epsilon) });
  }

  /** ONNX InstanceNormalization: per-sample, per-channel (axis 1) statistics over the trailing axes. */
  instanceNormalization(x: Tensor, scale: Tensor, bias: Tensor, epsilon: number): Tensor {
    assertDim(scale.shape[0]!, x.shape[1]!, 'InstanceNormalization scale');
    return this.node('InstanceNormalization', [x, scale, bias], x.shape, { epsilon: float(epsilon) });
  }

  /**
   * ONNX Runtime's fused MultiHeadAttention (com.microsoft): q (B, S, N*Hq), k (B, L, N*Hq), v (B, L, N*Hv)
   * -> (B, S, N*Hv), heads as contiguous channel blocks, softmax(scale * q.k + attentionBias) v.
   * `scale` defaults to 1/sqrt(Hq). `attentionBias` must be (1|B, 1|N, S, L): the CPU kernel broadcasts
   * only the first two axes. Without a bias the CPU kernel runs tiled (flash) and never holds the logits.
   */
  multiHeadAttention(q: Tensor, k: Tensor, v: Tensor, options: { heads: number; scale?: number; attentionBias?: Tensor }): Tensor {
    const what = `MultiHeadAttention ${formatShape(q.shape)} x ${formatShape(k.shape)} x ${formatShape(v.shape)}`;
    if (q.shape.length !== 3 || k.shape.length !== 3 || v.shape.length !== 3) throw new GraphShapeError(`${what}: q, k and v must be (batch, tokens, channels)`);
    const [qc, vc] = [q.shape[2], v.shape[2]];
    if (typeof qc !== 'number' || typeof vc !== 'number' || qc % options.heads !== 0 || vc % options.heads !== 0) {
      throw new GraphShapeError(`${what}: channels must be static and divisible into ${options.heads} heads`);
    }
    assertDim(k.shape[2]!, qc, `${what} key channels`);
    assertDim(v.shape[1]!, k.shape[1]!, `${what} value tokens`);
    for (const t of [k, v]) assertDim(t.shape[0]!, q.shape[0]!, `${what} batch`);
    const bias = options.attentionBias;
    if (bias) {
      if (bias.shape.length !== 4) throw new GraphShapeError(`${what}: attention bias ${formatShape(bias.shape)} must be (batch|1, heads|1, queries, keys)`);
      assertDim(bias.shape[2]!, q.shape[1]!, `${what} attention bias queries (not broadcast by the CPU kernel)`);
      assertDim(bias.shape[3]!, k.shape[1]!, `${what} attention bias keys (not broadcast by the CPU kernel)`);
    }
    const attributes: Record<string, AttributeValue> = { num_heads: int(options.heads), ...(options.scale !== undefined ? { scale: float(options.scale) } : {}) };
    return this.node('MultiHeadAttention', bias ? [q, k, v, '', '', bias] : [q, k, v], [q.shape[0]!, q.shape[1]!, vc], attributes, 'float32', MS_DOMAIN);
  }
}
