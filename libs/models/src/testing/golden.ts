import { SafetensorsFile } from '../formats/safetensors.js';

export interface GoldenTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Loads every tensor of a (small) golden safetensors file as float32 (int64 scalars such as step counts included). */
export async function loadGoldens(file: string): Promise<Record<string, GoldenTensor>> {
  const st = await SafetensorsFile.open(file);
  try {
    const out: Record<string, GoldenTensor> = {};
    for (const key of st.keys()) {
      const { dtype, shape } = st.entry(key);
      const data = dtype === 'I64' ? Float32Array.from(new BigInt64Array(Uint8Array.from(await st.readBytes(key)).buffer), Number) : await st.readFloat32(key);
      out[key] = { data, dims: shape };
    }
    return out;
  } finally {
    await st.close();
  }
}
