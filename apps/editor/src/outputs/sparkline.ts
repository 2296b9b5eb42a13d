// Per-frame quality from a Quality Metrics JSON artefact, and the polyline a sparkline draws of it.

export interface FrameQuality {
  index: number;
  psnr: number;
  ssim: number;
}

/** The per-frame rows of a metrics.json (`frames: [{ index, psnr, ssim, ... }]`); rows that are not numbers are left out. */
export function frameQuality(json: unknown): FrameQuality[] {
  const rows = (json as { frames?: unknown } | null)?.frames;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((r: unknown) => {
    const { index, psnr, ssim } = (r ?? {}) as Record<string, unknown>;
    return typeof index === 'number' && typeof psnr === 'number' && typeof ssim === 'number' && Number.isFinite(psnr) && Number.isFinite(ssim) ? [{ index, psnr, ssim }] : [];
  });
}

/**
 * SVG polyline points of `values` across `width` x `height`, the lowest value at the bottom and the highest at the
 * top (a flat series sits in the middle); one value is drawn as a short level line.
 */
export function sparkPoints(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return '';
  const series = values.length === 1 ? [values[0]!, values[0]!] : values;
  const lo = Math.min(...series);
  const hi = Math.max(...series);
  const y = (v: number) => (hi === lo ? height / 2 : height - ((v - lo) / (hi - lo)) * height);
  const step = width / (series.length - 1);
  return series.map((v, i) => `${round(i * step)},${round(y(v))}`).join(' ');
}

const round = (n: number) => Math.round(n * 10) / 10;
