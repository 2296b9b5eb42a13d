import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ort } from './ort.js';
import type { BundleManifest, ModelId } from './bundle-manifest.js';
import { createSession, type ProviderChoice } from './session.js';
import type { OptimisedGraphCache } from './optimised-graphs.js';

/**
 * Threads of each session's intra-op pool. onnxruntime-node creates its environment without global thread pools
 * (a session with `session.use_per_session_threads` = 0 fails to open), so every session keeps its own pool; this
 * sizes them to the CPUs this process may use rather than the machine's cores. Sessions run one at a time, so only
 * one pool works at once.
 */
export const INTRA_OP_THREADS = availableParallelism();

/**
 * A bundle's ONNX Runtime sessions, each opened on its first use (opening the denoiser takes seconds, and a run that
 * never extracts lineart never needs that model). Concurrent first uses share one opening; a failed opening is
 * forgotten, so a later use tries again.
 */
export class LazySessions {
  private readonly opening = new Map<ModelId, Promise<ort.InferenceSession>>();
  private readonly opened = new Map<ModelId, { session: ort.InferenceSession; provider: 'cuda' | 'cpu' }>();
  private released = false;

  constructor(
    private readonly dir: string,
    private readonly manifest: BundleManifest,
    private readonly provider: ProviderChoice,
    private readonly graphCache?: OptimisedGraphCache,
  ) {}

  /** The session of a model, opened now if it is not yet. */
  get(id: ModelId): Promise<ort.InferenceSession> {
    if (this.released) return Promise.reject(new Error(`the model bundle in ${this.dir} was released`));
    let session = this.opening.get(id);
    if (!session) {
      session = this.open(id);
      this.opening.set(id, session);
      session.catch(() => this.opening.get(id) === session && this.opening.delete(id));
    }
    return session;
  }

  /** Where each model opened so far runs. */
  providers(): Partial<Record<ModelId, 'cuda' | 'cpu'>> {
    return Object.fromEntries([...this.opened].map(([id, o]) => [id, o.provider]));
  }

  /** Closes every session, those still opening included; later uses fail. */
  async release(): Promise<void> {
    this.released = true;
    const pending = [...this.opening.values()];
    this.opening.clear();
    const sessions = await Promise.allSettled(pending);
    await Promise.all(sessions.map((s) => (s.status === 'fulfilled' ? s.value.release() : undefined)));
    this.opened.clear();
  }

  private async open(id: ModelId): Promise<ort.InferenceSession> {
    const record = this.manifest.models[id];
    if (!record) throw new Error(`the model bundle in ${this.dir} has no ${id} model`);
    let created;
    try {
      created = await createSession(join(this.dir, record.file), { provider: this.provider, sessionOptions: { intraOpNumThreads: INTRA_OP_THREADS }, graphCache: this.graphCache });
    } catch (e) {
      throw new Error(`cannot open ${id} (${record.file}) of the model bundle in ${this.dir}: ${(e as Error).message}`, { cause: e });
    }
    if (this.released) {
      // Released while it opened: nobody will use it.
      await created.session.release();
      throw new Error(`the model bundle in ${this.dir} was released`);
    }
    this.opened.set(id, created);
    return created.session;
  }
}
