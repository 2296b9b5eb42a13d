import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OverlayWeightSource, openWeightFile, type WeightSource } from '../formats/weight-source.js';
import type { BuiltGraph, WeightInitializer, WeightPrecision } from '../onnx/graph-core.js';
import { OPSET_VERSION, writeOnnxModel } from '../onnx/model-writer.js';
import { OnnxDataType, type ValueInfoSpec } from '../onnx/proto.js';
import { inferArchitecture, planBundleGraphs, type ArchitectureOptions, type BundleGraphOptions } from './bundle-graphs.js';
import { sha256File } from './file-hash.js';
import {
  BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, MANIFEST_FILE,
  type BundleManifest, type ModelId, type ModelRecord, type SourceRecord, type TensorRecord,
} from '../runtime/bundle-manifest.js';

export interface ConvertBundleOptions extends ArchitectureOptions, BundleGraphOptions {
  /** svd.safetensors (SVD img2vid). */
  readonly svd: string;
  /** lvcd.ckpt or lvcd-fp16.safetensors; its keys override svd's. */
  readonly lvcd: string;
  /** sk_model.pth (optional: without it the bundle has no lineart model). */
  readonly lineart?: string;
  readonly outDir: string;
  /**
   * 'fp32' (default); 'fp16' stores weights as fp16 (half the size) and computes in float32; 'fp16-compute'
   * computes in fp16 too (for CUDA: ONNX Runtime's CPU provider lacks fp16 kernels for most ops).
   */
  readonly precision?: WeightPrecision;
  /** Old spelling of `precision: 'fp16'` (fp16 storage, float32 compute); `precision` wins when both are given. */
  readonly fp16?: boolean;
}

export interface ConversionProgress {
  readonly stage: 'hashing' | 'converting' | 'done';
  readonly model?: ModelId;
  /** Overall progress in [0, 1], by bytes hashed and weights written. */
  readonly fraction: number;
  readonly message: string;
}

export interface ConvertBundleResult {
  readonly outDir: string;
  readonly manifest: BundleManifest;
  readonly seconds: number;
  /** Highest resident set size sampled during the conversion (after every tensor). */
  readonly peakRssBytes: number;
  readonly largestTensorBytes: number;
}

function tensorRecords(values: readonly ValueInfoSpec[]): TensorRecord[] {
  return values.map((v) => ({ name: v.name, dtype: v.elemType === OnnxDataType.INT64 ? 'int64' : 'float32', shape: v.dims, meaning: v.docString ?? '' }));
}

const weightBytes = (graph: BuiltGraph) =>
  graph.initializers
    .filter((i): i is WeightInitializer => i.kind === 'weight')
    .reduce((n, i) => n + i.dims.reduce((a, b) => a * b, 1) * 4, 0);

/**
 * Converts the user's LVCD checkpoints into an ONNX model bundle (ONNX files with external
 * weights + manifest.json). Weights stream one tensor at a time from the source files to the
 * .data files, so memory stays near the largest tensor whatever the checkpoint size.
 */
export async function convertBundle(
  options: ConvertBundleOptions,
  onProgress?: (progress: ConversionProgress) => void,
  signal?: AbortSignal,
): Promise<ConvertBundleResult> {
  const started = performance.now();
  let peakRss = process.memoryUsage().rss;
  const sampleMemory = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
  await mkdir(options.outDir, { recursive: true });

  const opened: WeightSource[] = [];
  try {
    const svd = await openWeightFile(options.svd);
    opened.push(svd);
    const lvcd = await openWeightFile(options.lvcd);
    opened.push(lvcd);
    const lineart = options.lineart ? await openWeightFile(options.lineart) : undefined;
    if (lineart) opened.push(lineart);
    const main = new OverlayWeightSource(svd, lvcd);
    const config = inferArchitecture(main, lineart, options);
    const precision: WeightPrecision = options.precision ?? (options.fp16 ? 'fp16' : 'fp32');
    const graphs = planBundleGraphs(main, lineart, config, options.attention ? { attention: options.attention } : {}).map((plan) => ({ plan, graph: plan.buildGraph(precision) }));

    // Progress is by bytes: every source byte is hashed once, every weight byte written once.
    const files = { svd: options.svd, lvcd: options.lvcd, ...(options.lineart ? { lineart: options.lineart } : {}) };
    const sizes = Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, f]) => [k, (await stat(f)).size] as const)));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0) + graphs.reduce((n, g) => n + weightBytes(g.graph), 0);
    let done = 0;
    const report = (stage: ConversionProgress['stage'], message: string, model?: ModelId) =>
      onProgress?.({ stage, fraction: total ? Math.min(1, done / total) : 1, message, ...(model ? { model } : {}) });

    const sources: Record<string, SourceRecord> = {};
    for (const [role, file] of Object.entries(files)) {
      report('hashing', `hashing ${path.basename(file)}`);
      const sha256 = await sha256File(file, (n) => (done += n), signal);
      sources[role] = { fileName: path.basename(file), bytes: sizes[role]!, sha256 };
    }

    const models: Partial<Record<ModelId, ModelRecord>> = {};
    let largestTensorBytes = 0;
    for (const { plan, graph } of graphs) {
      report('converting', `writing ${plan.fileName}`, plan.id);
      const written = await writeOnnxModel(graph, {
        dir: options.outDir, fileName: plan.fileName, weights: plan.weights, docString: plan.description, ...(signal ? { signal } : {}),
        onTensor: ({ key, bytes }) => {
          done += precision === 'fp32' ? bytes : bytes * 2;
          sampleMemory();
          report('converting', `${plan.fileName}: ${key}`, plan.id);
        },
      });
      largestTensorBytes = Math.max(largestTensorBytes, written.largestTensorBytes);
      models[plan.id] = {
        file: plan.fileName, dataFile: path.basename(written.dataPath), bytes: written.modelBytes, dataBytes: written.dataBytes,
        sha256: written.modelSha256, dataSha256: written.dataSha256, description: plan.description,
        inputs: tensorRecords(graph.inputs), outputs: tensorRecords(graph.outputs),
      };
    }

    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, createdAt: new Date().toISOString(),
      converter: 'lvcd-studio @lvcd/models convertBundle', precision, opset: OPSET_VERSION,
      sources: sources as unknown as BundleManifest['sources'], config, models,
    };
    await writeFile(path.join(options.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    sampleMemory();
    report('done', `bundle written to ${options.outDir}`);
    return { outDir: options.outDir, manifest, seconds: (performance.now() - started) / 1000, peakRssBytes: peakRss, largestTensorBytes };
  } finally {
    await Promise.all(opened.map((s) => s.close()));
  }
}
