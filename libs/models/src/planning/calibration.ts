/**
 * Per-provider constants of the plan estimate, fitted to runs measured with `node bench/plan-calibration.mjs`
 * (docs/performance.md has the runs, the machine and the fit). Shapes come from planning/network-cost; these
 * turn them into seconds and bytes.
 */
export interface ProviderCalibration {
  /** Multiply-accumulates per second of the convolutions and linear layers (PassCost.macs): the multiply units. */
  macsPerSecond: number;
  /** Attention scores per second (PassCost.attentionScores): the softmax and head-wide products of each score. */
  attentionScoresPerSecond: number;
  /** Activation values per second the ops write and read back (PassCost.writtenValues): memory, not arithmetic. */
  writtenValuesPerSecond: number;
  /** Fixed cost of one denoiser call (thousands of small kernels, feeds crossing to the device). */
  stepOverheadSeconds: number;
  /** Fixed cost of one decode chunk (its few hundred kernels). */
  chunkOverheadSeconds: number;
  /** The process and ONNX Runtime with a run's sessions open, before any activation. */
  runtimeBytes: number;
  /**
   * Measured peak over the float32 values network-cost says are live, for every network: what the graph holds at
   * its widest point plus what the allocator keeps beside it (arena blocks freed but held, kernel scratch).
   */
  activationFactor: number;
  /** How much wider fp16-stored weights sit in memory than on disk (2 where they compute in float32). */
  fp16StorageWeightFactor: number;
  basis: string;
}

const MIB = 2 ** 20;

export const CALIBRATION: Record<'cpu' | 'cuda', ProviderCalibration> = {
  // Fitted together to the tiny bundle's runs (128x64 and 576x320, `node bench/plan-calibration.mjs`) and the
  // real-shape stand-in's step and decode chunk (`node bench/real-shape-cpu.mjs --arena on`) on this project's
  // 2-core x86 CI machine (AVX-512, 105 MiB L3), CPU provider, fused attention; docs/performance.md has the runs,
  // the fit and what is left over. 190 G MAC/s is about the two cores' FMA peak: at the released widths the
  // convolutions and linear layers run close to it, while the tiny bundle's time is nearly all attention scores
  // (16-wide heads over 5,760 keys) and written values, which is why one MAC rate could not fit both.
  cpu: {
    macsPerSecond: 1.9e11,
    attentionScoresPerSecond: 1.15e9,
    writtenValuesPerSecond: 3.4e8,
    stepOverheadSeconds: 0.2,
    chunkOverheadSeconds: 0.4,
    runtimeBytes: 190 * MIB,
    activationFactor: 2,
    fp16StorageWeightFactor: 2,
    basis: 'CPU: fitted to measured tiny-bundle and real-shape runs (docs/performance.md)',
  },
  // Not measured yet (no GPU has been lent to the project): an NVIDIA data-centre GPU at about a third of its TF32
  // peak, flash attention bound by its exponentials (about 2 T scores/s), each activation value written and read
  // back at about half of HBM3's 3.35 TB/s, and the CPU's activation factor (the CUDA allocator also keeps freed
  // blocks). bench/gpu-proof.sh measures it; refit here when it has run.
  cuda: {
    macsPerSecond: 1e14,
    attentionScoresPerSecond: 2e12,
    writtenValuesPerSecond: 2e11,
    stepOverheadSeconds: 0.02,
    chunkOverheadSeconds: 0.01,
    runtimeBytes: 600 * MIB,
    activationFactor: 2,
    fp16StorageWeightFactor: 2,
    basis: 'CUDA: assumed from vendor peak figures, not yet measured (docs/performance.md)',
  },
};
