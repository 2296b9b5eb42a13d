// Where the compare view gets its pictures: single frames fetched lazily from the server (finished runs), or
// the previews a running run pushes over the socket. Frames are decoded off the main thread (createImageBitmap)
// and kept in a bounded cache, so a 1,000-frame run costs a window of frames, not the clip.
import { frameUrl } from '../api/client';
import type { SequenceInfo } from './sequences';

export interface ShownFrame {
  /** The frame actually shown: a live source may show the nearest earlier frame that has arrived. */
  index: number;
  bitmap: ImageBitmap;
}

export interface FrameSource {
  readonly live: boolean;
  count: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** What to draw for frame `i` now, or null while it loads. */
  frame(i: number): ShownFrame | null;
  /** Loads these frames, most wanted first; frames not listed may be evicted. */
  want(indices: readonly number[]): void;
  dispose(): void;
}

/** Decoded frames kept per side: about this many bytes of RGBA (ImageBitmaps are uncompressed). */
const CACHE_BYTES = 160 * 1024 * 1024;
/** Fetches in flight per side: enough to stay ahead of 30 fps on a local server, few enough to keep order. */
const CONCURRENCY = 6;

/** Frames of a sequence artefact, one request per frame (GET /api/artifacts/:id/frames/:index). */
export class ArtifactFrames implements FrameSource {
  readonly live = false;
  count: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly capacity: number;
  private readonly cache = new Map<number, ImageBitmap>();
  private readonly inflight = new Set<number>();
  private readonly failed = new Set<number>();
  private queue: number[] = [];
  private keep = new Set<number>();
  private disposed = false;

  constructor(
    readonly artifact: string,
    info: SequenceInfo,
    private readonly loaded: () => void,
  ) {
    this.count = info.count;
    this.width = info.width;
    this.height = info.height;
    this.fps = info.fps;
    this.capacity = Math.max(24, Math.min(600, Math.floor(CACHE_BYTES / Math.max(1, info.width * info.height * 4))));
  }

  frame(i: number): ShownFrame | null {
    const bitmap = this.cache.get(i);
    return bitmap ? { index: i, bitmap } : null;
  }

  want(indices: readonly number[]): void {
    const limited = indices.filter((i) => i >= 0 && i < this.count).slice(0, Math.floor(this.capacity * 0.8));
    this.keep = new Set(limited);
    this.queue = limited.filter((i) => !this.cache.has(i) && !this.inflight.has(i) && !this.failed.has(i));
    this.pump();
  }

  private pump(): void {
    while (!this.disposed && this.inflight.size < CONCURRENCY && this.queue.length) void this.load(this.queue.shift()!);
  }

  private async load(i: number): Promise<void> {
    this.inflight.add(i);
    try {
      const res = await fetch(frameUrl(this.artifact, i));
      if (!res.ok) throw new Error(`frame ${i}: ${res.status}`);
      const bitmap = await createImageBitmap(await res.blob());
      if (this.disposed) return bitmap.close();
      this.cache.set(i, bitmap);
      this.evict();
      this.loaded();
    } catch {
      // A frame that cannot load is not retried in a loop; a new `want` after a seek tries the others.
      this.failed.add(i);
    } finally {
      this.inflight.delete(i);
      this.pump();
    }
  }

  /** Drops frames outside the wanted window, oldest first, once over capacity. */
  private evict(): void {
    if (this.cache.size <= this.capacity) return;
    for (const [i, bitmap] of this.cache) {
      if (this.cache.size <= this.capacity) break;
      if (this.keep.has(i)) continue;
      bitmap.close();
      this.cache.delete(i);
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const b of this.cache.values()) b.close();
    this.cache.clear();
  }
}

/**
 * Frames of a run still going: the previews its frame-producing node pushes (`frame` events). They are
 * throttled on the server, so frames in between show the nearest earlier one that has arrived.
 */
export class LiveFrames implements FrameSource {
  readonly live = true;
  count = 0;
  width = 0;
  height = 0;
  readonly fps: number;
  private readonly frames = new Map<number, ImageBitmap>();
  private sorted: number[] = [];
  private disposed = false;

  constructor(
    fps: number,
    private readonly loaded: () => void,
  ) {
    this.fps = fps;
  }

  async push(index: number, data: ArrayBuffer | Uint8Array, mime: string, count: number | undefined, width: number, height: number): Promise<void> {
    const bitmap = await createImageBitmap(new Blob([data as BlobPart], { type: mime }));
    if (this.disposed) return bitmap.close();
    this.frames.get(index)?.close();
    this.frames.set(index, bitmap);
    this.sorted = [...this.frames.keys()].sort((x, y) => x - y);
    this.count = Math.max(this.count, count ?? 0, index + 1);
    this.width = width;
    this.height = height;
    this.loaded();
  }

  get arrived(): number {
    return this.frames.size;
  }

  frame(i: number): ShownFrame | null {
    if (!this.sorted.length) return null;
    let best = this.sorted[0]!;
    for (const k of this.sorted) {
      if (k > i) break;
      best = k;
    }
    return { index: best, bitmap: this.frames.get(best)! };
  }

  want(): void {
    // Everything that has arrived is kept: previews are few (one every ~0.4 s of work).
  }

  dispose(): void {
    this.disposed = true;
    for (const b of this.frames.values()) b.close();
    this.frames.clear();
    // The view keeps drawing until the saved sequence replaces this source: show nothing, not a closed frame.
    this.sorted = [];
  }
}
