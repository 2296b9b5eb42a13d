import { OverlayWeightSource, openWeightFile, type WeightSource } from '../../formats/index.js';
import { writeOnnxModel, type WrittenModel } from '../../onnx/index.js';
import { buildDenoiserGraph, type DenoiserGraph, type DenoiserGraphOptions } from './denoiser-graph.js';

/** The graph's options (architecture, precision, part, attention form) and where the weights come from and go. */
export interface ConvertDenoiserOptions extends Omit<DenoiserGraphOptions, 'weights'> {
  /** svd.safetensors: the UNet (`model.diffusion_model.*`). */
  readonly svdPath: string;
  /** lvcd.ckpt (or an fp16 safetensors re-save): `control_model.*` and the fine-tuned UNet attentions, which win. */
  readonly lvcdPath: string;
  readonly outDir: string;
  readonly fileName?: string;
  readonly onTensor?: (progress: { key: string; bytes: number; done: number; total: number }) => void;
  readonly signal?: AbortSignal;
}

export interface ConvertedDenoiser {
  readonly written: WrittenModel;
  readonly graph: DenoiserGraph;
  readonly nodeCount: number;
  readonly seconds: number;
}

/** The weight view of the original loading order: svd.safetensors, then lvcd.ckpt over it. */
export async function openLvcdWeights(svdPath: string, lvcdPath: string): Promise<OverlayWeightSource> {
  const svd = await openWeightFile(svdPath);
  let lvcd: WeightSource;
  try {
    lvcd = await openWeightFile(lvcdPath);
  } catch (error) {
    await svd.close();
    throw error;
  }
  return new OverlayWeightSource(svd, lvcd);
}

/**
 * Converts the LVCD denoiser network to `<outDir>/<fileName>` + `.data`. The graph is built from the
 * key listing alone; weights are then streamed one tensor at a time (memory ~ the largest tensor).
 */
export async function convertDenoiser(options: ConvertDenoiserOptions): Promise<ConvertedDenoiser> {
  const started = performance.now();
  const weights = await openLvcdWeights(options.svdPath, options.lvcdPath);
  try {
    const graph = buildDenoiserGraph({
      weights, config: options.config,
      ...(options.precision ? { precision: options.precision } : {}),
      ...(options.part ? { part: options.part } : {}),
      ...(options.debugOutputs ? { debugOutputs: true } : {}),
      ...(options.attention ? { attention: options.attention } : {}),
      ...(options.attentionFrameGroup !== undefined ? { attentionFrameGroup: options.attentionFrameGroup } : {}),
      ...(options.hintEncoder ? { hintEncoder: options.hintEncoder } : {}),
    });
    const written = await writeOnnxModel(graph.graph, {
      dir: options.outDir,
      fileName: options.fileName ?? `lvcd-${options.part ?? 'denoiser'}.onnx`,
      weights,
      docString: 'LVCD ControlNet + video UNet (reference attention driven by ref_* inputs)',
      metadata: {
        precision: graph.graph.precision,
        attention: options.attention ?? 'fused',
        reference_layers: `${graph.referenceLayers.controlLayers},${graph.referenceLayers.unetLayers}`,
      },
      ...(options.onTensor ? { onTensor: options.onTensor } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { written, graph, nodeCount: graph.graph.nodes.length, seconds: (performance.now() - started) / 1000 };
  } finally {
    await weights.close();
  }
}
