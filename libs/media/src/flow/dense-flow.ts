import type { CvMat, OpenCv } from './opencv.js';

export interface FarnebackOptions {
  /** Pyramid levels above the working size: more follows larger motion. */
  levels: number;
  /** Averaging window in working pixels: larger is smoother and more robust, blurrier at motion edges. */
  winsize: number;
  iterations: number;
}

export const defaultFarnebackOptions: FarnebackOptions = { levels: 4, winsize: 15, iterations: 3 };

/**
 * OpenCV's dense Farneback flow between one-channel images of one size, keeping its WebAssembly buffers, so
 * a clip allocates them once. `flow(a, b)` gives, for each pixel x of `a`, the displacement d with
 * a(x) ≈ b(x + d), interleaved (dx, dy).
 */
export class DenseFlow {
  private readonly a: CvMat;
  private readonly b: CvMat;
  private readonly field: CvMat;

  constructor(
    private readonly cv: OpenCv,
    readonly width: number,
    readonly height: number,
    readonly options: FarnebackOptions = defaultFarnebackOptions,
  ) {
    this.a = new cv.Mat(height, width, cv.CV_8UC1);
    this.b = new cv.Mat(height, width, cv.CV_8UC1);
    this.field = new cv.Mat(height, width, cv.CV_32FC2);
  }

  flow(a: Uint8Array, b: Uint8Array, out: Float32Array = new Float32Array(this.width * this.height * 2)): Float32Array {
    const o = this.options;
    this.a.data.set(a);
    this.b.data.set(b);
    // polyN 5 / sigma 1.1: OpenCV's recommended pair for the polynomial expansion.
    this.cv.calcOpticalFlowFarneback(this.a, this.b, this.field, 0.5, o.levels, o.winsize, o.iterations, 5, 1.1, 0);
    // The view is read after the call: the WebAssembly heap may have grown and moved during it.
    out.set(this.field.data32F.subarray(0, out.length));
    return out;
  }

  dispose(): void {
    this.a.delete();
    this.b.delete();
    this.field.delete();
  }
}

/**
 * Forward-backward disagreement |f(x) + g(x + f(x))| for flows f: a -> b and g: b -> a (nearest sample of g).
 * Where it is large, x is occluded in b or the flow is wrong; pixels sent outside the frame get Infinity.
 */
export function forwardBackwardError(f: Float32Array, g: Float32Array, w: number, h: number, out: Float32Array): Float32Array {
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const tx = Math.round(x + f[2 * i]!);
      const ty = Math.round(y + f[2 * i + 1]!);
      if (tx < 0 || ty < 0 || tx >= w || ty >= h) {
        out[i] = Infinity;
        continue;
      }
      const j = ty * w + tx;
      out[i] = Math.hypot(f[2 * i]! + g[2 * j]!, f[2 * i + 1]! + g[2 * j + 1]!);
    }
  }
  return out;
}
