import { logf, sincosf } from './float32-math.js';
import { Mt19937 } from './mt19937.js';

const f = Math.fround;
const TWO_PI_F32 = f(2 * Math.PI);
/** torch's vectorised normal kernel works on blocks of 16: cos on the first 8, sin on the last 8. */
const BLOCK = 16;

/**
 * PyTorch's default CPU generator: `new TorchGenerator(seed)` is `torch.manual_seed(seed)`, and `randn(shape)` is
 * `torch.randn(shape)` in float32 (what `randn_like` on a contiguous float32 tensor draws too), bit for bit.
 *
 * - 16 or more values: the contiguous kernel. All uniforms first (24-bit float32), then Box-Muller per block of 16
 *   in float32 (radius from the first 8, angle from the last 8); a count that is not a multiple of 16 draws 16
 *   fresh uniforms and recomputes the last 16 values, overwriting the tail of the last full block.
 * - fewer than 16: the scalar path, torch's double `normal_distribution` (53-bit uniforms from two 32-bit draws,
 *   log1p, the sine kept for the next scalar draw), each value rounded to float32. The kept sine survives
 *   vectorised draws in between and is dropped on reseeding, as in torch.
 */
export class TorchGenerator {
  private engine: Mt19937;
  private cachedNormal: number | undefined;

  constructor(seed: number) {
    this.engine = new Mt19937(seedLow32(seed));
  }

  /** `torch.manual_seed(seed)`; the original's `seed_everything(seed)` does this for the CPU generator. */
  manualSeed(seed: number): void {
    this.engine = new Mt19937(seedLow32(seed));
    this.cachedNormal = undefined;
  }

  /** `torch.randn(shape, dtype=float32)` on this generator. */
  randn(shape: readonly number[]): Float32Array {
    const count = shape.reduce((n, d) => {
      if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`randn: shape entries must be whole numbers >= 0, got [${shape.join(', ')}]`);
      return n * d;
    }, 1);
    return count >= BLOCK ? this.contiguousNormals(count) : this.scalarNormals(count);
  }

  private uniformFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) / 0x1000000;
  }

  private uniformDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * 0x100000000 + lo) / 2 ** 53;
  }

  private contiguousNormals(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.uniformFloat();
    for (let i = 0; i + BLOCK <= count; i += BLOCK) boxMullerBlock(out, i);
    if (count % BLOCK !== 0) {
      const start = count - BLOCK;
      for (let i = start; i < count; i++) out[i] = this.uniformFloat();
      boxMullerBlock(out, start);
    }
    return out;
  }

  private scalarNormals(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      if (this.cachedNormal !== undefined) {
        out[i] = this.cachedNormal;
        this.cachedNormal = undefined;
        continue;
      }
      const u1 = this.uniformDouble();
      const u2 = this.uniformDouble();
      const radius = Math.sqrt(-2 * Math.log1p(-u2));
      const theta = 2 * Math.PI * u1;
      this.cachedNormal = radius * Math.sin(theta);
      out[i] = radius * Math.cos(theta);
    }
    return out;
  }
}

/** Box-Muller in place on 16 uniforms: values j and j + 8 come from the pair (u[j], u[j + 8]). */
function boxMullerBlock(data: Float32Array, start: number): void {
  for (let j = start; j < start + BLOCK / 2; j++) {
    const radius = f(Math.sqrt(f(-2 * logf(f(1 - data[j]!)))));
    const { sin, cos } = sincosf(f(TWO_PI_F32 * data[j + BLOCK / 2]!));
    // torch ends with fma(n, std, mean), which at std 1 and mean 0 leaves n as it is.
    data[j] = f(radius * cos);
    data[j + BLOCK / 2] = f(radius * sin);
  }
}

/** torch keeps a manual seed as uint64 (negative seeds two's complement) and seeds mt19937 from its low 32 bits. */
function seedLow32(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a whole number, got ${seed}`);
  return Number(BigInt.asUintN(32, BigInt(seed)));
}
