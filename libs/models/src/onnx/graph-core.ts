import type { WeightSource } from '../formats/weight-source.js';
import { OnnxDataType, type AttributeValue, type Dim, type NodeSpec, type TensorProtoSpec, type ValueInfoSpec } from './proto.js';
import { GraphShapeError, formatShape } from './shape.js';
import { toFloat16Compute } from './fp16-compute.js';

export type ElementType = 'float32' | 'float16' | 'int64';

/** ONNX Runtime's contrib-op domain (MultiHeadAttention): CPU and CUDA kernels, not standard ONNX. */
export const MS_DOMAIN = 'com.microsoft';

export const ONNX_ELEMENT_TYPE: Readonly<Record<ElementType, OnnxDataType>> = {
  float32: OnnxDataType.FLOAT, float16: OnnxDataType.FLOAT16, int64: OnnxDataType.INT64,
};

/** A value in the graph under construction: its ONNX name, shape (dims may be symbolic) and type. */
export interface Tensor {
  readonly name: string;
  readonly shape: readonly Dim[];
  readonly dtype: ElementType;
}

/**
 * How the written model stores its weights and computes: 'fp32'; 'fp16' stores weights as fp16 and computes in
 * float32 (each weight Cast once); 'fp16-compute' stores and computes in fp16, with normalisation statistics,
 * softmax and the noise-level embedding in float32 (onnx/fp16-compute.ts). Inputs and outputs are float32 in all three.
 */
export type WeightPrecision = 'fp32' | 'fp16' | 'fp16-compute';

/**
 * A checkpoint tensor used as an initializer, read from the WeightSource only when the model is
 * written (so building a graph never loads weights).
 */
export interface WeightInitializer {
  readonly kind: 'weight';
  readonly name: string;
  readonly key: string;
  readonly sourceShape: readonly number[];
  /** Dims written to the model (a reshape of the source, same element order unless transposed). */
  readonly dims: readonly number[];
  /** Write the 2-D matrix transposed (Linear weights become MatMul right operands). */
  readonly transpose2d: boolean;
}

export interface ConstantInitializer {
  readonly kind: 'constant';
  readonly tensor: TensorProtoSpec;
}

export type Initializer = WeightInitializer | ConstantInitializer;

export interface WeightOptions {
  /** View the weight with these dims (same element count), e.g. a bias as [C, 1, 1]. */
  readonly reshape?: readonly number[];
  /** Transpose a 2-D weight ([out, in] to [in, out]). */
  readonly transpose?: boolean;
}

/** The finished graph plus what the writer needs to stream its weights. */
export interface BuiltGraph {
  readonly name: string;
  readonly nodes: readonly NodeSpec[];
  readonly initializers: readonly Initializer[];
  readonly inputs: readonly ValueInfoSpec[];
  readonly outputs: readonly ValueInfoSpec[];
  readonly precision: WeightPrecision;
  readonly consumedKeys: ReadonlySet<string>;
}

/**
 * How `attention()` is built: 'fused' is ONNX Runtime's MultiHeadAttention (CPU and CUDA have it; it
 * never holds the logits), 'plain' is MatMul -> Softmax -> MatMul for a provider without that op.
 */
export type AttentionForm = 'fused' | 'plain';

export const ATTENTION_FORMS: readonly AttentionForm[] = ['fused', 'plain'];

export interface GraphBuilderOptions {
  readonly name: string;
  readonly weights: WeightSource;
  readonly precision?: WeightPrecision;
  /** Default 'fused'. */
  readonly attention?: AttentionForm;
}

/**
 * State and naming for a graph under construction: nodes, inputs/outputs, initializers,
 * scopes (which name nodes AND resolve relative weight keys), and weight bookkeeping.
 */
export class GraphCore {
  readonly name: string;
  readonly weights: WeightSource;
  readonly precision: WeightPrecision;
  readonly attentionForm: AttentionForm;
  protected readonly nodes: NodeSpec[] = [];
  protected readonly initializers = new Map<string, Initializer>();
  protected readonly inputs: ValueInfoSpec[] = [];
  protected readonly outputs: ValueInfoSpec[] = [];
  /** Original checkpoint keys the graph used; tests compare them to key listings. */
  readonly consumedKeys = new Set<string>();
  private readonly scopes: string[] = [];
  private readonly usedNames = new Set<string>();
  private readonly weightTensors = new Map<string, Tensor>();

  constructor(options: GraphBuilderOptions) {
    this.name = options.name;
    this.weights = options.weights;
    this.precision = options.precision ?? 'fp32';
    this.attentionForm = options.attention ?? 'fused';
  }

  /**
   * Runs `fn` inside a named scope. Scopes join with '.', like PyTorch module paths, and are
   * both the prefix of node names and the prefix of relative weight keys, so
   * `b.scope('mid.attn_1', () => b.weight('q.weight'))` reads `<outer>.mid.attn_1.q.weight`.
   */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The current scope path ('' at the root). */
  get scopePath(): string {
    return this.scopes.filter((s) => s.length > 0).join('.');
  }

  /** Full checkpoint key for a key relative to the current scope. */
  keyOf(relative: string): string {
    return this.scopePath ? `${this.scopePath}.${relative}` : relative;
  }

  /** A unique value/node name under the current scope. */
  uniqueName(base: string): string {
    const stem = this.scopePath ? `${this.scopePath}/${base}` : base;
    let name = stem;
    for (let n = 1; this.usedNames.has(name); n++) name = `${stem}_${n}`;
    this.usedNames.add(name);
    return name;
  }

  hasWeight(relative: string): boolean {
    return this.weights.info(this.keyOf(relative)) !== undefined;
  }

  /** Shape of a weight (relative key), or undefined when the checkpoint lacks it. */
  weightShape(relative: string): readonly number[] | undefined {
    return this.weights.info(this.keyOf(relative))?.shape;
  }

  /**
   * A checkpoint weight by key relative to the current scope (or absolute with `absolute`).
   * Checks the expected shape, marks the key consumed, and returns a float32 tensor (in fp16 and
   * fp16-compute precision the stored fp16 initializer is Cast to float32 once).
   */
  weight(relative: string, expected?: readonly (number | undefined)[], options: WeightOptions = {}): Tensor {
    return this.weightByKey(this.keyOf(relative), expected, options);
  }

  weightByKey(key: string, expected?: readonly (number | undefined)[], options: WeightOptions = {}): Tensor {
    const info = this.weights.info(key);
    if (!info) throw new GraphShapeError(`weight "${key}" is not in ${this.weights.description}`);
    const shape = info.shape;
    if (expected && (expected.length !== shape.length || expected.some((d, i) => d !== undefined && d !== shape[i]))) {
      throw new GraphShapeError(`weight "${key}": expected ${formatShape(expected.map((d) => d ?? '?'))}, checkpoint has ${formatShape(shape)}`);
    }
    let dims: readonly number[] = shape;
    if (options.transpose) {
      if (shape.length !== 2) throw new GraphShapeError(`weight "${key}": only 2-D weights can be transposed`);
      dims = [shape[1]!, shape[0]!];
    }
    if (options.reshape) {
      const count = (d: readonly number[]) => d.reduce((a, b) => a * b, 1);
      if (count(options.reshape) !== count(shape)) {
        throw new GraphShapeError(`weight "${key}": cannot view ${formatShape(shape)} as ${formatShape(options.reshape)}`);
      }
      dims = options.reshape;
    }
    this.consumedKeys.add(key);
    const variant = `${options.transpose ? ':T' : ''}${options.reshape ? `:${options.reshape.join('x')}` : ''}`;
    const initName = key + variant;
    const cached = this.weightTensors.get(initName);
    if (cached) return cached;
    this.usedNames.add(initName);
    this.initializers.set(initName, {
      kind: 'weight', name: initName, key, sourceShape: shape, dims, transpose2d: options.transpose ?? false,
    });
    // fp16-compute graphs are built as fp16-storage ones; finish() then drops these Casts where fp16 reads the weight.
    const stored16 = this.precision !== 'fp32';
    let tensor: Tensor = { name: initName, shape: dims, dtype: stored16 ? 'float16' : 'float32' };
    if (stored16) {
      const out = `${initName}:f32`;
      this.usedNames.add(out);
      this.nodes.push({ opType: 'Cast', name: out, inputs: [initName], outputs: [out], attributes: { to: { type: 'int', value: OnnxDataType.FLOAT } } });
      tensor = { name: out, shape: dims, dtype: 'float32' };
    }
    this.weightTensors.set(initName, tensor);
    return tensor;
  }

  /** A small constant embedded in the model (shapes, axes, fixed kernels). */
  constant(values: readonly number[] | Float32Array, dims: readonly number[], dtype: 'float32' | 'int64' = 'float32', base = 'const'): Tensor {
    const name = this.uniqueName(base);
    const raw = dtype === 'int64'
      ? new Uint8Array(BigInt64Array.from(values as readonly number[], (v) => BigInt(v)).buffer)
      : new Uint8Array(Float32Array.from(values).buffer);
    this.initializers.set(name, { kind: 'constant', tensor: { name, dims, dataType: ONNX_ELEMENT_TYPE[dtype], raw } });
    return { name, shape: dims, dtype };
  }

  /** Declares a graph input. Symbolic dims (strings) become dynamic axes. */
  input(name: string, shape: readonly Dim[], dtype: ElementType = 'float32', docString?: string): Tensor {
    if (this.usedNames.has(name)) throw new GraphShapeError(`duplicate name "${name}"`);
    this.usedNames.add(name);
    this.inputs.push({ name, elemType: ONNX_ELEMENT_TYPE[dtype], dims: shape, ...(docString ? { docString } : {}) });
    return { name, shape, dtype };
  }

  /** Declares a graph output under a clean public name (via Identity), optionally restating its dims. */
  output(tensor: Tensor, name: string, dims: readonly Dim[] = tensor.shape, docString?: string): Tensor {
    if (this.usedNames.has(name)) throw new GraphShapeError(`duplicate name "${name}"`);
    this.usedNames.add(name);
    this.nodes.push({ opType: 'Identity', name: `${name}/identity`, inputs: [tensor.name], outputs: [name], attributes: {} });
    this.outputs.push({ name, elemType: ONNX_ELEMENT_TYPE[tensor.dtype], dims, ...(docString ? { docString } : {}) });
    return { name, shape: dims, dtype: tensor.dtype };
  }

  /** Emits one ONNX node with a single output of the given (already inferred) shape. */
  node(opType: string, inputs: readonly (Tensor | '')[], shape: readonly Dim[], attributes: Record<string, AttributeValue> = {}, dtype: ElementType = 'float32', domain?: string): Tensor {
    return this.nodeMulti(opType, inputs, [shape], attributes, dtype, domain)[0]!;
  }

  /** `domain` names an operator set other than standard ONNX (MS_DOMAIN); the writer imports it. */
  nodeMulti(opType: string, inputs: readonly (Tensor | '')[], shapes: readonly (readonly Dim[])[], attributes: Record<string, AttributeValue> = {}, dtype: ElementType = 'float32', domain?: string): Tensor[] {
    const name = this.uniqueName(opType);
    const outputs = shapes.map((shape, i) => ({ name: shapes.length === 1 ? name : `${name}:${i}`, shape, dtype }));
    for (const o of outputs) this.usedNames.add(o.name);
    this.nodes.push({
      opType, name, inputs: inputs.map((t) => (t === '' ? '' : t.name)), outputs: outputs.map((o) => o.name), attributes,
      ...(domain ? { domain } : {}),
    });
    return outputs;
  }

  /** Freezes the graph for writing. */
  finish(): BuiltGraph {
    if (this.outputs.length === 0) throw new GraphShapeError(`graph "${this.name}" has no outputs`);
    const graph: BuiltGraph = {
      name: this.name,
      nodes: [...this.nodes],
      initializers: [...this.initializers.values()],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      precision: this.precision === 'fp32' ? 'fp32' : 'fp16',
      consumedKeys: new Set(this.consumedKeys),
    };
    return this.precision === 'fp16-compute' ? toFloat16Compute(graph) : graph;
  }
}
