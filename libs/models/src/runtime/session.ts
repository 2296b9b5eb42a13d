import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { splitInputShapes, type DeclaredInput } from '../onnx/input-shapes.js';
import { ort } from './ort.js';
import type { OptimisedGraphCache } from './optimised-graphs.js';
import { mergeSessionConfig } from './session-config.js';

export type ProviderChoice = 'auto' | 'cuda' | 'cpu';

export interface CreatedSession {
  readonly session: ort.InferenceSession;
  /** The execution provider that actually runs the model. */
  readonly provider: 'cuda' | 'cpu';
}

/**
 * The session options every model opens with, besides its execution provider: ORT's log silenced to 'fatal'
 * and ORT's full graph optimisation (its default, named so a run's record can say what it ran with).
 */
export const BASE_SESSION_OPTIONS = { logSeverityLevel: 4, graphOptimizationLevel: 'all' } as const satisfies ort.InferenceSession.SessionOptions;

/** The onnxruntime-node version this process runs models with. */
export function onnxRuntimeVersion(): string {
  return ort.env.versions.node ?? ort.env.versions.common;
}

export interface CreateSessionOptions {
  readonly provider?: ProviderChoice;
  /** Extra ORT session options (execution providers are chosen here, not by the caller). */
  readonly sessionOptions?: Omit<ort.InferenceSession.SessionOptions, 'executionProviders'>;
  /** Where the CPU provider keeps optimised graphs between openings (none: every opening optimises). */
  readonly graphCache?: OptimisedGraphCache;
}

/** The inputs each session's model file declares (createSession opens models without them: see splitInputShapes). */
const declared = new WeakMap<ort.InferenceSession, readonly DeclaredInput[]>();

/**
 * A session's inputs as its model file declares them: names, element types and shapes. For a session opened by
 * createSession these come from the file (ONNX Runtime's own metadata then has no shapes); otherwise from ORT.
 */
export function declaredInputs(session: ort.InferenceSession): readonly DeclaredInput[] {
  return declared.get(session) ?? session.inputMetadata.map((m) => ({ name: m.name, isTensor: m.isTensor, type: m.isTensor ? m.type : 'non-tensor', shape: m.isTensor ? m.shape : [] }));
}

/**
 * Opens an ONNX model on the requested provider. onnxruntime-node throws (instead of falling
 * back) when the CUDA provider library is missing, so 'auto' tries CUDA alone first, then CPU,
 * and reports which one runs. ORT's own log is silenced to 'fatal' so that expected CUDA
 * failure does not print an alarming error line.
 *
 * The model opens from memory with its inputs' shapes moved out (splitInputShapes: ORT's allocation planner then
 * skips a search quadratic in the nodes) and its external weights read from the file's folder; the declared inputs
 * still check every call's feeds (declaredInputs). With a graphCache, the CPU provider reopens ORT's optimised graph.
 */
export async function createSession(modelPath: string, options: CreateSessionOptions = {}): Promise<CreatedSession> {
  const choice = options.provider ?? 'auto';
  const { model, inputs } = splitInputShapes(await readFile(modelPath));
  const given: ort.InferenceSession.SessionOptions = { ...BASE_SESSION_OPTIONS, ...options.sessionOptions };
  const base = { ...given, extra: mergeSessionConfig(given, { model_external_initializers_file_folder_path: dirname(resolve(modelPath)) }) };
  const open = async (provider: 'cuda' | 'cpu'): Promise<CreatedSession> => {
    const providerOptions = { ...base, executionProviders: [provider] };
    const session = provider === 'cpu' && options.graphCache
      ? await options.graphCache.open(modelPath, model, providerOptions)
      : await ort.InferenceSession.create(model, providerOptions);
    declared.set(session, inputs);
    return { session, provider };
  };
  if (choice === 'cuda' || choice === 'auto') {
    try {
      return await open('cuda');
    } catch (error) {
      if (choice === 'cuda') {
        throw new Error(`CUDA execution provider unavailable for ${modelPath}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return open('cpu');
}
