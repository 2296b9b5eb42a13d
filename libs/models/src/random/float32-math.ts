/**
 * Float32 log, sin and cos exactly as PyTorch's vectorised CPU normal kernel computes them: the cephes polynomials
 * of its AVX2 math header, evaluated in float32 with every multiply-add fused the way GCC contracts that header
 * (-mfma, -ffp-contract=fast). Each float32 operation is one double operation rounded once with Math.fround, which
 * is exact for +, -, * and sqrt; fused multiply-adds go through fmaf. Without the fused steps 1% of torch's normals
 * would be 1-2 ulp off, with them all match (see torch-generator.spec.ts).
 */

const f = Math.fround;
const word = new Float32Array(1);
const wordBits = new Int32Array(word.buffer);

function bitsOf(x: number): number {
  word[0] = x;
  return wordBits[0]!;
}

function fromBits(bits: number): number {
  wordBits[0] = bits;
  return word[0]!;
}

/**
 * float32 a*b + c rounded once. The product of two floats is exact in a double; the double sum can round, and
 * rounding that again to float32 is wrong only when the double lands exactly between two floats: then the sum's
 * rounding error says which way the exact value lies.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s) return r;
  const t = s - p;
  const err = p - (s - t) + (c - t);
  if (err === 0) return r;
  const other = 2 * s - r;
  if (f(other) !== other) return r;
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}

const SQRT_HALF = f(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1,
  -2.4999993993e-1, 3.3333331174e-1,
].map(f);
const LOG_Q1 = f(-2.1219444e-4);
const LOG_Q2 = f(0.693359375);

/** Natural log of a positive normal float32 (the kernel only takes logs of 1 - u, u a 24-bit uniform in [0, 1)). */
export function logf(x: number): number {
  const bits = bitsOf(x);
  let e = f((bits >>> 23) - 127 + 1);
  let m = fromBits((bits & 0x007fffff) | 0x3f000000);
  if (m < SQRT_HALF) {
    e = f(e - 1);
    m = f(f(m - 1) + m);
  } else {
    m = f(m - 1);
  }
  const z = f(m * m);
  let y = LOG_P[0]!;
  for (let k = 1; k < LOG_P.length; k++) y = fmaf(y, m, LOG_P[k]!);
  y = f(y * m);
  y = fmaf(y, z, f(e * LOG_Q1));
  y = fmaf(-z, 0.5, y);
  return fmaf(e, LOG_Q2, f(m + y));
}

const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f);
const FOUR_OVER_PI = f(1.27323954473516);

/** sin and cos of a float32 angle >= 0 (the kernel's angles are 2 pi u, u in [0, 1)). */
export function sincosf(angle: number): { sin: number; cos: number } {
  // Octant j (made even) and the angle reduced into [-pi/4, pi/4] in three extended-precision steps.
  let j = Math.trunc(f(angle * FOUR_OVER_PI));
  j = (j + 1) & ~1;
  const y = f(j);
  let x = fmaf(y, DP1, angle);
  x = fmaf(y, DP2, x);
  x = fmaf(y, DP3, x);
  const z = f(x * x);

  let c = COS_P[0]!;
  c = fmaf(c, z, COS_P[1]!);
  c = fmaf(c, z, COS_P[2]!);
  c = f(c * z);
  c = fmaf(c, z, -f(z * 0.5));
  c = f(c + 1);

  let s = SIN_P[0]!;
  s = fmaf(s, z, SIN_P[1]!);
  s = fmaf(s, z, SIN_P[2]!);
  s = f(s * z);
  s = fmaf(s, x, x);

  const sinFromSinPoly = (j & 2) === 0;
  const sin = sinFromSinPoly ? s : c;
  const cos = sinFromSinPoly ? c : s;
  return { sin: j & 4 ? -sin : sin, cos: ~(j - 2) & 4 ? -cos : cos };
}
