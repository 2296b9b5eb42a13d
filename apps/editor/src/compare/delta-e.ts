// Perceptual colour difference between two frames: CIE76 ΔE (Euclidean distance in CIELAB, D65), shown as a heatmap.

/** sRGB 8-bit to linear light, precomputed: the heatmap converts ~200k pixels per frame. */
const LINEAR = Float32Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

const XN = 0.95047;
const ZN = 1.08883;
const EPS = 216 / 24389;
const KAPPA = 24389 / 27;
const f = (t: number) => (t > EPS ? Math.cbrt(t) : (KAPPA * t + 16) / 116);

/** CIELAB (D65) of an 8-bit sRGB colour. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const rl = LINEAR[r]!;
  const gl = LINEAR[g]!;
  const bl = LINEAR[b]!;
  const x = (0.4124564 * rl + 0.3575761 * gl + 0.1804375 * bl) / XN;
  const y = 0.2126729 * rl + 0.7151522 * gl + 0.072175 * bl;
  const z = (0.0193339 * rl + 0.119192 * gl + 0.9503041 * bl) / ZN;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

export function deltaE76(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  const la = srgbToLab(a[0], a[1], a[2]);
  const lb = srgbToLab(b[0], b[1], b[2]);
  return Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
}

/** Colour stops of the heatmap (ΔE 0 is black, so unchanged pixels disappear), an inferno-like ramp. */
export const HEAT_STOPS: readonly [number, number, number][] = [
  [0, 0, 0],
  [72, 18, 110],
  [186, 54, 85],
  [249, 142, 9],
  [252, 255, 164],
];

/** Heat colour of t in [0, 1]. */
export function heatColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (HEAT_STOPS.length - 1);
  const i = Math.min(HEAT_STOPS.length - 2, Math.floor(x));
  const u = x - i;
  const p = HEAT_STOPS[i]!;
  const q = HEAT_STOPS[i + 1]!;
  return [Math.round(p[0] + (q[0] - p[0]) * u), Math.round(p[1] + (q[1] - p[1]) * u), Math.round(p[2] + (q[2] - p[2]) * u)];
}

/** 2.3 is the usual "just noticeable difference" in CIE76 units. */
export const JND = 2.3;

export interface HeatmapStats {
  meanDeltaE: number;
  maxDeltaE: number;
  /** Share of pixels at or over the JND. */
  overJnd: number;
}

/**
 * Writes the ΔE heatmap of two RGBA pixel arrays of one size into `out` (RGBA), ΔE mapped linearly from 0 to
 * `scale` (clipped above). The Lab conversion of a colour is memoised per frame: flat-coloured frames repeat
 * few colours, which makes this several times faster than converting every pixel.
 */
export function deltaEHeatmap(a: Uint8ClampedArray, b: Uint8ClampedArray, out: Uint8ClampedArray, scale: number): HeatmapStats {
  const lab = new Map<number, [number, number, number]>();
  const labOf = (r: number, g: number, bl: number) => {
    const key = (r << 16) | (g << 8) | bl;
    let v = lab.get(key);
    if (!v) {
      v = srgbToLab(r, g, bl);
      if (lab.size < 65536) lab.set(key, v);
    }
    return v;
  };
  const lut = Array.from({ length: 256 }, (_, i) => heatColour(i / 255));
  let sum = 0;
  let max = 0;
  let over = 0;
  const n = a.length >> 2;
  for (let p = 0; p < a.length; p += 4) {
    let d = 0;
    if (a[p] !== b[p] || a[p + 1] !== b[p + 1] || a[p + 2] !== b[p + 2]) {
      const x = labOf(a[p]!, a[p + 1]!, a[p + 2]!);
      const y = labOf(b[p]!, b[p + 1]!, b[p + 2]!);
      d = Math.hypot(x[0] - y[0], x[1] - y[1], x[2] - y[2]);
    }
    sum += d;
    if (d > max) max = d;
    if (d >= JND) over++;
    const c = lut[Math.min(255, Math.round((d / scale) * 255))]!;
    out[p] = c[0];
    out[p + 1] = c[1];
    out[p + 2] = c[2];
    out[p + 3] = 255;
  }
  return { meanDeltaE: n ? sum / n : 0, maxDeltaE: max, overJnd: n ? over / n : 0 };
}
