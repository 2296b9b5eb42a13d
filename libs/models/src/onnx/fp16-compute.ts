import { float32ToFloat16 } from '../formats/dtype.js';
import type { BuiltGraph, ConstantInitializer, Initializer } from './graph-core.js';
import { OnnxDataType, type NodeSpec } from './proto.js';

/**
 * Ops that stay float32 in an fp16-compute graph, with Casts around them: normalisation statistics (a mean and
 * variance over thousands of fp16 values loses digits and can overflow), softmax (exp of logits), and the
 * sinusoidal embedding of the noise level (c_noise: the graph's share of the EDM sigma handling; c_in, c_skip
 * and c_out are applied on the host, in float32, outside the graph).
 * MultiHeadAttention is not here: ONNX Runtime's CUDA kernels take fp16 q/k/v and only run flash or
 * memory-efficient attention on fp16 (they accumulate the softmax in float32 inside the kernel).
 */
export const FP32_OPS: ReadonlySet<string> = new Set(['InstanceNormalization', 'LayerNormalization', 'GroupNormalization', 'Softmax', 'Sin', 'Cos']);

/** Inputs an op takes as float32 whatever its data type (Resize's scales). */
const FLOAT32_SLOTS: Readonly<Record<string, readonly number[]>> = { Resize: [2] };

const castNode = (input: string, output: string, to: number): NodeSpec => ({
  opType: 'Cast', name: `${output}/cast`, inputs: [input], outputs: [output], attributes: { to: { type: 'int', value: to } },
});

/** The element type of every value of a graph built by GraphBuilder (inputs, initializers, node outputs). */
function valueTypes(graph: BuiltGraph): Map<string, number> {
  const types = new Map<string, number>();
  for (const i of graph.inputs) types.set(i.name, i.elemType);
  for (const init of graph.initializers) {
    types.set(init.kind === 'weight' ? init.name : init.tensor.name, init.kind === 'weight' ? (graph.precision === 'fp32' ? OnnxDataType.FLOAT : OnnxDataType.FLOAT16) : init.tensor.dataType);
  }
  for (const n of graph.nodes) {
    // Cast says its type; Shape gives int64; every other op GraphBuilder emits keeps the type of its data input.
    const attr = n.attributes['to'];
    const type = n.opType === 'Cast' && attr?.type === 'int' ? attr.value : n.opType === 'Shape' ? OnnxDataType.INT64 : types.get(n.inputs.find((i) => i !== '') ?? '');
    if (type === undefined) throw new Error(`fp16 compute: the type of ${n.name}'s input is unknown`);
    for (const o of n.outputs) types.set(o, type);
  }
  return types;
}

/**
 * Rewrites a graph built with fp16 weight storage (each weight Cast to float32 once) to compute in fp16: every
 * float32 value becomes fp16, except what FP32_OPS compute and what is computed from the graph's inputs and
 * constants alone, which get Casts to float32 before and to fp16 after.
 * The graph's inputs and outputs stay float32 (Casts at the edges), so callers feed and read it as before.
 * Each value is produced in one type (its "native" one) and Cast to the other only where a consumer needs it.
 */
export function toFloat16Compute(graph: BuiltGraph): BuiltGraph {
  if (graph.precision !== 'fp16') throw new Error(`fp16 compute starts from an fp16-storage graph, not ${graph.precision}`);
  const types = valueTypes(graph);
  const isFloat = (v: string) => types.get(v) === OnnxDataType.FLOAT;
  const outputNames = new Set(graph.outputs.map((o) => o.name));
  const constants = new Map<string, ConstantInitializer>();
  for (const init of graph.initializers) if (init.kind === 'constant' && init.tensor.dataType === OnnxDataType.FLOAT) constants.set(init.tensor.name, init);
  // Nodes computed from the graph's float32 inputs and constants alone (no weight, no activation) stay float32: the
  // noise level's way to its embedding, the reference-attention bias tables, the CLIP preprocessing. They are small
  // or run once, and feeding the fp16 network from them costs one Cast where they meet it.
  const fromInputs = new Set<string>(graph.inputs.filter((i) => i.elemType === OnnxDataType.FLOAT).map((i) => i.name));
  for (const c of constants.keys()) fromInputs.add(c);
  const derived = new Set<NodeSpec>();
  for (const n of graph.nodes) {
    if (n.opType === 'Shape' || n.opType === 'Cast') continue;
    const floats = n.inputs.filter((v) => v !== '' && isFloat(v));
    if (floats.length > 0 && floats.every((v) => fromInputs.has(v))) {
      derived.add(n);
      n.outputs.forEach((o) => fromInputs.add(o));
    }
  }
  const wantsFloat32 = (n: NodeSpec, slot: number) => FP32_OPS.has(n.opType) || derived.has(n) || (FLOAT32_SLOTS[n.opType]?.includes(slot) ?? false);

  // Where each float32 value is produced natively as float32 (graph inputs, FP32_OPS and derived outputs, weight Casts).
  const native32 = new Set<string>(graph.inputs.filter((i) => i.elemType === OnnxDataType.FLOAT).map((i) => i.name));
  /** The fp16 value a weight Cast's output stands for: the stored weight itself. */
  const half = new Map<string, string>();
  // A float constant stays float32 when no consumer wants it in fp16 (Resize scales, FP32_OPS' constant inputs).
  const constantWants16 = new Set<string>();
  for (const n of graph.nodes) {
    n.inputs.forEach((v, slot) => constants.has(v) && !wantsFloat32(n, slot) && !outputNames.has(n.outputs[0]!) && constantWants16.add(v));
    if (FP32_OPS.has(n.opType) || derived.has(n)) n.outputs.forEach((o) => native32.add(o));
    if (n.opType === 'Cast' && types.get(n.inputs[0]!) === OnnxDataType.FLOAT16 && isFloat(n.outputs[0]!)) {
      native32.add(n.outputs[0]!);
      half.set(n.outputs[0]!, n.inputs[0]!);
    }
  }
  for (const c of constants.keys()) if (!constantWants16.has(c)) native32.add(c);

  const nodes: NodeSpec[] = [];
  const made = new Set<string>();
  /** The value `v` in `type`: itself when produced so, else a Cast made once (right where it is first needed). */
  const realise = (v: string, type: typeof OnnxDataType.FLOAT | typeof OnnxDataType.FLOAT16): string => {
    if (v === '' || !isFloat(v)) return v;
    const is32 = native32.has(v);
    if ((type === OnnxDataType.FLOAT) === is32) return v;
    if (type === OnnxDataType.FLOAT16 && half.has(v)) return half.get(v)!;
    const name = `${v}:${type === OnnxDataType.FLOAT ? 'f32' : 'f16'}`;
    if (!made.has(name)) {
      made.add(name);
      nodes.push(castNode(v, name, type));
    }
    return name;
  };

  const readAs32 = new Set(graph.nodes.flatMap((m) => m.inputs.filter((v, slot) => wantsFloat32(m, slot) || (m.opType === 'Identity' && outputNames.has(m.outputs[0]!)) ? v : false)));
  for (const n of graph.nodes) {
    if (half.has(n.outputs[0]!)) {
      // A weight's storage Cast: kept only where float32 reads the weight (LayerNorm's scale and bias).
      if (readAs32.has(n.outputs[0]!)) nodes.push(n);
      continue;
    }
    if (n.opType === 'Identity' && n.outputs.some((o) => outputNames.has(o))) {
      nodes.push({ ...n, inputs: [realise(n.inputs[0]!, OnnxDataType.FLOAT)] });
      continue;
    }
    if (n.opType === 'Shape') {
      nodes.push(n);
      continue;
    }
    const attr = n.attributes['to'];
    const retyped = n.opType === 'Cast' && attr?.type === 'int' && attr.value === OnnxDataType.FLOAT && !native32.has(n.outputs[0]!)
      ? { ...n.attributes, to: { type: 'int' as const, value: OnnxDataType.FLOAT16 } } : n.attributes;
    const inputs = n.inputs.map((v, slot) => (n.opType === 'Cast' ? v : realise(v, wantsFloat32(n, slot) ? OnnxDataType.FLOAT : OnnxDataType.FLOAT16)));
    nodes.push({ ...n, inputs, attributes: retyped });
  }

  const initializers: Initializer[] = graph.initializers.map((init) => {
    if (init.kind !== 'constant' || !constantWants16.has(init.tensor.name)) return init;
    const raw = init.tensor.raw!;
    const halfBits = float32ToFloat16(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)));
    return { kind: 'constant', tensor: { ...init.tensor, dataType: OnnxDataType.FLOAT16, raw: new Uint8Array(halfBits.buffer) } };
  });
  return { ...graph, nodes, initializers, precision: 'fp16-compute' };
}
