import { execFile } from 'node:child_process';
import { freemem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Memory a run may still take on the device it runs on: the host's available memory for the CPU provider, the
 * first visible GPU's free memory (nvidia-smi) for CUDA. Undefined when the GPU cannot be asked.
 */
export async function freeDeviceMemory(provider: 'cpu' | 'cuda'): Promise<number | undefined> {
  if (provider === 'cpu') return freemem();
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=memory.free', '--format=csv,noheader,nounits'], { timeout: 5000 });
    const mib = Number(stdout.trim().split('\n')[0]);
    return Number.isFinite(mib) ? mib * 2 ** 20 : undefined;
  } catch {
    return undefined;
  }
}
