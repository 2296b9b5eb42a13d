import type { RgbImage } from '../frames/index.js';
import { resizeBicubic } from './bicubic-resize.js';
import { SequenceMetrics, type FrameMetrics, type MetricsSummary } from './metrics.js';

/**
 * How a sequence is scored. `native`: every frame at its own size, the reference frame included. `paper`: the
 * LVCD paper's protocol: both images resized bicubic to 256x256, frame 0 (the reference, which Copy
 * Reference reproduces for free) left out of the means.
 */
export const METRIC_PROTOCOLS = ['native', 'paper'] as const;
export type MetricProtocol = (typeof METRIC_PROTOCOLS)[number];

export const PAPER_PROTOCOL_SIZE = 256;

export const protocolDescriptions: Record<MetricProtocol, string> = {
  native: 'every frame at its own size, frame 0 included',
  paper: `both images resized bicubic to ${PAPER_PROTOCOL_SIZE}x${PAPER_PROTOCOL_SIZE}, frame 0 (the reference) excluded`,
};

/** SequenceMetrics under a protocol: frames are fed in order from frame 0; rows keep their clip index. */
export class ProtocolMetrics {
  private readonly inner = new SequenceMetrics();
  private next = 0;

  constructor(readonly protocol: MetricProtocol = 'native') {}

  /** Scores one frame; returns undefined for a frame the protocol leaves out. */
  add(out: RgbImage, truth: RgbImage): FrameMetrics | undefined {
    const index = this.next++;
    if (this.protocol === 'native') return this.inner.add(out, truth);
    if (index === 0) return undefined;
    const row = this.inner.add(resizeBicubic(out, PAPER_PROTOCOL_SIZE, PAPER_PROTOCOL_SIZE), resizeBicubic(truth, PAPER_PROTOCOL_SIZE, PAPER_PROTOCOL_SIZE));
    row.index = index;
    return row;
  }

  get rows(): readonly FrameMetrics[] {
    return this.inner.rows;
  }

  summary(): MetricsSummary {
    return this.inner.summary();
  }
}
