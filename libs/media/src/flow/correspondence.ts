import { forwardBackwardError } from './dense-flow.js';
import { boxMean } from './line-distance.js';

/** Where a pixel's colour comes from, decided per working pixel. */
export enum Source {
  /** No mapping into the reference was trusted: the region fill decides. */
  Unknown = 0,
  /** The lines around it are unchanged: the reference's own pixel. */
  Identity = 1,
  /** Dense flow from this frame straight to the reference. */
  Direct = 2,
  /** The previous frame's mapping, carried by the flow between consecutive sketches. */
  Carried = 3,
}

export interface CorrespondenceOptions {
  /** Window radius (working pixels) over which line distances are compared. */
  radius: number;
  /** Mean line-distance mismatch (full pixels) under which the unmoved reference is taken as is. */
  identityCost: number;
  /** Largest mismatch a flow mapping may have and still be trusted. */
  maxCost: number;
  /** Forward-backward disagreement (working pixels) beyond which a flow is taken as occluded. */
  maxFlowError: number;
  /** How much a mapping's forward-backward disagreement adds to its mismatch. */
  flowErrorWeight: number;
}

/** Line-distance fields and flows of one frame, all at working size. */
export interface FrameFlows {
  /** Distance to the nearest line of this frame and of the reference, in full-size pixels. */
  distance: Float32Array;
  refDistance: Float32Array;
  /** This frame to the reference and back. */
  toRef: Float32Array;
  fromRef: Float32Array;
  /** This frame to the previous frame and back. */
  toPrev: Float32Array;
  fromPrev: Float32Array;
}

function sample(f: Float32Array, w: number, h: number, x: number, y: number): number {
  x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
  y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
  const x0 = x | 0;
  const y0 = y | 0;
  const x1 = x0 < w - 1 ? x0 + 1 : x0;
  const y1 = y0 < h - 1 ? y0 + 1 : y0;
  const fx = x - x0;
  const fy = y - y0;
  const top = f[y0 * w + x0]! + (f[y0 * w + x1]! - f[y0 * w + x0]!) * fx;
  const bottom = f[y1 * w + x0]! + (f[y1 * w + x1]! - f[y1 * w + x0]!) * fx;
  return top + (bottom - top) * fy;
}

/**
 * Per working pixel, a mapping into the reference and how far it is trusted. Three candidates compete: the
 * identity, the direct flow to the reference, and the previous frame's mapping carried forward. Each is
 * scored against the reference itself (the mean mismatch of line distances around the pixel), never against
 * the previous frame, so a wrong carried mapping loses to a better direct one and mistakes do not compound.
 */
export class Correspondence {
  readonly mapX: Float32Array;
  readonly mapY: Float32Array;
  readonly source: Uint8Array;
  private readonly costs: Float32Array[];
  private readonly fbRef: Float32Array;
  private readonly fbPrev: Float32Array;
  private readonly diff: Float32Array;
  private readonly tmp: Float32Array;
  private readonly cand: Float32Array[];

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly o: CorrespondenceOptions,
  ) {
    const m = width * height;
    this.mapX = new Float32Array(m);
    this.mapY = new Float32Array(m);
    this.source = new Uint8Array(m);
    this.costs = [0, 1, 2].map(() => new Float32Array(m));
    this.cand = [0, 1, 2, 3].map(() => new Float32Array(m));
    this.fbRef = new Float32Array(m);
    this.fbPrev = new Float32Array(m);
    this.diff = new Float32Array(m);
    this.tmp = new Float32Array(m);
    this.reset();
  }

  /** Every pixel maps to itself: the state at the reference frame. */
  reset(): void {
    const { width: w, height: h } = this;
    for (let y = 0, i = 0; y < h; y++) for (let x = 0; x < w; x++, i++) (this.mapX[i] = x), (this.mapY[i] = y);
    this.source.fill(Source.Identity);
  }

  /** Replaces the mapping (previous frame's, on entry) by this frame's. */
  update(f: FrameFlows): void {
    const { width: w, height: h, o } = this;
    const m = w * h;
    forwardBackwardError(f.toRef, f.fromRef, w, h, this.fbRef);
    forwardBackwardError(f.toPrev, f.fromPrev, w, h, this.fbPrev);
    const [directX, directY, carriedX, carriedY] = this.cand as [Float32Array, Float32Array, Float32Array, Float32Array];
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        directX[i] = x + f.toRef[2 * i]!;
        directY[i] = y + f.toRef[2 * i + 1]!;
        const px = x + f.toPrev[2 * i]!;
        const py = y + f.toPrev[2 * i + 1]!;
        carriedX[i] = sample(this.mapX, w, h, px, py);
        carriedY[i] = sample(this.mapY, w, h, px, py);
      }
    }
    const [idCost, directCost, carriedCost] = this.costs as [Float32Array, Float32Array, Float32Array];
    for (let i = 0; i < m; i++) this.diff[i] = Math.abs(f.distance[i]! - f.refDistance[i]!);
    boxMean(this.diff, w, h, o.radius, this.tmp, idCost);
    this.mismatch(f, directX, directY, this.fbRef, directCost);
    this.mismatch(f, carriedX, carriedY, this.fbPrev, carriedCost);
    for (let i = 0; i < m; i++) {
      const id = idCost[i]!;
      if (id <= o.identityCost) {
        this.set(i, Source.Identity, i % w, (i / w) | 0);
        continue;
      }
      const direct = directCost[i]! <= carriedCost[i]!;
      const cost = direct ? directCost[i]! : carriedCost[i]!;
      if (id <= cost) {
        // The unmoved reference fits best but not well enough to copy: nothing here is trusted.
        this.set(i, Source.Unknown, i % w, (i / w) | 0);
      } else if (direct) {
        this.set(i, cost <= o.maxCost ? Source.Direct : Source.Unknown, directX[i]!, directY[i]!);
      } else {
        this.set(i, cost <= o.maxCost ? Source.Carried : Source.Unknown, carriedX[i]!, carriedY[i]!);
      }
    }
  }

  private set(i: number, source: Source, x: number, y: number): void {
    this.source[i] = source;
    this.mapX[i] = x;
    this.mapY[i] = y;
  }

  /** Windowed line-distance mismatch of a mapping, plus its flow's forward-backward error; Infinity if occluded. */
  private mismatch(f: FrameFlows, mx: Float32Array, my: Float32Array, fb: Float32Array, out: Float32Array): void {
    const { width: w, height: h, o } = this;
    for (let i = 0; i < out.length; i++) this.diff[i] = Math.abs(f.distance[i]! - sample(f.refDistance, w, h, mx[i]!, my[i]!));
    boxMean(this.diff, w, h, o.radius, this.tmp, out);
    for (let i = 0; i < out.length; i++) out[i] = fb[i]! > o.maxFlowError ? Infinity : out[i]! + o.flowErrorWeight * fb[i]!;
  }
}
