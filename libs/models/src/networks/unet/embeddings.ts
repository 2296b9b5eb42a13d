import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import { cos, sin } from './ops.js';

/**
 * Sinusoidal embeddings (sgm/modules/diffusionmodules/util.py `timestep_embedding`):
 * half = dim/2, freq_i = exp(-ln(max_period) i / half), output [cos(t freq) | sin(t freq)], cos first.
 */

/** The frequencies as the original computes them, in float32 arithmetic. */
export function sinusoidFrequencies(dim: number, maxPeriod = 10000): Float32Array {
  const half = Math.floor(dim / 2);
  const scale = Math.fround(-Math.log(maxPeriod));
  return Float32Array.from({ length: half }, (_, i) => Math.fround(Math.exp(Math.fround(Math.fround(scale * i) / half))));
}

/** Host-side embedding of known values (rows = values), float32 like the original. */
export function sinusoidTable(values: readonly number[], dim: number, maxPeriod = 10000): Float32Array {
  if (dim % 2 !== 0) throw new RangeError(`sinusoidal embedding width must be even, got ${dim}`);
  const freqs = sinusoidFrequencies(dim, maxPeriod);
  const half = freqs.length;
  const out = new Float32Array(values.length * dim);
  values.forEach((v, row) => {
    for (let i = 0; i < half; i++) {
      const arg = Math.fround(Math.fround(v) * freqs[i]!);
      out[row * dim + i] = Math.cos(arg);
      out[row * dim + half + i] = Math.sin(arg);
    }
  });
  return out;
}

/** In-graph embedding of a runtime vector `t` (T) to (T, dim). */
export function sinusoidEmbedding(b: GraphBuilder, t: Tensor, dim: number, maxPeriod = 10000): Tensor {
  if (dim % 2 !== 0) throw new RangeError(`sinusoidal embedding width must be even, got ${dim}`);
  const freqs = sinusoidFrequencies(dim, maxPeriod);
  const args = b.mul(b.unsqueeze(t, [1]), b.constant(freqs, [1, freqs.length], 'float32', 'freqs'));
  return b.concat([cos(b, args), sin(b, args)], 1);
}

/**
 * `time_embed` + `label_emb` of the UNet and the ControlNet: per frame,
 * emb = time_embed.2(SiLU(time_embed.0(tsemb(c_noise)))) + label_emb.0.2(SiLU(label_emb.0.0(y))).
 * `tap` sees each part under the golden's block names.
 */
export function timestepAndLabelEmbedding(
  b: GraphBuilder,
  timesteps: Tensor,
  y: Tensor,
  modelChannels: number,
  tap: (block: string, value: Tensor) => void,
): Tensor {
  const tEmb = sinusoidEmbedding(b, timesteps, modelChannels);
  const time = b.scope('time_embed', () => b.linear(b.silu(b.linear(tEmb, '0')), '2'));
  tap('time_embed', time);
  const label = b.scope('label_emb.0', () => b.linear(b.silu(b.linear(y, '0')), '2'));
  tap('label_emb', label);
  return b.add(time, label);
}
