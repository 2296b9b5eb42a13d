import type { NodeSpec } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime, fieldPlace } from './node-runtime';

const frame = (index: number, url = `/api/artifacts/${index}`) => ({ index, url, width: 8, height: 8 });

describe('node runtime', () => {
  it('keeps frames in index order, one per index, and the expected count', () => {
    const rt = createNodeRuntime();
    rt.putFrame('1', frame(2));
    rt.putFrame('1', frame(0));
    rt.putFrame('1', frame(2, '/again'), 5);
    expect(rt.nodeRuntime('1').frames.map((f) => [f.index, f.url])).toEqual([
      [0, '/api/artifacts/0'],
      [2, '/again'],
    ]);
    expect(rt.nodeRuntime('1').frameCount).toBe(5);
  });

  it('forgets run state but keeps problems when another run is shown', () => {
    const rt = createNodeRuntime();
    rt.setRunState('1', { status: 'failed', message: 'no', field: 'strength', ms: 3 });
    rt.putFrame('1', frame(0));
    rt.setProblems(new Map([['1', [{ code: 'missing-input', input: 'frames', message: 'm', fix: 'f', node: '1' }]]]));
    rt.clearRunState();
    const r = rt.nodeRuntime('1');
    expect(r).toEqual({ frames: [], problems: [expect.objectContaining({ code: 'missing-input' })] });
  });

  it('marks nodes still queued or running cancelled when the run ends, and leaves finished ones', () => {
    const rt = createNodeRuntime();
    rt.setRunState('1', { status: 'running' });
    rt.setRunState('2', { status: 'queued' });
    rt.setRunState('3', { status: 'bypassed' });
    rt.setRunState('4', { status: 'done' });
    rt.settleUnfinished();
    expect(['1', '2', '3', '4'].map((id) => rt.nodeRuntime(id).status)).toEqual(['cancelled', 'cancelled', 'bypassed', 'done']);
  });

  it('names a failing field as an input when the node has that input, a param otherwise', () => {
    const spec = { inputs: [{ name: 'frames', type: 'FRAMES' }], params: [{ name: 'frames_limit' }] } as unknown as NodeSpec;
    expect(fieldPlace(spec, 'frames')).toEqual({ input: 'frames' });
    expect(fieldPlace(spec, 'frames_limit')).toEqual({ param: 'frames_limit' });
    expect(fieldPlace(undefined, 'x')).toEqual({ param: 'x' });
  });

  it('lists only failed nodes as failures, without a field when the failure named none', () => {
    const rt = createNodeRuntime();
    rt.setRunState('1', { status: 'failed', message: 'out of memory' });
    rt.setRunState('2', { status: 'done' });
    expect(rt.failures(new Map(), new Map())).toEqual([{ code: 'run-failed', node: '1', message: 'out of memory', fix: expect.any(String) }]);
  });
});
