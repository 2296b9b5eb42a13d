import { execFile } from 'node:child_process';
import { freemem, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DeviceMemory {
  totalBytes: number;
  freeBytes: number;
}

/**
 * The GPU this process runs CUDA on: the first entry of CUDA_VISIBLE_DEVICES when it is a plain index (how
 * `lvcd worker --gpu N` pins a worker), else GPU 0. nvidia-smi ignores CUDA_VISIBLE_DEVICES, so it is asked by id.
 */
function visibleGpuId(): string {
  const first = process.env.CUDA_VISIBLE_DEVICES?.split(',')[0]?.trim();
  return first && /^(\d+|GPU-[\w-]+)$/.test(first) ? first : '0';
}

/**
 * Memory of the device a run runs on: the host's for the CPU provider (available memory as free), the visible
 * GPU's (nvidia-smi) for CUDA. Undefined when the GPU cannot be asked.
 */
export async function deviceMemory(provider: 'cpu' | 'cuda'): Promise<DeviceMemory | undefined> {
  if (provider === 'cpu') return { totalBytes: totalmem(), freeBytes: freemem() };
  try {
    const { stdout } = await run('nvidia-smi', [`--id=${visibleGpuId()}`, '--query-gpu=memory.total,memory.free', '--format=csv,noheader,nounits'], { timeout: 5000 });
    const [total, free] = (stdout.trim().split('\n')[0] ?? '').split(',').map((v) => Number(v.trim()) * 2 ** 20);
    return total !== undefined && free !== undefined && Number.isFinite(total) && Number.isFinite(free) ? { totalBytes: total, freeBytes: free } : undefined;
  } catch {
    return undefined;
  }
}

/** Memory a run may still take on its device; undefined when the GPU cannot be asked. */
export async function freeDeviceMemory(provider: 'cpu' | 'cuda'): Promise<number | undefined> {
  return (await deviceMemory(provider))?.freeBytes;
}
