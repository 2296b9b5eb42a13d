import { segmentSketch } from '../flat/index.js';
import type { RgbImage } from '../frames/index.js';
import { sketchGray } from '../lineart/index.js';
import { Correspondence, Source } from './correspondence.js';
import { DenseFlow, defaultFarnebackOptions, type FarnebackOptions } from './dense-flow.js';
import { lineDistance } from './line-distance.js';
import { loadOpenCv, type OpenCv } from './opencv.js';
import { fillRegions, type FillStats } from './region-fill.js';

export interface FlowColorizeOptions {
  /** Flow and matching run at this fraction of the frame size (colours are always taken at full size). */
  workScale: number;
  farneback: FarnebackOptions;
  /** Sketch grey under which a pixel is a line (0-255). */
  lineThreshold: number;
  /** Line distances are capped here (full-size pixels): beyond it, open paper all looks alike. */
  distanceCap: number;
  /** Radius (full-size pixels) of the window over which line distances are compared. */
  matchRadius: number;
  /** Mean line-distance mismatch (full-size pixels) under which the reference pixel is kept exactly. */
  identityCost: number;
  /** Largest mismatch of a trusted flow mapping. */
  maxCost: number;
  /** Forward-backward disagreement (full-size pixels) beyond which a pixel is taken as occluded. */
  maxFlowError: number;
  /** Mismatch added per pixel of forward-backward disagreement. */
  flowErrorWeight: number;
  /** Colour spread under which a region is a flat cel. */
  flatStd: number;
  /** Least followed share of a region before its own colours count. */
  minKnown: number;
  /** Segmentation of each sketch (as Flat Colorize's). */
  gapClose: number;
  minArea: number;
}

export const defaultFlowColorizeOptions: FlowColorizeOptions = {
  workScale: 0.5,
  farneback: defaultFarnebackOptions,
  lineThreshold: 200,
  distanceCap: 24,
  matchRadius: 6,
  identityCost: 0.25,
  maxCost: 1.5,
  maxFlowError: 2,
  flowErrorWeight: 0.5,
  flatStd: 30,
  minKnown: 0.15,
  gapClose: 3,
  minArea: 24,
};

/** What the last frame was made of, for diagnostics and tests. */
export interface FlowFrameStats extends FillStats {
  /** Share of pixels kept from the reference as is, followed by flow, and not followed. */
  identity: number;
  followed: number;
  unknown: number;
}

interface WorkingFrame {
  descriptor: Uint8Array;
  distance: Float32Array;
}

/**
 * Colours a clip from one coloured reference and the sketch of every frame, with no network, following
 * motion with dense optical flow (OpenCV's Farneback, WebAssembly). Per frame:
 * 1. the distance to the nearest line, at working size, stands in for the sketch (flow needs gradients,
 *    and a sketch is blank paper almost everywhere);
 * 2. flows to the reference and to the previous frame, each checked forward-backward, give candidate
 *    mappings into the reference; the identity, the direct one and the carried one are scored against the
 *    reference (see Correspondence);
 * 3. the sketch's regions are filled from those colours (see fillRegions).
 * The first sketch is the reference's own: its frame is the reference. Keeps one previous frame, so memory
 * does not grow with the clip; feed sketches in order.
 */
export class FlowColorizer {
  private readonly flow: DenseFlow;
  private readonly correspondence: Correspondence;
  private readonly width: number;
  private readonly height: number;
  private readonly sw: number;
  private readonly sh: number;
  private readonly gray: Uint8Array;
  private readonly small: Uint8Array;
  private readonly flows;
  private ref: WorkingFrame | undefined;
  private prev: { frame: WorkingFrame; out: RgbImage } | undefined;
  lastStats: FlowFrameStats | undefined;

  /** Loads OpenCV (once per process) and builds a colorizer for frames of the reference's size. */
  static async create(reference: RgbImage, options: FlowColorizeOptions = defaultFlowColorizeOptions): Promise<FlowColorizer> {
    const { cv } = await loadOpenCv();
    return new FlowColorizer(cv, reference, options);
  }

  constructor(
    cv: OpenCv,
    private readonly reference: RgbImage,
    readonly options: FlowColorizeOptions = defaultFlowColorizeOptions,
  ) {
    const o = options;
    if (!(o.workScale > 0 && o.workScale <= 1)) throw new RangeError(`workScale must be in (0, 1], got ${o.workScale}`);
    this.width = reference.width;
    this.height = reference.height;
    this.sw = Math.max(16, Math.round(this.width * o.workScale));
    this.sh = Math.max(16, Math.round(this.height * o.workScale));
    const s = this.sw / this.width;
    const m = this.sw * this.sh;
    this.flow = new DenseFlow(cv, this.sw, this.sh, o.farneback);
    // Thresholds are given in full-size pixels; the matching runs in working pixels.
    this.correspondence = new Correspondence(this.sw, this.sh, {
      radius: Math.max(1, Math.round(o.matchRadius * s)),
      identityCost: o.identityCost,
      maxCost: o.maxCost,
      maxFlowError: o.maxFlowError * s,
      flowErrorWeight: o.flowErrorWeight / s,
    });
    this.gray = new Uint8Array(this.width * this.height);
    this.small = new Uint8Array(m);
    this.flows = { toRef: new Float32Array(2 * m), fromRef: new Float32Array(2 * m), toPrev: new Float32Array(2 * m), fromPrev: new Float32Array(2 * m) };
  }

  colorize(sketch: RgbImage): RgbImage {
    if (sketch.width !== this.width || sketch.height !== this.height) {
      throw new RangeError(`sketch is ${sketch.width}x${sketch.height} but the reference is ${this.width}x${this.height}`);
    }
    sketchGray(sketch, this.gray);
    const frame = this.describe();
    if (!this.ref || !this.prev) {
      this.ref = frame;
      this.correspondence.reset();
      const out: RgbImage = { width: this.width, height: this.height, data: this.reference.data.slice() };
      this.prev = { frame, out };
      this.lastStats = { regions: 0, flat: 0, painted: 0, fallback: 0, identity: 1, followed: 0, unknown: 0 };
      return out;
    }
    const f = this.flows;
    this.flow.flow(frame.descriptor, this.ref.descriptor, f.toRef);
    this.flow.flow(this.ref.descriptor, frame.descriptor, f.fromRef);
    this.flow.flow(frame.descriptor, this.prev.frame.descriptor, f.toPrev);
    this.flow.flow(this.prev.frame.descriptor, frame.descriptor, f.fromPrev);
    this.correspondence.update({ distance: frame.distance, refDistance: this.ref.distance, ...f });
    const o = this.options;
    const seg = segmentSketch(this.gray, this.width, this.height, { lineThreshold: o.lineThreshold, gapClose: o.gapClose, minArea: o.minArea });
    const stats: FlowFrameStats = { regions: 0, flat: 0, painted: 0, fallback: 0, identity: 0, followed: 0, unknown: 0 };
    const inputs = this.toFullSize(stats);
    const out = fillRegions({ seg, ...inputs, prevOut: this.prev.out }, { minKnown: o.minKnown, flatStd: o.flatStd }, stats);
    this.prev = { frame, out };
    this.lastStats = stats;
    return out;
  }

  dispose(): void {
    this.flow.dispose();
  }

  /** Working-size line distance of the current sketch: a working pixel is a line if any pixel under it is. */
  private describe(): WorkingFrame {
    const { width: w, height: h, sw, sh, small, gray } = this;
    const o = this.options;
    small.fill(255);
    for (let y = 0; y < h; y++) {
      const row = Math.min(sh - 1, Math.floor((y * sh) / h)) * sw;
      for (let x = 0; x < w; x++) {
        const j = row + Math.min(sw - 1, Math.floor((x * sw) / w));
        const v = gray[y * w + x]!;
        if (v < small[j]!) small[j] = v;
      }
    }
    const s = sw / w;
    const distance = lineDistance(small, sw, sh, o.lineThreshold, o.distanceCap * s);
    const descriptor = new Uint8Array(sw * sh);
    for (let i = 0; i < distance.length; i++) {
      distance[i]! /= s;
      descriptor[i] = Math.round((distance[i]! / o.distanceCap) * 255);
    }
    return { descriptor, distance };
  }

  /**
   * Brings the working-size decisions to full size: each pixel takes its working pixel's source, kept
   * reference pixels are copied exactly, mapped ones sample the reference bilinearly at the interpolated
   * mapping, and the consecutive flow says which pixel of the previous output lay under it.
   */
  private toFullSize(stats: FlowFrameStats) {
    const { width: w, height: h, sw, sh } = this;
    const n = w * h;
    const s = sw / w;
    const { mapX, mapY, source } = this.correspondence;
    const toPrev = this.flows.toPrev;
    const rd = this.reference.data;
    const known = new Uint8Array(n);
    const warped = new Uint8Array(n * 3);
    const fromPrev = new Int32Array(n);
    for (let y = 0, i = 0; y < h; y++) {
      const wy = Math.min(sh - 1, Math.max(0, (y + 0.5) * s - 0.5));
      const y0 = wy | 0;
      const y1 = Math.min(sh - 1, y0 + 1);
      const fy = wy - y0;
      const ny = Math.min(sh - 1, Math.round(wy));
      for (let x = 0; x < w; x++, i++) {
        const wx = Math.min(sw - 1, Math.max(0, (x + 0.5) * s - 0.5));
        const j = ny * sw + Math.min(sw - 1, Math.round(wx));
        const src = source[j]!;
        known[i] = src;
        const px = Math.min(w - 1, Math.max(0, Math.round(x + toPrev[2 * j]! / s)));
        const py = Math.min(h - 1, Math.max(0, Math.round(y + toPrev[2 * j + 1]! / s)));
        fromPrev[i] = py * w + px;
        if (src === Source.Identity) {
          warped[3 * i] = rd[3 * i]!;
          warped[3 * i + 1] = rd[3 * i + 1]!;
          warped[3 * i + 2] = rd[3 * i + 2]!;
          stats.identity++;
          continue;
        }
        if (src === Source.Unknown) stats.unknown++;
        else stats.followed++;
        const x0 = wx | 0;
        const x1 = Math.min(sw - 1, x0 + 1);
        const fx = wx - x0;
        const a = y0 * sw;
        const b = y1 * sw;
        const mx = (mapX[a + x0]! * (1 - fx) + mapX[a + x1]! * fx) * (1 - fy) + (mapX[b + x0]! * (1 - fx) + mapX[b + x1]! * fx) * fy;
        const my = (mapY[a + x0]! * (1 - fx) + mapY[a + x1]! * fx) * (1 - fy) + (mapY[b + x0]! * (1 - fx) + mapY[b + x1]! * fx) * fy;
        bilinearRgb(rd, w, h, (mx + 0.5) / s - 0.5, (my + 0.5) / s - 0.5, warped, 3 * i);
      }
    }
    stats.identity /= n;
    stats.followed /= n;
    stats.unknown /= n;
    return { known, warped, fromPrev };
  }
}

function bilinearRgb(data: Uint8Array, w: number, h: number, x: number, y: number, out: Uint8Array, at: number): void {
  x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
  y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
  const x0 = x | 0;
  const y0 = y | 0;
  const x1 = x0 < w - 1 ? x0 + 1 : x0;
  const y1 = y0 < h - 1 ? y0 + 1 : y0;
  const fx = x - x0;
  const fy = y - y0;
  const p00 = (y0 * w + x0) * 3;
  const p01 = (y0 * w + x1) * 3;
  const p10 = (y1 * w + x0) * 3;
  const p11 = (y1 * w + x1) * 3;
  for (let c = 0; c < 3; c++) {
    const top = data[p00 + c]! + (data[p01 + c]! - data[p00 + c]!) * fx;
    const bottom = data[p10 + c]! + (data[p11 + c]! - data[p10 + c]!) * fx;
    out[at + c] = Math.round(top + (bottom - top) * fy);
  }
}
