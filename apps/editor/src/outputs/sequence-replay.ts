// A run shown after the fact (restored from History, or re-queued and all cached) streams no frames: the nodes that
// saved a frame sequence (a Save Frames zip, a Save Video mp4) show frames of what they saved instead, read one by
// one from the server's frame endpoint, and so does the node whose frames they saved.
import type { Link } from '@lvcd/nodes';
import { frameUrl, type ApiClient } from '../api/client';
import type { Artifact } from '../api/types';
import type { NodeRuntimeStore } from '../stores/node-runtime';

/** Frames a replayed node shows: enough to play its motion, few enough that its filmstrip loads at once. */
export const REPLAYED_FRAMES = 12;

/** Saved sequences the server splits into frames; a GIF or WebP is an image the filmstrip shows (and animates) as it is. */
export function isReplayable(a: Pick<Artifact, 'mime'>): boolean {
  return a.mime === 'application/zip' || a.mime.startsWith('video/');
}

/** `most` indices spread evenly over `count` frames, first and last included. */
export function spacedIndices(count: number, most: number): number[] {
  const n = Math.min(count, most);
  if (n <= 1) return n === 1 ? [0] : [];
  return Array.from({ length: n }, (_, k) => Math.round((k * (count - 1)) / (n - 1)));
}

/** The node whose output feeds `node`'s frames input in `links`: it made the frames `node` saved. */
export function feederOf(links: readonly Link[], node: string): string | undefined {
  return links.find((l) => l.to.node === node && l.to.input === 'frames')?.from.node;
}

export type SequenceReplay = (artifact: Artifact, stillShown: () => boolean) => Promise<void>;

/**
 * `links` are those of the document on the canvas (the run's own, once it is restored). A node that already shows
 * frames (streamed live, or preview PNGs) keeps them.
 */
export function createSequenceReplay(api: Pick<ApiClient, 'sequence'>, runtime: NodeRuntimeStore, links: () => readonly Link[]): SequenceReplay {
  const bare = (node: string) => runtime.nodeRuntime(node).frames.length === 0;
  return async (artifact, stillShown) => {
    if (!isReplayable(artifact)) return;
    const feeder = feederOf(links(), artifact.node);
    const nodes = () => [artifact.node, ...(feeder ? [feeder] : [])].filter(bare);
    if (nodes().length === 0) return;
    let info;
    try {
      info = await api.sequence(artifact.id);
    } catch {
      return; // not splittable here (no ffmpeg on the server): the run detail still lists the file
    }
    if (!stillShown()) return;
    // A video's count is an estimate until it is split; Save Video wrote how many frames it encoded.
    const count = typeof artifact.meta?.frames === 'number' ? artifact.meta.frames : info.count;
    for (const node of nodes()) {
      for (const index of spacedIndices(count, REPLAYED_FRAMES)) {
        runtime.putFrame(node, { index, url: frameUrl(artifact.id, index), width: info.width, height: info.height }, count);
      }
    }
  };
}
