const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;

/**
 * The 32-bit Mersenne Twister as PyTorch's CPU generator runs it: seeded from the low 32 bits of the seed with
 * the 2002 init_genrand recurrence, state regenerated lazily on the first draw after seeding (torch starts with
 * one draw "left", so the first call twists the freshly seeded state).
 */
export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private left = 1;
  private next = 0;

  constructor(seedLow32: number) {
    const s = this.state;
    s[0] = seedLow32 >>> 0;
    for (let j = 1; j < N; j++) {
      const prev = s[j - 1]!;
      s[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
  }

  /** The next tempered 32-bit output. */
  nextUint32(): number {
    if (--this.left === 0) this.twist();
    let y = this.state[this.next++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const mixed = (s[k]! & 0x80000000) | (s[(k + 1) % N]! & 0x7fffffff);
      s[k] = (s[(k + M) % N]! ^ (mixed >>> 1) ^ (s[(k + 1) % N]! & 1 ? MATRIX_A : 0)) >>> 0;
    }
    this.left = N;
    this.next = 0;
  }
}
