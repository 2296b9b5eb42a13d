// A run's attempts as sentences for its detail view: which worker took it, and who took over when one stopped.
import type { RunAttempt } from '@lvcd/nodes';

export interface AttemptLine {
  worker: string;
  text: string;
  handedOver: boolean;
}

export function describeAttempts(attempts: readonly RunAttempt[], time: (epochMs: number) => string): AttemptLine[] {
  return attempts.map((a, i) => {
    const before = i > 0 ? attempts[i - 1] : undefined;
    const where = `${a.worker} on ${a.host}`;
    const at = time(a.startedAt);
    if (!before) return { worker: a.worker, text: `${where} took it at ${at}`, handedOver: Boolean(a.handedOver) };
    // The taker records what it knows on the attempt it replaced; without that the earlier one just let go.
    const why = before.handedOver ? 'after it stopped' : 'after it let go';
    return { worker: a.worker, text: `${where} took over from ${before.worker} ${why}, at ${at}`, handedOver: Boolean(a.handedOver) };
  });
}
