import { SafetensorsFile } from '../formats/safetensors.js';

export interface GoldenTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Loads every tensor of a (small) golden safetensors file as float32. */
export async function loadGoldens(file: string): Promise<Record<string, GoldenTensor>> {
  const st = await SafetensorsFile.open(file);
  try {
    const out: Record<string, GoldenTensor> = {};
    for (const key of st.keys()) out[key] = { data: await st.readFloat32(key), dims: st.entry(key).shape };
    return out;
  } finally {
    await st.close();
  }
}
