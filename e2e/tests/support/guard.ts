import { afterAll, beforeEach, expect } from 'vitest';
import type { Studio } from './browser';
import type { StudioServer } from './server';

/**
 * The common ending of every e2e file: a failing test leaves a screenshot and the server's log tail; after the
 * last test the page must have thrown no uncaught error, then the browser and the server close.
 */
export function guardStudio(name: string, current: () => { server?: StudioServer; studio?: Studio }, cleanup?: () => void): void {
  afterAll(async () => {
    const { server, studio } = current();
    expect(studio?.errors() ?? []).toEqual([]);
    await studio?.close();
    await server?.stop();
    cleanup?.();
  });
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      const { server, studio } = current();
      console.error(`screenshot: ${await studio?.screenshot(`${name}-${ctx.task.name}`)}\nserver log tail:\n${server?.log().slice(-3000)}`);
    });
  });
}
