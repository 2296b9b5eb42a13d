import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { decodeRgb, encodeVideo, hasFfmpeg, psnr, ssim, type RgbImage } from '@lvcd/media';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG } from '../config/config.module.js';
import type { ServerConfig } from '../config/config.js';
import type { ArtifactView, CompareExport as ExportResult, PairMetrics, RunDetail } from '@lvcd/nodes';
import { RunsService } from '../runs/runs.service.js';
import { FrameSequences, isSequenceArtifact } from './frame-sequences.js';
import { composeSideBySide, readSide, renderLabelStrip, sideBySideLayout } from './side-by-side.js';

/** Exports kept on disk; older ones are removed when a new one is made. */
const KEPT_EXPORTS = 20;
/** Pairs whose metrics stay memoised (a few numbers per frame each), least recently used dropped first. */
const KEPT_PAIR_METRICS = 256;

/**
 * The run's frame sequence to compare: a Save Frames zip first (lossless), else a video; among several of
 * one kind, the one written first. Mirrors `pickSequence` in the editor's compare view.
 */
export function pickSequence(artifacts: readonly ArtifactView[]): ArtifactView | undefined {
  const seqs = artifacts.filter(isSequenceArtifact);
  return seqs.find((a) => a.mime === 'application/zip') ?? seqs.find((a) => a.mime === 'video/mp4') ?? seqs[0];
}

@Injectable()
export class CompareService {
  private readonly exportsDir: string;
  private readonly metricsCache = new LRUCache<string, Promise<PairMetrics>>({ max: KEPT_PAIR_METRICS });
  /** Exports run one at a time: each holds an ffmpeg and a couple of decoded frames. */
  private exportChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runs: RunsService,
    private readonly sequences: FrameSequences,
    @Inject(CONFIG) config: ServerConfig,
  ) {
    this.exportsDir = join(config.dataDir, 'compare-exports');
  }

  /**
   * PSNR/SSIM of B against A frame by frame (the "no ground truth" comparison), over the frames both have.
   * B is scaled to A's size when they differ. Memoised per pair (artefacts never change), for the latest pairs.
   */
  pairMetrics(a: string, b: string): Promise<PairMetrics> {
    const key = `${a}|${b}`;
    let pending = this.metricsCache.get(key);
    if (!pending) {
      pending = this.computePairMetrics(a, b);
      this.metricsCache.set(key, pending);
      pending.catch(() => this.metricsCache.get(key) === pending && this.metricsCache.delete(key));
    }
    return pending;
  }

  private async computePairMetrics(a: string, b: string): Promise<PairMetrics> {
    const [ia, ib] = await Promise.all([this.sequences.info(a), this.sequences.info(b)]);
    const layout = sideBySideLayout(ia.width, ia.height);
    const frames: PairMetrics['frames'] = [];
    // Counts are final only once both are split; frame requests below wait for that as needed.
    for (let i = 0; ; i++) {
      const [fa, fb] = [await this.sequences.info(a), await this.sequences.info(b)];
      if (i >= Math.min(fa.count, fb.count)) break;
      const imageA = await decodeRgb(await this.sequences.frame(a, i));
      const imageB = await readSide(await this.sequences.frame(b, i), layout);
      frames.push({ index: i, psnr: psnr(imageA, imageB), ssim: ssim(imageA, imageB) });
      // SSIM is a few ms of pure CPU per frame: let other requests in between frames.
      await new Promise((r) => setImmediate(r));
    }
    const n = frames.length;
    const mean = (f: (r: PairMetrics['frames'][number]) => number) => (n ? frames.reduce((s, r) => s + f(r), 0) / n : 0);
    return { a, b, frames, summary: { frames: n, meanPsnr: mean((r) => r.psnr), meanSsim: mean((r) => r.ssim), minPsnr: n ? Math.min(...frames.map((r) => r.psnr)) : 0 } };
  }

  /** The sequence artefact of a run to compare or export: the one named (it must belong to the run), else the preferred one. */
  async sequenceOf(run: RunDetail, artifactId: string | undefined): Promise<ArtifactView> {
    if (artifactId) {
      const named = run.artifacts.find((x) => x.id === artifactId);
      if (!named) throw new BadRequestException(`artifact ${artifactId} does not belong to run ${run.id}`);
      if (!isSequenceArtifact(named)) throw new BadRequestException(`artifact ${artifactId} (${named.name}) is not a frame sequence`);
      return named;
    }
    const picked = pickSequence(run.artifacts);
    if (!picked) {
      const still = run.status === 'queued' || run.status === 'running';
      throw new ConflictException(`run ${run.id} has no frame sequence${still ? ' yet (it is still ' + run.status + ')' : ' (add Save Frames or Save Video to its workflow)'}`);
    }
    return picked;
  }

  /** Both runs' sequences side by side under their labels, encoded as H.264 mp4, streaming frame by frame. */
  exportSideBySide(req: { a: string; b: string; artifactA?: string; artifactB?: string; labels?: [string, string]; fps?: number }): Promise<ExportResult> {
    const job = this.exportChain.then(() => this.runExport(req));
    this.exportChain = job.catch(() => undefined);
    return job;
  }

  private async runExport(req: { a: string; b: string; artifactA?: string; artifactB?: string; labels?: [string, string]; fps?: number }): Promise<ExportResult> {
    if (!hasFfmpeg()) throw new ConflictException('ffmpeg is not installed on the server; install it (apt-get install -y ffmpeg)');
    const [runA, runB] = await Promise.all([this.runs.detail(req.a), this.runs.detail(req.b)]);
    const [seqA, seqB] = await Promise.all([this.sequenceOf(runA, req.artifactA), this.sequenceOf(runB, req.artifactB)]);
    const [infoA] = await Promise.all([this.sequences.info(seqA.id), this.sequences.info(seqB.id)]);
    const labels = req.labels ?? [defaultLabel('A', runA), defaultLabel('B', runB)];
    const layout = sideBySideLayout(infoA.width, infoA.height);
    const strip = await renderLabelStrip(layout, labels);
    const fps = req.fps ?? infoA.fps;
    const sequences = this.sequences;
    const frames = async function* (): AsyncGenerator<RgbImage> {
      for (let i = 0; ; i++) {
        const [ia, ib] = [await sequences.info(seqA.id), await sequences.info(seqB.id)];
        if (i >= Math.min(ia.count, ib.count)) return;
        const [a, b] = await Promise.all([readSide(await sequences.frame(seqA.id, i), layout), readSide(await sequences.frame(seqB.id, i), layout)]);
        yield composeSideBySide(layout, strip, a, b);
      }
    };
    await mkdir(this.exportsDir, { recursive: true });
    const id = randomUUID();
    const file = join(this.exportsDir, `${id}.mp4`);
    try {
      const { frames: written } = await encodeVideo(frames(), { file, width: layout.outWidth, height: layout.outHeight, fps, format: 'mp4', crf: 18 });
      await this.prune();
      return { id, url: `/api/compare/exports/${id}`, name: `compare-${req.a.slice(0, 8)}-${req.b.slice(0, 8)}.mp4`, frames: written, width: layout.outWidth, height: layout.outHeight, fps };
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
  }

  async exportPath(id: string): Promise<string> {
    const file = join(this.exportsDir, `${id}.mp4`);
    try {
      await stat(file);
    } catch {
      throw new NotFoundException(`no export ${id}`);
    }
    return file;
  }

  private async prune(): Promise<void> {
    const names = (await readdir(this.exportsDir)).filter((n) => n.endsWith('.mp4'));
    if (names.length <= KEPT_EXPORTS) return;
    const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(this.exportsDir, n))).mtimeMs })));
    dated.sort((x, y) => x.t - y.t);
    for (const { n } of dated.slice(0, dated.length - KEPT_EXPORTS)) await rm(join(this.exportsDir, n), { force: true });
  }
}

function defaultLabel(side: 'A' | 'B', run: RunDetail): string {
  return `${side}: ${run.workflowName ?? 'workflow'} · ${run.id.slice(0, 8)}`;
}
