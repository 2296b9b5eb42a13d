import { BadRequestException, Inject, Injectable, NotFoundException, UnsupportedMediaTypeException, type OnModuleDestroy } from '@nestjs/common';
import { decodeRgb, decodeVideoFrames, encodePng, MediaError, openFrameZip, probeVideo, readImageSize, type FrameZip } from '@lvcd/media';
import { LRUCache } from 'lru-cache';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RunArtifactStore } from '../artifacts/run-artifact-store.js';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import type { ArtifactView, SequenceInfo } from '@lvcd/nodes';
import { CompareCache } from './compare-cache.js';

export type { SequenceInfo } from '@lvcd/nodes';

interface Sequence {
  info: SequenceInfo;
  dir: string;
  error?: string;
  /** Called whenever `ready` grows or the extraction ends. */
  waiters: Set<() => void>;
  abort: AbortController;
  /** A zip read in place, kept open while the sequence is: nothing is extracted. */
  zip?: FrameZip;
}

const DONE_FILE = 'sequence.json';

/** Whether an artefact holds a frame sequence this service can split into frames. */
export function isSequenceArtifact(a: Pick<ArtifactView, 'mime'>): boolean {
  // Animated WebP is left out: Debian's ffmpeg cannot decode animated WebP.
  return a.mime === 'application/zip' || a.mime.startsWith('video/') || a.mime === 'image/gif';
}

/**
 * Serves single frames of a run's frame-sequence artefact (a Save Frames zip or a Save Video file) without
 * the editor downloading the whole clip. A zip is read in place through its central directory, so frame 900
 * comes as fast as frame 0. A video is split on the first request into one PNG per frame under
 * `<data>/compare-cache/<artifactId>/`, in order and in the background, one frame in memory at a time; a
 * frame request waits only until its frame is written, so the first frames show while a long video is still
 * being decoded. Finished caches survive a restart (artefacts never change, so there is nothing to invalidate).
 * Both are bounded: at most LVCD_COMPARE_OPEN_SEQUENCES sequences stay open (the least recently used is closed:
 * its zip handle, or its split, which starts over on its next request), and the split frames on disk are pruned
 * to LVCD_COMPARE_CACHE_MB, least recently used first.
 */
@Injectable()
export class FrameSequences implements OnModuleDestroy {
  private readonly cache: CompareCache;
  private readonly sequences: LRUCache<string, Promise<Sequence>>;

  constructor(
    private readonly artifacts: RunArtifactStore,
    @Inject(CONFIG) config: ServerConfig,
  ) {
    this.cache = new CompareCache(join(config.dataDir, 'compare-cache'), config.compareCacheLimitBytes);
    this.sequences = new LRUCache({ max: config.compareOpenSequences, dispose: (pending) => void pending.then(closeSequence, () => undefined) });
  }

  onModuleDestroy(): void {
    this.sequences.clear();
  }

  async info(artifactId: string): Promise<SequenceInfo> {
    const seq = await this.open(artifactId);
    if (seq.error) throw new UnsupportedMediaTypeException(seq.error);
    return { ...seq.info };
  }

  /** Frame `index` as PNG bytes (a zip read in place) or the path of its PNG (once written); 404 past the end. */
  async frame(artifactId: string, index: number): Promise<Buffer | string> {
    const seq = await this.open(artifactId);
    for (;;) {
      if (seq.error && index >= seq.info.ready) throw new UnsupportedMediaTypeException(seq.error);
      if (index >= seq.info.count) throw new NotFoundException(`frame ${index} is outside the sequence of ${seq.info.count} frames`);
      if (seq.zip) return this.zipFrame(seq.zip, index);
      if (index < seq.info.ready) return this.frameFile(seq.dir, index);
      await new Promise<void>((resolve) => {
        const wake = () => {
          seq.waiters.delete(wake);
          resolve();
        };
        seq.waiters.add(wake);
      });
    }
  }

  private frameFile(dir: string, index: number): string {
    return join(dir, `${String(index).padStart(6, '0')}.png`);
  }

  private open(artifactId: string): Promise<Sequence> {
    let pending = this.sequences.get(artifactId);
    if (!pending) {
      pending = this.start(artifactId);
      this.sequences.set(artifactId, pending);
      // A failed lookup (no such artefact) is not remembered: it may be a typo today and exist never.
      pending.catch(() => this.sequences.get(artifactId) === pending && this.sequences.delete(artifactId));
    }
    return pending;
  }

  private async start(artifactId: string): Promise<Sequence> {
    const { artifact, path } = await this.artifacts.open(artifactId);
    if (!isSequenceArtifact(artifact)) {
      throw new UnsupportedMediaTypeException(`artifact ${artifactId} (${artifact.name}, ${artifact.mime}) is not a frame sequence; pick a Save Frames zip or a Save Video mp4`);
    }
    const dir = this.cache.dirOf(artifactId);
    if (artifact.mime === 'application/zip') return { ...(await this.indexZip(path, artifactId, Number(artifact.meta?.fps) || 12)), dir };
    const done = await readFile(join(dir, DONE_FILE), 'utf8').then((t) => JSON.parse(t) as SequenceInfo, () => null);
    const seq: Sequence = {
      dir,
      waiters: new Set(),
      abort: new AbortController(),
      info: done ?? { artifact: artifactId, count: 0, width: 0, height: 0, fps: Number(artifact.meta?.fps) || 12, ready: 0, complete: false },
    };
    if (done) {
      await this.cache.touch(artifactId);
      return seq;
    }
    await rm(dir, { recursive: true, force: true }); // a split cut short by a stop or a close starts over
    await mkdir(dir, { recursive: true });
    await this.cache.touch(artifactId);
    void this.extract(seq, await this.videoFrames(seq, path, artifact.name));
    return seq;
  }

  /** A zip read in place: its frames in natural name order, the archive kept open for the frame requests. */
  private async indexZip(path: string, artifactId: string, fps: number): Promise<Omit<Sequence, 'dir'>> {
    let zip: FrameZip;
    try {
      zip = await openFrameZip(path, `artifact ${artifactId}`);
    } catch (e) {
      throw new UnsupportedMediaTypeException(e instanceof MediaError ? `${e.message}; ${e.fix}` : `artifact ${artifactId} is not a readable zip: ${(e as Error).message}`);
    }
    try {
      const size = await readImageSize(await zip.read(0));
      const info: SequenceInfo = { artifact: artifactId, count: zip.names.length, width: size?.width ?? 0, height: size?.height ?? 0, fps, ready: zip.names.length, complete: true };
      return { info, waiters: new Set(), abort: new AbortController(), zip };
    } catch (e) {
      await zip.close();
      throw e;
    }
  }

  private async zipFrame(zip: FrameZip, index: number): Promise<Buffer> {
    const bytes = Buffer.from(await zip.read(index));
    // PNG entries are served as they are; JPEG or WebP frames are made PNG so every frame has one type.
    return /\.png$/i.test(zip.names[index]!) ? bytes : await encodePng(await decodeRgb(bytes));
  }

  private async videoFrames(seq: Sequence, path: string, label: string): Promise<AsyncIterable<Buffer>> {
    let info;
    try {
      info = await probeVideo(path, label, seq.abort.signal);
    } catch (e) {
      throw new UnsupportedMediaTypeException(e instanceof MediaError ? e.message : String(e));
    }
    const expected = info.frames ?? Math.round((info.durationS ?? 0) * info.fps);
    Object.assign(seq.info, { count: Math.max(1, expected), width: info.width, height: info.height, fps: info.fps });
    const signal = seq.abort.signal;
    return (async function* () {
      for await (const image of decodeVideoFrames(path, label, info, undefined, signal)) yield encodePng(image);
    })();
  }

  private async extract(seq: Sequence, frames: AsyncIterable<Buffer>): Promise<void> {
    try {
      for await (const png of frames) {
        if (seq.abort.signal.aborted) throw new Error('it was closed to make room for other sequences; ask again');
        const file = this.frameFile(seq.dir, seq.info.ready);
        // Written then renamed, so a reader never sees half a frame.
        await writeFile(`${file}.part`, png);
        await rename(`${file}.part`, file);
        seq.info.ready++;
        if (seq.info.ready > seq.info.count) seq.info.count = seq.info.ready;
        this.wake(seq);
      }
      seq.info.count = seq.info.ready;
      seq.info.complete = true;
      await writeFile(join(seq.dir, DONE_FILE), JSON.stringify(seq.info));
      // Sequences still open are in use (being read, or being split); only closed ones are pruned.
      await this.cache.prune(new Set(this.sequences.keys()));
    } catch (e) {
      // Frames already written stay servable; the rest of the sequence answers with the reason.
      seq.error = e instanceof MediaError ? `${e.message}; ${e.fix}` : `the sequence could not be split into frames (${(e as Error).message})`;
      seq.info.count = seq.info.ready;
    } finally {
      this.wake(seq);
    }
  }

  private wake(seq: Sequence): void {
    for (const wake of [...seq.waiters]) wake();
  }
}

/** Closes a sequence leaving the open set: stops its split, closes its zip. */
function closeSequence(seq: Sequence): void {
  seq.abort.abort();
  void seq.zip?.close();
}

/** A path parameter that must be a frame index: a whole number written plainly (no sign, no leading zeros). */
export function parseFrameIndex(raw: string): number {
  if (!/^(0|[1-9]\d{0,8})$/.test(raw)) throw new BadRequestException(`"${raw.slice(0, 40)}" is not a frame index (0, 1, 2, ...)`);
  return Number(raw);
}
