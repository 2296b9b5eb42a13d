// Per-frame quality numbers for the strip: against ground truth when both runs measured it (Quality Metrics
// node), otherwise B against A (computed by the server).
import { nodesWithRole, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import type { RunDetail } from '../api/types';
import type { MetricRow } from './sequences';

export interface MetricSeries {
  label: string;
  rows: MetricRow[];
  meanPsnr: number;
  meanSsim: number;
  minPsnr: number;
}

export interface CompareMetrics {
  /** `truth`: each run against its ground truth (two series); `pair`: B against A (one series). */
  mode: 'truth' | 'pair';
  series: MetricSeries[];
}

/** The JSON artefact of the run's Quality Metrics node, if it has one. */
export function truthMetricsArtifact(run: RunDetail, specs: ReadonlyMap<string, NodeSpec>): string | undefined {
  const nodes = new Set(nodesWithRole(run.document as WorkflowDocument, specs, 'metrics').map((n) => n.id));
  return run.artifacts.find((a) => nodes.has(a.node) && a.mime === 'application/json')?.id;
}

export function seriesOf(label: string, rows: MetricRow[]): MetricSeries {
  const n = rows.length;
  return {
    label,
    rows,
    meanPsnr: n ? rows.reduce((s, r) => s + r.psnr, 0) / n : 0,
    meanSsim: n ? rows.reduce((s, r) => s + r.ssim, 0) / n : 0,
    minPsnr: n ? Math.min(...rows.map((r) => r.psnr)) : 0,
  };
}

/** Rows of a Quality Metrics JSON artefact, checked field by field (it is a file, not a typed answer). */
export function rowsOfTruthJson(json: unknown): MetricRow[] {
  const frames = (json as { frames?: unknown })?.frames;
  if (!Array.isArray(frames)) throw new Error('the metrics file has no "frames" list');
  return frames.map((f: { index?: unknown; psnr?: unknown; ssim?: unknown }, i) => {
    if (typeof f.psnr !== 'number' || typeof f.ssim !== 'number') throw new Error(`frame ${i} of the metrics file has no psnr/ssim`);
    return { index: typeof f.index === 'number' ? f.index : i, psnr: f.psnr, ssim: f.ssim };
  });
}

/** The metrics as CSV, one line per frame, columns per series; frames a series lacks are left empty. */
export function metricsCsv(m: CompareMetrics): string {
  const tag = (s: MetricSeries, i: number) => (m.mode === 'pair' ? 'b_vs_a' : i === 0 ? 'a_vs_truth' : 'b_vs_truth');
  const head = ['frame', ...m.series.flatMap((s, i) => [`psnr_${tag(s, i)}`, `ssim_${tag(s, i)}`])];
  if (m.mode === 'truth' && m.series.length === 2) head.push('psnr_b_minus_a');
  const count = Math.max(0, ...m.series.map((s) => s.rows.length));
  const lines = [head.join(',')];
  for (let i = 0; i < count; i++) {
    const cells: string[] = [String(i)];
    for (const s of m.series) {
      const r = s.rows[i];
      cells.push(r ? r.psnr.toFixed(4) : '', r ? r.ssim.toFixed(6) : '');
    }
    if (m.mode === 'truth' && m.series.length === 2) {
      const [a, b] = [m.series[0]!.rows[i], m.series[1]!.rows[i]];
      cells.push(a && b ? (b.psnr - a.psnr).toFixed(4) : '');
    }
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}
