import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * Runs waiting in the queue per client (LVCD_MAX_QUEUED_RUNS), so one client cannot fill the queue for
 * everyone. A run stops counting when it starts or ends; runs recovered after a restart have no client.
 */
export class RunQuota {
  private readonly owner = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerClient: number) {}

  /** Throws a 429 naming the limit when `adding` more runs (a batch's every run) would pass the client's share. */
  check(client: string, adding = 1): void {
    const waiting = this.counts.get(client) ?? 0;
    if (waiting + adding <= this.maxPerClient) return;
    const why = adding === 1 ? `you already have ${this.maxPerClient} runs waiting in the queue` : `a batch of ${adding} runs with ${waiting} already waiting passes the limit of ${this.maxPerClient}`;
    throw new HttpException(`${why}; wait for some to start or cancel some (LVCD_MAX_QUEUED_RUNS sets the limit)`, HttpStatus.TOO_MANY_REQUESTS);
  }

  add(client: string, runId: string): void {
    this.owner.set(runId, client);
    this.counts.set(client, (this.counts.get(client) ?? 0) + 1);
  }

  /** The run left the queue (started, cancelled, or ended): its client may queue another. */
  release(runId: string): void {
    const client = this.owner.get(runId);
    if (client === undefined) return;
    this.owner.delete(runId);
    const left = (this.counts.get(client) ?? 1) - 1;
    if (left > 0) this.counts.set(client, left);
    else this.counts.delete(client);
  }
}
