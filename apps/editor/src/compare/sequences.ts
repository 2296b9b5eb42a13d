// Which artefacts of a run hold a frame sequence the compare view can play, and which one it plays by default.
import type { Artifact } from '../api/types';

export type { CompareExport as ExportResult, PairMetricRow as MetricRow, PairMetrics, SequenceInfo } from '@lvcd/nodes';

/** Artefacts that hold a frame sequence the server can split (same rule as the server's). */
export function isSequence(a: Artifact): boolean {
  return a.mime === 'application/zip' || a.mime.startsWith('video/') || a.mime === 'image/gif';
}

/** The sequence compared by default: a Save Frames zip (lossless) first, then an mp4. Mirrors the server's pick. */
export function pickSequence(artifacts: readonly Artifact[]): Artifact | undefined {
  const seqs = artifacts.filter(isSequence);
  return seqs.find((a) => a.mime === 'application/zip') ?? seqs.find((a) => a.mime === 'video/mp4') ?? seqs[0];
}
