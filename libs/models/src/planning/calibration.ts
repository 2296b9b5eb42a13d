/**
 * Per-provider constants of the plan estimate, fitted to runs measured with `node bench/plan-calibration.mjs`
 * (docs/performance.md has the runs, the machine and the fit). Shapes come from planning/network-cost; these
 * turn them into seconds and bytes.
 */
export interface ProviderCalibration {
  /** Multiply-accumulates per second the provider sustains on the denoiser. */
  macsPerSecond: number;
  /** The same on the VAE decoder (full-resolution convolutions, memory-bound on the CPU). */
  decoderMacsPerSecond: number;
  /** Fixed cost of one denoiser call (thousands of small kernels, feeds crossing to the device). */
  stepOverheadSeconds: number;
  /** Fixed cost of one decode chunk. */
  chunkOverheadSeconds: number;
  /** The process and ONNX Runtime before any activation: measured with the tiny bundle open. */
  runtimeBytes: number;
  /** Measured peak over the float32 values network-cost says are live in a denoiser step (arena, kernel scratch). */
  activationFactor: number;
  /** The same for a decode chunk. */
  decoderActivationFactor: number;
  /** How much wider fp16-stored weights sit in memory than on disk (2 where they compute in float32). */
  fp16StorageWeightFactor: number;
  basis: string;
}

const MIB = 2 ** 20;

export const CALIBRATION: Record<'cpu' | 'cuda', ProviderCalibration> = {
  // Fitted on this project's 2-core x86 CI machine, CPU provider, tiny bundle at 128x64 and 576x320, fused
  // attention, while other work shared the machine (so times are pessimistic, memory is not).
  cpu: {
    macsPerSecond: 7.2e9,
    decoderMacsPerSecond: 5.5e9,
    stepOverheadSeconds: 0.35,
    chunkOverheadSeconds: 0,
    runtimeBytes: 200 * MIB,
    activationFactor: 8,
    decoderActivationFactor: 2.2,
    fp16StorageWeightFactor: 2,
    basis: 'CPU: fitted to measured tiny-bundle runs (docs/performance.md)',
  },
  // Not measured yet (no GPU has been lent to the project): an NVIDIA data-centre GPU at about a third of its
  // TF32 peak, activations as on the CPU. bench/gpu-proof.sh measures it; refit here when it has run.
  cuda: {
    macsPerSecond: 1e14,
    decoderMacsPerSecond: 5e13,
    stepOverheadSeconds: 0.02,
    chunkOverheadSeconds: 0.01,
    runtimeBytes: 600 * MIB,
    activationFactor: 8,
    decoderActivationFactor: 2.2,
    fp16StorageWeightFactor: 2,
    basis: 'CUDA: assumed from vendor peak figures, not yet measured (docs/performance.md)',
  },
};
