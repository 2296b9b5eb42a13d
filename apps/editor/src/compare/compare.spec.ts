import { emptyWorkflow, type NodeSpec, type WorkflowDocument } from '@lvcd/nodes';
import { describe, expect, it } from 'vitest';
import { deltaE76, deltaEHeatmap, heatColour, srgbToLab } from './delta-e';
import { metricsCsv, rowsOfTruthJson, seriesOf } from './metrics';
import { compareHash, parseCompareHash } from './route';
import { diffWorkflows } from './workflow-diff';

const A = '11111111-2222-4333-8444-555555555555';
const B = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('compare route', () => {
  it('round-trips a pair and refuses anything else', () => {
    expect(parseCompareHash(compareHash(A, B))).toEqual({ a: A, b: B });
    expect(parseCompareHash(`#/compare/${A}`)).toBeNull();
    expect(parseCompareHash(`#/compare/${A}/not-a-run`)).toBeNull();
    expect(parseCompareHash('')).toBeNull();
  });
});

describe('CIE76 ΔE', () => {
  it('matches reference Lab values (D65) and is 0 for equal colours', () => {
    const white = srgbToLab(255, 255, 255);
    expect(white[0]).toBeCloseTo(100, 2);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    const red = srgbToLab(255, 0, 0); // Lab of sRGB red: 53.24, 80.09, 67.20
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
    expect(deltaE76([10, 20, 30], [10, 20, 30])).toBe(0);
    expect(deltaE76([0, 0, 0], [255, 255, 255])).toBeCloseTo(100, 1);
  });

  it('maps ΔE onto the scale: black where equal, the top colour at and over the scale', () => {
    const a = new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 255, 100, 100, 100, 255]);
    const b = new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 100, 100, 101, 255]);
    const out = new Uint8ClampedArray(12);
    const stats = deltaEHeatmap(a, b, out, 25);
    expect([...out.slice(0, 4)]).toEqual([0, 0, 0, 255]);
    expect([...out.slice(4, 7)]).toEqual(heatColour(1));
    expect(stats.maxDeltaE).toBeCloseTo(100, 1);
    expect(stats.overJnd).toBeCloseTo(1 / 3, 5);
    expect(out[8]! + out[9]! + out[10]!).toBeGreaterThan(0); // a tiny change still shows
  });
});

describe('workflow diff', () => {
  const line: NodeSpec = {
    type: 'lineart/extract',
    title: 'Lineart',
    category: 'lineart',
    description: 'Lines',
    version: 1,
    inputs: [{ name: 'frames', type: 'FRAMES' }],
    outputs: [{ name: 'frames', type: 'FRAMES' }],
    params: [
      { name: 'threshold', description: 'Darkness', schema: { kind: 'number', default: 0.005, min: 0, max: 1 } },
      { name: 'sigma', description: 'Blur', schema: { kind: 'number', default: 0.8, min: 0, max: 4 } },
      { name: 'invert', description: 'Invert', schema: { kind: 'boolean', default: false } },
    ],
  };
  const specs = new Map([[line.type, line]]);
  const doc = (threshold: number | undefined, extra = false): WorkflowDocument => ({
    ...emptyWorkflow(),
    nodes: [
      { id: 'load', type: 'frames/load', params: { frames: 'x', fps: 12 }, position: { x: 0, y: 0 } },
      { id: 'line', type: 'lineart/extract', params: { ...(threshold === undefined ? {} : { threshold }), sigma: 0.8 }, position: { x: 0, y: 0 } },
      ...(extra ? [{ id: 'save', type: 'output/save-frames', params: { name: 'f' }, position: { x: 0, y: 0 } }] : []),
    ],
    links: [{ from: { node: 'load', output: 'frames' }, to: { node: 'line', input: 'frames' } }],
  });

  it('finds exactly the changed parameter', () => {
    const changed = diffWorkflows(doc(0.005), doc(0.01), specs).filter((r) => !r.same);
    expect(changed).toEqual([{ kind: 'param', node: 'line', key: 'threshold', a: '0.005', b: '0.01', same: false }]);
  });

  it('compares the values the nodes run with: a default set explicitly is no difference, and an unset param shows its default', () => {
    const rows = diffWorkflows(doc(undefined), doc(0.005), specs).filter((r) => r.node === 'line' && r.kind === 'param');
    expect(rows).toEqual([
      { kind: 'param', node: 'line', key: 'threshold', a: '0.005', b: '0.005', defaultA: true, same: true },
      { kind: 'param', node: 'line', key: 'sigma', a: '0.8', b: '0.8', same: true },
      { kind: 'param', node: 'line', key: 'invert', a: 'false', b: 'false', defaultA: true, defaultB: true, same: true },
    ]);
    expect(diffWorkflows(doc(undefined), doc(0.01), specs).filter((r) => !r.same)).toEqual([{ kind: 'param', node: 'line', key: 'threshold', a: '0.005', b: '0.01', defaultA: true, same: false }]);
    // A type the catalogue does not know: only what is stored is compared.
    expect(diffWorkflows(doc(0.005), doc(0.005), new Map()).find((r) => r.key === 'invert')).toBeUndefined();
  });

  it('shows nodes and links only one side has', () => {
    const changed = diffWorkflows(doc(0.005), doc(0.005, true), specs).filter((r) => !r.same);
    expect(changed.map((r) => `${r.kind}:${r.node}:${r.key}`)).toEqual(['node:save:present', 'param:save:name']);
    const b = doc(0.005);
    b.links = [];
    expect(diffWorkflows(doc(0.005), b, specs).filter((r) => !r.same).map((r) => r.kind)).toEqual(['link']);
  });
});

describe('metrics', () => {
  it('reads a Quality Metrics file and writes both series as CSV', () => {
    const rows = rowsOfTruthJson({ frames: [{ index: 0, psnr: 30, ssim: 0.9 }, { index: 1, psnr: 32, ssim: 0.95 }] });
    const other = rowsOfTruthJson({ frames: [{ index: 0, psnr: 31, ssim: 0.91 }] });
    const csv = metricsCsv({ mode: 'truth', series: [seriesOf('A', rows), seriesOf('B', other)] }).trim().split('\n');
    expect(csv).toEqual([
      'frame,psnr_a_vs_truth,ssim_a_vs_truth,psnr_b_vs_truth,ssim_b_vs_truth,psnr_b_minus_a',
      '0,30.0000,0.900000,31.0000,0.910000,1.0000',
      '1,32.0000,0.950000,,,',
    ]);
    expect(seriesOf('A', rows)).toMatchObject({ meanPsnr: 31, minPsnr: 30 });
    expect(() => rowsOfTruthJson({ frames: [{ psnr: 'x' }] })).toThrow(/no psnr/);
  });
});
