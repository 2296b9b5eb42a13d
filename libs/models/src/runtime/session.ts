import { ort } from './ort.js';

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
}

/**
 * Opens an ONNX model on the requested provider. onnxruntime-node throws (instead of falling
 * back) when the CUDA provider library is missing, so 'auto' tries CUDA alone first, then CPU,
 * and reports which one runs. ORT's own log is silenced to 'fatal' so that expected CUDA
 * failure does not print an alarming error line.
 */
export async function createSession(modelPath: string, options: CreateSessionOptions = {}): Promise<CreatedSession> {
  const choice = options.provider ?? 'auto';
  const base: ort.InferenceSession.SessionOptions = { ...BASE_SESSION_OPTIONS, ...options.sessionOptions };
  if (choice === 'cuda' || choice === 'auto') {
    try {
      const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cuda'] });
      return { session, provider: 'cuda' };
    } catch (error) {
      if (choice === 'cuda') {
        throw new Error(`CUDA execution provider unavailable for ${modelPath}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  const session = await ort.InferenceSession.create(modelPath, { ...base, executionProviders: ['cpu'] });
  return { session, provider: 'cpu' };
}
