// Peak GPU memory while something runs: nvidia-smi polled in the background (every 100 ms), GPU 0, in MiB.
// The baseline is the first sample, taken before the measured process starts, so what other processes already
// hold on the GPU is not counted as the run's.
import { spawn } from 'node:child_process';

export function pollGpuMemory(intervalMs = 100) {
  const samples = [];
  const smi = spawn('nvidia-smi', ['-i', '0', '--query-gpu=memory.used,memory.total', '--format=csv,noheader,nounits', '-lms', String(intervalMs)], { stdio: ['ignore', 'pipe', 'ignore'] });
  let firstSample;
  const ready = new Promise((resolve, reject) => {
    firstSample = resolve;
    smi.once('error', reject);
    smi.once('exit', (code) => reject(new Error(`nvidia-smi exited (${code}) before its first sample`)));
  });
  let rest = '';
  smi.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const line of lines) {
      const [used, total] = line.split(',').map(Number);
      if (Number.isFinite(used)) samples.push({ used, total });
    }
    if (samples.length) firstSample();
  });
  return {
    /** Resolves once the baseline sample is in. */
    ready: () => ready,
    stop() {
      smi.kill();
      if (!samples.length) return undefined;
      const peak = Math.max(...samples.map((s) => s.used));
      return { baselineMiB: samples[0].used, peakMiB: peak, runMiB: peak - samples[0].used, totalMiB: samples[0].total, samples: samples.length };
    },
  };
}
