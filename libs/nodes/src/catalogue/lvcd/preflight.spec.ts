import { CALIBRATION, LVCD_REAL_CONFIG, type BundleManifest } from '@lvcd/models';
import { describe, expect, it } from 'vitest';
import { preflightVerdict, remainingText, type PreflightRequest } from './preflight.js';

const GB = 2 ** 30;
const vae = { ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4, videoKernelSize: [3, 1, 1] };
const manifest = {
  precision: 'fp32',
  models: { denoiser: { dataBytes: 8.8e9 }, vae_decoder: { dataBytes: 0.2e9 } },
  config: { denoiser: LVCD_REAL_CONFIG, vaeEncoder: vae, vaeDecoder: vae, scaleFactor: 0.18215 },
} as unknown as BundleManifest;
const request: PreflightRequest = {
  node: 'LVCD Colorize', models: { kind: 'models', dir: '/m/lvcd', provider: 'cpu', precision: 'fp32' },
  width: 576, height: 320, frames: 48, pad: true, steps: 25, decoding: { chunk: 10, overlap: 3 }, provider: 'cpu',
};

describe('preflightVerdict', () => {
  it('counts the weights once when the bundle is already open (they are held, not free)', () => {
    const cold = preflightVerdict(request, manifest, 64 * GB, false);
    const warm = preflightVerdict(request, manifest, 64 * GB, true);
    expect(cold.peakBytes - warm.peakBytes).toBe(cold.estimate.weightsBytes);
    expect(cold.peakBytes).toBe(cold.estimate.peakBytes);
  });

  it('needs only a denoiser step to fit when the node does not decode', () => {
    const sample = preflightVerdict({ ...request, decoding: undefined }, manifest, 64 * GB, false);
    expect(sample.peakBytes).toBe(CALIBRATION.cpu.runtimeBytes + sample.estimate.weightsBytes + sample.estimate.denoiserPeakBytes);
  });
});

describe('remainingText', () => {
  it('extrapolates from the steps done', () => {
    expect(remainingText(5, 25, 10_000)).toBe('about 40 s left');
    expect(remainingText(1, 80, 60_000)).toBe('about 79 min left');
    expect(remainingText(1, 100, 60_000)).toBe('about 1.6 h left');
    expect(remainingText(1, 1000, 60_000)).toBe('about 16.6 h left');
    expect(remainingText(0, 25, 0)).toBe('');
    expect(remainingText(25, 25, 1000)).toBe('');
  });
});
