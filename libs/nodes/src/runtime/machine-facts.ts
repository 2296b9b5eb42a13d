import { execFile } from 'node:child_process';
import { arch, cpus, platform, totalmem } from 'node:os';
import type { MachineFacts } from '../run-record.js';

let probed: Promise<MachineFacts> | undefined;

/** The machine a run executes on: CPU, memory, and the GPUs nvidia-smi reports (none without it). Probed once per process. */
export function machineFacts(): Promise<MachineFacts> {
  probed ??= nvidiaGpus().then((gpus) => {
    const list = cpus();
    return { platform: platform(), arch: arch(), cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length, memoryBytes: totalmem(), gpus, node: process.version };
  });
  return probed;
}

/** nvidia-smi's GPU list; a machine without the tool (or without a GPU) has none. */
function nvidiaGpus(): Promise<MachineFacts['gpus']> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits'], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve([]);
      resolve(parseNvidiaSmi(stdout));
    });
  });
}

/** Lines of `name, driver, memory MiB` as nvidia-smi's CSV query prints them. */
export function parseNvidiaSmi(csv: string): MachineFacts['gpus'] {
  return csv
    .split('\n')
    .map((line) => line.split(',').map((cell) => cell.trim()))
    .filter((cells) => cells.length >= 2 && cells[0])
    .map(([name, driver, memory]) => {
      const memoryMiB = Number(memory);
      return { name: name!, driver: driver!, ...(Number.isFinite(memoryMiB) && memory ? { memoryMiB } : {}) };
    });
}
