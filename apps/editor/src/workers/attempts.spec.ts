import { describe, expect, it } from 'vitest';
import { describeAttempts } from './attempts';

const time = (ms: number) => `t${ms}`;

describe("a run's attempts", () => {
  it('says which worker took the run, and who took over after one stopped', () => {
    const lines = describeAttempts(
      [
        { worker: 'w1', host: 'a', startedAt: 1, handedOver: 'its worker stopped during the run; w2 on b resumed it' },
        { worker: 'w2', host: 'b', startedAt: 2 },
      ],
      time,
    );
    expect(lines.map((l) => l.text)).toEqual(['w1 on a took it at t1', 'w2 on b took over from w1 after it stopped, at t2']);
    expect(lines.map((l) => l.handedOver)).toEqual([true, false]);
  });

  it('tells a worker that let go without a handover note apart', () => {
    const lines = describeAttempts([{ worker: 'w1', host: 'a', startedAt: 1 }, { worker: 'w3', host: 'c', startedAt: 5 }], time);
    expect(lines[1]?.text).toBe('w3 on c took over from w1 after it let go, at t5');
  });
});
