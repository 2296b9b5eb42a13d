import { createHash } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WeightSource } from '../formats/weight-source.js';
import { float32ToFloat16 } from '../formats/dtype.js';
import { MS_DOMAIN, type BuiltGraph, type WeightInitializer } from './graph-core.js';
import { OnnxDataType, encodeModel, type TensorProtoSpec } from './proto.js';

/** ONNX opset the graphs target (onnxruntime-node 1.29, CPU and CUDA). */
export const OPSET_VERSION = 17;
/** IR version 8 is the one that goes with opset 17. */
export const IR_VERSION = 8;
/** Opset version of ONNX Runtime's contrib domain (its ops are all registered at version 1). */
const MS_DOMAIN_VERSION = 1;
/** Weight offsets in the data file are aligned so runtimes can map them directly. */
const DATA_ALIGNMENT = 64;

export interface WriteModelOptions {
  /** Output directory; the model is `<fileName>` and its weights `<fileName>.data` beside it. */
  readonly dir: string;
  readonly fileName: string;
  readonly weights: WeightSource;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Called after each weight is written. */
  readonly onTensor?: (progress: { key: string; bytes: number; done: number; total: number }) => void;
  readonly signal?: AbortSignal;
}

export interface WrittenModel {
  readonly modelPath: string;
  readonly dataPath: string;
  readonly modelBytes: number;
  readonly dataBytes: number;
  readonly largestTensorBytes: number;
  readonly weightCount: number;
  /** sha256 (hex) of the .onnx file and of its .data file, computed while writing. */
  readonly modelSha256: string;
  readonly dataSha256: string;
}

function transposeMatrix(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c]!;
  return out;
}

async function encodeWeight(init: WeightInitializer, weights: WeightSource, fp16: boolean): Promise<Uint8Array> {
  let values = await weights.readFloat32(init.key);
  if (init.transpose2d) values = transposeMatrix(values, init.sourceShape[0]!, init.sourceShape[1]!);
  const typed = fp16 ? float32ToFloat16(values) : values;
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

/**
 * Writes a built graph as `<fileName>` + `<fileName>.data`. Weights are read, converted and
 * appended one at a time (peak memory is about the largest tensor), and referenced from the
 * model as external data, so models far above protobuf's 2 GB limit are fine.
 */
export async function writeOnnxModel(graph: BuiltGraph, options: WriteModelOptions): Promise<WrittenModel> {
  const modelPath = path.join(options.dir, options.fileName);
  const dataName = `${options.fileName}.data`;
  const dataPath = path.join(options.dir, dataName);
  const fp16 = graph.precision !== 'fp32';
  const weightInits = graph.initializers.filter((i): i is WeightInitializer => i.kind === 'weight');
  const tensors: TensorProtoSpec[] = [];
  const handle = await open(dataPath, 'w');
  let offset = 0;
  let largest = 0;
  const dataHash = createHash('sha256');
  try {
    let done = 0;
    for (const init of graph.initializers) {
      if (init.kind === 'constant') {
        tensors.push(init.tensor);
        continue;
      }
      options.signal?.throwIfAborted();
      const bytes = await encodeWeight(init, options.weights, fp16);
      const aligned = Math.ceil(offset / DATA_ALIGNMENT) * DATA_ALIGNMENT;
      dataHash.update(new Uint8Array(aligned - offset)); // the gap reads back as zeros
      dataHash.update(bytes);
      offset = aligned;
      await handle.write(bytes, 0, bytes.byteLength, offset);
      tensors.push({
        name: init.name,
        dims: init.dims,
        dataType: fp16 ? OnnxDataType.FLOAT16 : OnnxDataType.FLOAT,
        external: { location: dataName, offset, length: bytes.byteLength },
      });
      offset += bytes.byteLength;
      largest = Math.max(largest, bytes.byteLength);
      options.onTensor?.({ key: init.key, bytes: bytes.byteLength, done: ++done, total: weightInits.length });
    }
  } finally {
    await handle.close();
  }
  const model = encodeModel({
    graph: { name: graph.name, nodes: graph.nodes, initializers: tensors, inputs: graph.inputs, outputs: graph.outputs },
    opsetVersion: OPSET_VERSION,
    ...(graph.nodes.some((n) => n.domain === MS_DOMAIN) ? { domainOpsets: [{ domain: MS_DOMAIN, version: MS_DOMAIN_VERSION }] } : {}),
    irVersion: IR_VERSION,
    producerName: 'lvcd-studio',
    producerVersion: '0.1.0',
    ...(options.docString ? { docString: options.docString } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
  await writeFile(modelPath, model);
  return {
    modelPath, dataPath, modelBytes: model.byteLength, dataBytes: offset, largestTensorBytes: largest,
    weightCount: weightInits.length, modelSha256: createHash('sha256').update(model).digest('hex'), dataSha256: dataHash.digest('hex'),
  };
}
