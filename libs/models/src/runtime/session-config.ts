import type { ort } from './ort.js';

/** Session options' `extra` with more `session.*` config entries (ONNX Runtime's session config keys), keeping those given. */
export function mergeSessionConfig(options: ort.InferenceSession.SessionOptions, session: Record<string, string>): Record<string, unknown> {
  const extra = options.extra ?? {};
  return { ...extra, session: { ...(extra['session'] as object | undefined), ...session } };
}
