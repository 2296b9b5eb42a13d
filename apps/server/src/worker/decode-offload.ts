import type { DecodeOffload, DecodeOffloadReport, OffloadedBundle, OffloadedDecoder } from '@lvcd/nodes/runtime';
import { randomBytes } from 'node:crypto';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readFloat32 } from './decode-for-peer.js';
import type { DecodeAnswer, DecodeChunkRequest } from './protocol.js';

/**
 * Chunks of one run that may decode on other workers at once. Two keep one decoding while the next window's
 * chunk is handed over, without holding more than two chunks' latents and frames in flight.
 */
export const DECODE_AHEAD = 2;

/** Folder of one run's decode chunks inside the data dir's decode folder. */
export const runDecodeDir = (decodeDir: string, runId: string) => join(decodeDir, runId);

/**
 * The worker child's side of decoding elsewhere: each chunk's latents go to a file in the shared data dir and
 * the child asks its parent (`lvcd worker`) to have another worker decode them; the parent answers where it was
 * decoded, or that no other worker is free, and then the chunk decodes here.
 */
export class ChildDecodeOffload {
  private readonly waiting = new Map<string, (answer: DecodeAnswer) => void>();
  /** Bundle folders are real paths (the Model Bundle node resolves links), so they are named relative to the real models dir. */
  private realModelsDir?: Promise<string>;

  constructor(
    private readonly paths: { dataDir: string; decodeDir: string; modelsDir: string },
    private readonly ask: (request: DecodeChunkRequest) => void,
  ) {}

  /** The parent's answer to an ask. */
  answered(id: string, answer: DecodeAnswer): void {
    this.waiting.get(id)?.(answer);
    this.waiting.delete(id);
  }

  /** The offload the executor hands run `runId`'s nodes. */
  forRun(runId: string): DecodeOffload {
    return { ahead: DECODE_AHEAD, decoder: (bundle) => this.decoder(runId, bundle) };
  }

  private decoder(runId: string, { dir, contentHash, provider, local }: OffloadedBundle): OffloadedDecoder {
    const report: DecodeOffloadReport = { chunks: 0, elsewhere: 0, workers: [] };
    return {
      decode: async (latents, frames) => {
        report.chunks++;
        this.realModelsDir ??= realpath(this.paths.modelsDir);
        const answer = await this.offload(runId, { path: relative(await this.realModelsDir, dir), contentHash }, provider, latents, frames);
        if (answer.kind === 'local') return local.decode(latents, frames);
        if (answer.elsewhere) report.elsewhere++;
        if (answer.elsewhere && !report.workers.includes(answer.worker)) report.workers.push(answer.worker);
        return answer.frames;
      },
      report: () => ({ ...report, workers: [...report.workers] }),
    };
  }

  private async offload(runId: string, bundle: DecodeChunkRequest['bundle'], provider: 'cuda' | 'cpu', latents: Float32Array, frames: number): Promise<{ kind: 'local' } | { kind: 'decoded'; worker: string; elsewhere: boolean; frames: Float32Array }> {
    const id = `${runId}-${randomBytes(6).toString('hex')}`;
    const dir = runDecodeDir(this.paths.decodeDir, runId);
    const request: DecodeChunkRequest = {
      id,
      runId,
      bundle,
      provider,
      latents: relative(this.paths.dataDir, join(dir, `${id}.latents`)),
      frames,
      output: relative(this.paths.dataDir, join(dir, `${id}.frames`)),
    };
    const [latentsFile, outputFile] = [join(this.paths.dataDir, request.latents), join(this.paths.dataDir, request.output)];
    await mkdir(dir, { recursive: true });
    await writeFile(latentsFile, latents);
    try {
      const answer = await new Promise<DecodeAnswer>((resolve) => {
        this.waiting.set(id, resolve);
        this.ask(request);
      });
      if (answer.kind === 'local') return answer;
      return { ...answer, frames: await readFloat32(outputFile) };
    } finally {
      await Promise.all([rm(latentsFile, { force: true }), rm(outputFile, { force: true })]);
    }
  }
}
