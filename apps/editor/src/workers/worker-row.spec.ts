import type { WorkerView } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { describeWorker, formatBytes } from './worker-row';

const base: WorkerView = {
  id: 'embedded', pid: 7, state: 'ready', host: 'studio', provider: 'cpu', gpu: null, deviceMemoryBytes: 16e9, freeMemoryBytes: 4e9,
  concurrency: 1, running: [], bundles: [], version: '0.1.0', rssBytes: null, lastSeen: '2026-12-02T06:00:00.000Z',
};
const at = (iso: string) => Date.parse(iso);

describe('a worker row', () => {
  it('shows the device, memory used as a share of the device, and how long ago it was heard', () => {
    const row = describeWorker(base, at('2026-12-02T06:00:02.400Z'));
    expect(row).toMatchObject({ device: 'CPU', usedFraction: 0.75, memory: '12.0 GB used of 16.0 GB · 4.0 GB free', ageS: 2, stale: false, seen: '2 s ago' });
    expect(describeWorker({ ...base, provider: 'cuda', gpu: 1 }, 0).device).toBe('CUDA · GPU 1');
    expect(describeWorker({ ...base, provider: 'cuda' }, 0).device).toBe('CUDA');
  });

  it('is stale past 3 s unheard, and says what it does not know yet', () => {
    expect(describeWorker(base, at('2026-12-02T06:00:03.500Z')).stale).toBe(true);
    const starting = describeWorker({ ...base, state: 'starting', provider: null, deviceMemoryBytes: null, freeMemoryBytes: null, lastSeen: null }, 0);
    expect(starting).toMatchObject({ device: 'starting', usedFraction: null, memory: 'memory not reported', ageS: null, stale: false, seen: 'never' });
    expect(describeWorker({ ...base, freeMemoryBytes: null }, 0)).toMatchObject({ usedFraction: null, memory: '16.0 GB in all' });
    // A clock behind the server's reads as just heard, not as a negative age.
    expect(describeWorker(base, at('2026-12-02T05:59:59.000Z'))).toMatchObject({ ageS: 0, seen: 'just now' });
  });

  it('writes sizes in the unit that reads best', () => {
    expect([formatBytes(512e3), formatBytes(300e6), formatBytes(2.25e9)]).toEqual(['512 kB', '300 MB', '2.3 GB']);
  });
});
