// The run records (run.json) of the two compared runs, and the B-against-A agreement the verdict needs.
import { parseRunRecord, RUN_RECORD_FILE, RUN_RECORD_NODE, type OutputAgreement, type RunRecord } from '@lvcd/nodes';
import type { RunDetail } from '../api/types';
import type { CompareMetrics } from './metrics';

/** PSNR the server's pair metrics give equal frames (Quality Metrics' cap, docs/api.md). */
export const PSNR_CAP_DB = 60;

export function recordArtifactId(run: RunDetail): string | undefined {
  return run.artifacts.find((a) => a.node === RUN_RECORD_NODE && a.name === RUN_RECORD_FILE)?.id;
}

/** The record of a run, or why there is none to read. */
export async function loadRecord(run: RunDetail, fetchJson: (id: string) => Promise<unknown>): Promise<RunRecord | string> {
  const id = recordArtifactId(run);
  if (!id) return `run ${run.id.slice(0, 8)} has no run record (run.json)${run.status === 'queued' || run.status === 'running' ? ' yet' : ''}`;
  try {
    return parseRunRecord(await fetchJson(id));
  } catch (e) {
    return `the record of run ${run.id.slice(0, 8)} cannot be read: ${(e as Error).message}`;
  }
}

/** B against A per frame, when that is what the metrics measured (not each against its own ground truth). */
export function pairAgreement(metrics: CompareMetrics | null): OutputAgreement | null {
  if (!metrics || metrics.mode !== 'pair' || !metrics.series[0]) return null;
  return { psnr: metrics.series[0].rows.map((r) => r.psnr), capDb: PSNR_CAP_DB };
}
