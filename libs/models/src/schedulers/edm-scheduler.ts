/**
 * EDM discretisation with the Euler sampler (no churn), as SVD and LVCD sample: a small object with `step`,
 * kept apart from the networks and the pipeline (the diffusers way).
 */
export interface EdmSchedulerConfig {
  numSteps: number;
  sigmaMin: number;
  sigmaMax: number;
  rho: number;
}

/** SVD's values, with sigma_max raised to 700 as LVCD configures it. */
export const LVCD_SCHEDULE: Omit<EdmSchedulerConfig, 'numSteps'> = { sigmaMin: 0.002, sigmaMax: 700, rho: 7 };

/** The EDM preconditioning of SVD's v-prediction network: D(x) = c_skip x + c_out F(c_in x, c_noise). */
export interface EdmPreconditioning {
  cSkip: number;
  cOut: number;
  cIn: number;
  cNoise: number;
}

export function edmPreconditioning(sigma: number): EdmPreconditioning {
  const s2 = sigma * sigma + 1;
  return { cSkip: 1 / s2, cOut: -sigma / Math.sqrt(s2), cIn: 1 / Math.sqrt(s2), cNoise: 0.25 * Math.log(sigma) };
}

export class EdmEulerScheduler {
  /** numSteps noise levels from sigma_max down to sigma_min, then a final 0. */
  readonly sigmas: Float64Array;

  constructor(readonly config: EdmSchedulerConfig) {
    const { numSteps: n, sigmaMin, sigmaMax, rho } = config;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`numSteps must be a whole number >= 1, got ${n}`);
    const maxInv = sigmaMax ** (1 / rho);
    const minInv = sigmaMin ** (1 / rho);
    this.sigmas = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const ramp = n === 1 ? 0 : i / (n - 1);
      // The original computes the schedule in float32; rounding here keeps our sigmas identical to its.
      this.sigmas[i] = Math.fround((maxInv + ramp * (minInv - maxInv)) ** rho);
    }
  }

  get numSteps(): number {
    return this.config.numSteps;
  }

  /** Scales unit Gaussian noise to the first noise level: x = x_T * sqrt(1 + sigma_0^2), in place. */
  scaleInitialNoise(noise: Float32Array): Float32Array {
    // sigmas holds numSteps + 1 >= 2 levels (the constructor refuses numSteps < 1).
    const scale = Math.sqrt(1 + this.sigmas[0]! ** 2);
    for (let i = 0; i < noise.length; i++) noise[i] = noise[i]! * scale;
    return noise;
  }

  /** One Euler step from sigma_i to sigma_{i+1}: x <- x + (sigma_{i+1} - sigma_i) (x - denoised) / sigma_i, in place. */
  step(x: Float32Array, denoised: Float32Array, stepIndex: number): Float32Array {
    if (x.length !== denoised.length) throw new RangeError(`x has ${x.length} values but denoised has ${denoised.length}`);
    const sigma = this.sigmas[stepIndex];
    const next = this.sigmas[stepIndex + 1];
    if (!Number.isInteger(stepIndex) || sigma === undefined || next === undefined) throw new RangeError(`step ${stepIndex} is not one of the ${this.numSteps} steps`);
    const ratio = (next - sigma) / sigma;
    for (let i = 0; i < x.length; i++) x[i] = x[i]! + ratio * (x[i]! - denoised[i]!);
    return x;
  }
}
