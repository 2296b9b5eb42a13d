import type { Artifact } from '@lvcd/nodes/runtime';
import type { NodeState } from '../database/entities/index.js';
import type { RunArtifactStore } from '../artifacts/run-artifact-store.js';
import type { RunEventsBus } from './run-events.js';
import type { RunEvent } from './run-scheduler.js';
import type { ArtifactView } from './run-views.js';

export interface RunEventWriterDeps {
  bus: RunEventsBus;
  artifacts: RunArtifactStore;
  /** Saves the node states; called when a node ends. */
  persistNodes(nodes: Record<string, NodeState>): Promise<void>;
  /** Reads (and removes) a frame the worker spooled to a file. */
  takeFrame(spooled: string): Promise<Buffer>;
}

/**
 * Turns one run's executor events into live state, stored artefacts and published events. Events arrive
 * one by one while storing is async, so they go through one chain: they are published in the order they
 * happened, and an artefact is in the database before any event names its id.
 */
export class RunEventWriter {
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  /** Stored artefacts by the cache file they came from, so node:finished can name the ids of its files. */
  private readonly adopted = new Map<string, ArtifactView>();

  constructor(
    private readonly runId: string,
    private readonly nodes: Record<string, NodeState>,
    private readonly deps: RunEventWriterDeps,
  ) {}

  push(event: RunEvent): void {
    this.chain = this.chain.then(() => this.handle(event)).catch((e: unknown) => void (this.failure ??= e));
  }

  /** Waits for every event so far; rethrows the first storing failure, which fails the run. */
  async drain(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private async handle(e: RunEvent): Promise<void> {
    const { bus } = this.deps;
    const runId = this.runId;
    switch (e.type) {
      case 'node:started':
        this.nodes[e.node] = { status: 'running' };
        bus.toRoom(runId, 'node:started', { runId, node: e.node, nodeType: e.nodeType });
        return;
      case 'node:progress':
        this.nodes[e.node] = { status: 'running', value: e.value, max: e.max, ...(e.text ? { text: e.text } : {}) };
        bus.toRoom(runId, 'node:progress', { runId, node: e.node, value: e.value, max: e.max, ...(e.text ? { text: e.text } : {}) });
        return;
      case 'frame': {
        const { payload } = e;
        const data = 'data' in payload ? Buffer.from(payload.data.buffer, payload.data.byteOffset, payload.data.byteLength) : await this.deps.takeFrame(payload.spooled);
        const { output, index, count, width, height, mime } = e;
        bus.toRoom(runId, 'frame', { runId, node: e.node, output, index, ...(count !== undefined ? { count } : {}), width, height, mime, data });
        return;
      }
      case 'artifact':
        bus.toRoom(runId, 'artifact', { runId, node: e.node, artifact: await this.adopt(e.node, e.artifact) });
        return;
      case 'node:cached': {
        const artifacts = await this.adoptAll(e.node, e.artifacts);
        this.nodes[e.node] = { status: 'cached', ms: 0 };
        await this.deps.persistNodes(this.nodes);
        bus.toRoom(runId, 'node:cached', { runId, node: e.node, artifacts });
        return;
      }
      case 'node:finished': {
        const artifacts = await this.adoptAll(e.node, e.artifacts);
        this.nodes[e.node] = { status: 'done', ms: Math.round(e.ms) };
        await this.deps.persistNodes(this.nodes);
        bus.toRoom(runId, 'node:finished', { runId, node: e.node, ms: Math.round(e.ms), artifacts });
        return;
      }
      case 'node:bypassed':
        this.nodes[e.node] = { status: 'bypassed', ms: 0 };
        await this.deps.persistNodes(this.nodes);
        bus.toRoom(runId, 'node:bypassed', { runId, node: e.node });
        return;
      case 'node:failed': {
        const field = e.field ? { field: e.field } : {};
        this.nodes[e.node] = { ...this.nodes[e.node], status: 'failed', message: e.message, ...field };
        await this.deps.persistNodes(this.nodes);
        bus.toRoom(runId, 'node:failed', { runId, node: e.node, message: e.message, ...field });
        return;
      }
    }
  }

  private async adopt(node: string, artifact: Artifact): Promise<ArtifactView> {
    const known = this.adopted.get(artifact.file);
    if (known) return known;
    const view = await this.deps.artifacts.adopt(this.runId, node, artifact);
    this.adopted.set(artifact.file, view);
    return view;
  }

  private async adoptAll(node: string, artifacts: readonly Artifact[]): Promise<ArtifactView[]> {
    const views: ArtifactView[] = [];
    for (const a of artifacts) views.push(await this.adopt(node, a));
    return views;
  }
}
