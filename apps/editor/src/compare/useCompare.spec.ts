import type { RunDetail } from '@lvcd/nodes';
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import { runDetail, startSocketServer, until, type SocketServer } from '../../test/support/socket-server';
import { testStudio, withStudio } from '../../test/support/studio';
import { createRunSocket } from '../api/run-socket';
import type { Studio } from '../stores/studio';
import { ArtifactFrames, LiveFrames } from './frame-source';
import { useCompare } from './useCompare';

const A = '11111111-2222-4333-8444-555555555555';
const B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const zip = (id: string, node = '9') => ({ id, node, name: 'frames.zip', mime: 'application/zip', kind: 'zip', size: 10 });

let server: SocketServer;
let studio: Studio;
/** What GET /api/runs/:id answers now; the test changes it as runs end. */
let details: Map<string, RunDetail>;

beforeEach(async () => {
  details = new Map([
    [A, runDetail(A, { status: 'succeeded', artifacts: [zip('za')] })],
    [B, runDetail(B, { status: 'running' })],
  ]);
  server = await startSocketServer(details);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      const run = /^\/api\/runs\/([^/]+)$/.exec(url)?.[1];
      const sequence = /^\/api\/artifacts\/([^/]+)\/frames$/.exec(url)?.[1];
      const body = run ? details.get(run) : sequence ? { artifact: sequence, count: 3, width: 4, height: 4, fps: 12, ready: 3, complete: true } : url.startsWith('/api/compare/metrics') ? { frames: [] } : [];
      return new Response(JSON.stringify(body ?? { message: 'not found' }), { status: body ? 200 : 404 });
    }),
  );
  studio = testStudio({ socket: createRunSocket(server.url) });
  studio.runs.connect();
  await until(() => studio.socket.connected.value);
});

afterEach(async () => {
  studio.socket.close();
  await server.close();
  vi.unstubAllGlobals();
});

function mountCompare(b = B) {
  let compare!: ReturnType<typeof useCompare>;
  const Probe = defineComponent({
    setup() {
      compare = useCompare(ref({ a: A, b }), () => undefined);
      void compare.load();
      return () => h('div');
    },
  });
  const w = mount(Probe, { global: withStudio(studio) });
  return { w, compare: () => compare };
}

describe('useCompare on the shared socket', () => {
  it('watches a running side live, and swaps in its saved sequence when it ends', async () => {
    const { compare } = mountCompare();
    await until(() => compare().b.value.source instanceof LiveFrames && server.members(B) === 1);
    expect(compare().a.value.source).toBeInstanceOf(ArtifactFrames);
    details.set(B, runDetail(B, { status: 'succeeded', artifacts: [zip('zb')] }));
    server.io.emit('run:finished', { runId: B, status: 'succeeded' });
    await until(() => compare().b.value.source instanceof ArtifactFrames);
    await flushPromises();
    // Nothing of B is live any more: the view let its room go.
    await until(() => server.members(B) === 0);
  });

  it("keeps the canvas's room when the compare view closes, and the canvas's switch keeps the view's", async () => {
    studio.runs.activate(B); // the canvas shows B too
    const { w, compare } = mountCompare();
    await until(() => compare().b.value.source instanceof LiveFrames);
    await until(() => server.requests.filter((r) => r.event === 'subscribe' && r.runId === B).length === 2);
    w.unmount();
    await new Promise((r) => setTimeout(r, 50));
    expect(server.members(B)).toBe(1);
    expect(server.requests.some((r) => r.event === 'unsubscribe')).toBe(false);

    const again = mountCompare();
    await until(() => again.compare().b.value.source instanceof LiveFrames);
    studio.runs.activate(A); // the canvas moves on; the compare view still follows B live
    await until(() => server.members(A) === 1);
    expect(server.members(B)).toBe(1);
    again.w.unmount();
    await until(() => server.members(B) === 0);
  });

  it('says a run that does not exist was not found, instead of waiting for it', async () => {
    const missing = 'cccccccc-dddd-4eee-8fff-000000000000';
    const { compare } = mountCompare(missing);
    await until(() => compare().b.value.error !== '');
    expect(compare().b.value.error).toBe(`Run ${missing} was not found: it was deleted, or the link names no run.`);
    await until(() => compare().metricsNote.value !== '');
    expect(compare().metricsNote.value).toBe(`No metrics. B: ${compare().b.value.error}`);
    expect(compare().a.value.source).toBeInstanceOf(ArtifactFrames);
  });

  it('says which side lacks a frame sequence, and which is still running', async () => {
    details.set(B, runDetail(B, { status: 'succeeded' }));
    const done = mountCompare();
    await until(() => done.compare().metricsNote.value !== '');
    expect(done.compare().metricsNote.value).toBe('No metrics. B: This run has no frame sequence to compare (status succeeded; add Save Frames or Save Video to its workflow).');
    done.w.unmount();
    details.set(B, runDetail(B, { status: 'running' }));
    const live = mountCompare();
    await until(() => live.compare().metricsNote.value !== '');
    expect(live.compare().metricsNote.value).toBe('No metrics. B is still running; they appear when it has finished.');
  });
});
