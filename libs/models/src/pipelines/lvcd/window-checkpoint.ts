import type { SamplerWindowEnd } from './sampler.js';

/**
 * What a finished window leaves behind so that a later run of the same clip and settings continues after it
 * instead of starting over: the output latents the window made final, the state the next window starts from
 * (carried noise, the overlap's x0 and blending values), and the clip's conditioning (so no encoder runs again).
 */
export interface WindowCheckpoint extends SamplerWindowEnd {
  /** CLIP's context token of the reference (D). */
  context: Float32Array;
  /** The first-stage encoder's posterior sample of the reference, unscaled (4, h, w): the later windows' concat. */
  referenceSample: Float32Array;
}

export class WindowCheckpointError extends Error {
  override name = 'WindowCheckpointError';
}

const MAGIC = 'LVCDWCP1';

interface Header {
  window: number;
  firstLatent: number;
  next: { window: number; emitted: number };
  /** Values in each float32 array, in the order they follow the header. */
  sizes: { latents: number[]; context: number; referenceSample: number; noise: number; tail: number; blend: number[] };
}

/** One self-describing binary: magic, header length, JSON header (padded to 4 bytes), then the float32 arrays. */
export function encodeWindowCheckpoint(c: WindowCheckpoint): Uint8Array {
  const arrays = [...c.latents, c.context, c.referenceSample, c.next.noise, c.next.tail, ...c.next.blend];
  const header: Header = {
    window: c.window,
    firstLatent: c.firstLatent,
    next: { window: c.next.window, emitted: c.next.emitted },
    sizes: { latents: c.latents.map((l) => l.length), context: c.context.length, referenceSample: c.referenceSample.length, noise: c.next.noise.length, tail: c.next.tail.length, blend: c.next.blend.map((b) => b.length) },
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((4 - ((MAGIC.length + 4 + json.length) % 4)) % 4);
  const start = MAGIC.length + 4 + json.length;
  const out = new Uint8Array(start + arrays.reduce((n, a) => n + a.byteLength, 0));
  out.set(new TextEncoder().encode(MAGIC));
  new DataView(out.buffer).setUint32(MAGIC.length, json.length, true);
  out.set(new TextEncoder().encode(json), MAGIC.length + 4);
  let offset = start;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

/** The checkpoint `encodeWindowCheckpoint` wrote; throws WindowCheckpointError for anything else (another format, a cut file). */
export function decodeWindowCheckpoint(bytes: Uint8Array): WindowCheckpoint {
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) throw new WindowCheckpointError('not an LVCD window checkpoint');
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + jsonLength))) as Header;
  } catch {
    throw new WindowCheckpointError('the checkpoint header is damaged');
  }
  const { sizes } = header;
  const lengths = [...sizes.latents, sizes.context, sizes.referenceSample, sizes.noise, sizes.tail, ...sizes.blend];
  let offset = MAGIC.length + 4 + jsonLength;
  if (bytes.length !== offset + lengths.reduce((n, l) => n + 4 * l, 0)) throw new WindowCheckpointError(`the checkpoint of window ${header.window} is ${bytes.length} bytes, not what its header says`);
  const arrays = lengths.map((length) => {
    // A copy: the bytes' offset need not be float-aligned, and the arrays outlive the buffer they came in.
    const array = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * length));
    offset += 4 * length;
    return array;
  });
  const take = (n: number) => arrays.splice(0, n);
  const latents = take(sizes.latents.length);
  const [context, referenceSample, noise, tail] = take(4) as [Float32Array, Float32Array, Float32Array, Float32Array];
  return { window: header.window, firstLatent: header.firstLatent, latents, context, referenceSample, next: { ...header.next, noise, tail, blend: arrays } };
}
