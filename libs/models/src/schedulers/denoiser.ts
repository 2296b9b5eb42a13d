import { edmPreconditioning } from './edm-scheduler.js';

/**
 * Host side of the EDM denoiser around the network (sgm Denoiser + VScalingWithEDMcNoise):
 * D(x; sigma) = c_skip x + c_out F(cat[c_in x, concat], c_noise, ...). The network graph computes F;
 * the scalings stay on the host in float32 as in the original. edmPreconditioning is the scheduler's.
 */

export class DenoiserShapeError extends Error {
  override readonly name = 'DenoiserShapeError';
}

/** The four scalars as float32 values (the original computes them on a float32 sigma tensor). */
export function denoiserScalings(sigma: number): { cSkip: number; cOut: number; cIn: number; cNoise: number } {
  const s = Math.fround(sigma);
  const p = edmPreconditioning(s);
  return { cSkip: Math.fround(p.cSkip), cOut: Math.fround(p.cOut), cIn: Math.fround(p.cIn), cNoise: Math.fround(p.cNoise) };
}

/**
 * The network input (frames, 4 + concatChannels, h, w): c_in x on the first 4 channels, the concat
 * latent after them, per frame (sgm's apply_model concatenates on the channel axis).
 */
export function denoiserNetworkInput(x: Float32Array, concat: Float32Array, sigma: number, frames: number): Float32Array {
  if (x.length % frames !== 0 || concat.length % frames !== 0) {
    throw new DenoiserShapeError(`x (${x.length}) and concat (${concat.length}) must hold ${frames} frames`);
  }
  const xFrame = x.length / frames;
  const cFrame = concat.length / frames;
  const { cIn } = denoiserScalings(sigma);
  const out = new Float32Array(x.length + concat.length);
  for (let t = 0; t < frames; t++) {
    const base = t * (xFrame + cFrame);
    for (let i = 0; i < xFrame; i++) out[base + i] = x[t * xFrame + i]! * cIn;
    out.set(concat.subarray(t * cFrame, (t + 1) * cFrame), base + xFrame);
  }
  return out;
}

/** c_noise per frame: the `timesteps` input of the network graph. */
export function denoiserTimesteps(sigma: number, frames: number): Float32Array {
  return new Float32Array(frames).fill(denoiserScalings(sigma).cNoise);
}

/** denoised = c_skip x + c_out F. */
export function applyDenoiserScaling(x: Float32Array, modelOutput: Float32Array, sigma: number): Float32Array {
  if (x.length !== modelOutput.length) throw new DenoiserShapeError(`x has ${x.length} values, the network output ${modelOutput.length}`);
  const { cSkip, cOut } = denoiserScalings(sigma);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(modelOutput[i]! * cOut) + Math.fround(x[i]! * cSkip);
  return out;
}
