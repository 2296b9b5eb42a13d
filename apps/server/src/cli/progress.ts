import type { ExecutionEvent } from '@lvcd/nodes/runtime';

/**
 * What the reporter reads of an event. The executor's events (a headless run) and the studio's Socket.IO room
 * events (`lvcd run --server`) both fit it; artefacts are known by name only.
 */
export type ProgressEvent =
  | Extract<ExecutionEvent, { type: 'node:started' | 'node:progress' | 'node:bypassed' | 'node:failed' }>
  | { type: 'node:cached'; node: string }
  | { type: 'node:finished'; node: string; ms: number }
  | { type: 'artifact'; node: string; artifact: { name: string } }
  | { type: 'frame'; node: string };

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * Run progress for a terminal: one line rewritten in place on a TTY, plain lines otherwise (logs, CI),
 * where node progress is printed only at every tenth so a long node does not flood the log.
 */
export class ProgressReporter {
  private done = 0;
  private lastTenth = new Map<string, number>();
  private lineOpen = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly total: number,
    private readonly titles: ReadonlyMap<string, string>,
  ) {}

  onEvent(e: ProgressEvent): void {
    const name = `${this.titles.get(e.node) ?? e.node} (${e.node})`;
    switch (e.type) {
      case 'node:started':
        return this.status(`${name} running`);
      case 'node:progress': {
        const fraction = e.max > 0 ? e.value / e.max : 0;
        const text = `${name} ${bar(fraction)} ${Math.round(fraction * 100)}%${e.text ? ` ${e.text}` : ''}`;
        if (this.out.isTTY) return this.status(text);
        const tenth = Math.floor(fraction * 10);
        if (tenth === this.lastTenth.get(e.node)) return;
        this.lastTenth.set(e.node, tenth);
        return this.status(text);
      }
      case 'node:cached':
        this.done++;
        return this.status(`${name} cached`);
      case 'node:finished':
        this.done++;
        return this.status(`${name} done in ${formatMs(e.ms)}`);
      case 'node:bypassed':
        this.done++;
        return this.status(`${name} bypassed`);
      case 'node:failed':
        return this.line(`${this.prefix()} ${name} failed: ${e.message}`);
      case 'artifact':
        return this.line(`${this.prefix()} ${name} wrote ${e.artifact.name}`);
      case 'frame':
        return;
    }
  }

  /** Ends the rewritten line so what follows starts on a fresh one. */
  finish(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }

  private prefix(): string {
    return `[${this.done}/${this.total}]`;
  }

  /** On a TTY the status replaces the current line; otherwise it is a line of its own. */
  private status(text: string): void {
    const full = `${this.prefix()} ${text}`;
    if (this.out.isTTY) {
      const width = Math.max(20, (this.out.columns ?? 80) - 1);
      this.out.write(`\r\x1b[2K${full.slice(0, width)}`);
      this.lineOpen = true;
    } else {
      this.out.write(`${full}\n`);
    }
  }

  private line(text: string): void {
    this.finish();
    this.out.write(`${text}\n`);
  }
}

export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
