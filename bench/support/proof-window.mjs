// One LVCD window (15 output frames) on a bundle, then its chunked decode, timed the way a run is: per sampler step,
// sampling against decoding, and wall time against the time spent inside ONNX Runtime (LvcdBundle.runtimeMs).
// The inputs are synthetic (a smooth reference, moving line sketches): with stand-in weights only the cost counts.

/** A coloured reference (3, H, W) in [-1, 1]: smooth colour ramps, so nothing in it is constant. */
export function syntheticReference(width, height) {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      out[i] = Math.sin((x / width) * Math.PI * 2);
      out[plane + i] = Math.cos((y / height) * Math.PI * 2);
      out[2 * plane + i] = (x + y) / (width + height) * 2 - 1;
    }
  }
  return out;
}

/** A sketch (3, H, W) in [0, 1] for frame f: white paper with dark lines that move with f. */
export function syntheticSketch(width, height, f) {
  const plane = width * height;
  const out = new Float32Array(3 * plane).fill(1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const onLine = (x + 2 * f) % 32 < 2 || (y + f) % 24 < 2;
      if (onLine) for (let c = 0; c < 3; c++) out[c * plane + y * width + x] = 0.1;
    }
  }
  return out;
}

/**
 * Opens the bundle on `provider` (no fallback), runs one window of `steps` steps at width x height and decodes it.
 * Returns the figures; every time is in seconds.
 */
export async function runProofWindow(models, { bundleDir, provider, width, height, steps }) {
  const opening = performance.now();
  const bundle = await models.openLvcdBundle(bundleDir, provider);
  try {
    const wrong = Object.entries(bundle.providers).filter(([, p]) => p !== provider);
    if (wrong.length) throw new Error(`${wrong.map(([id, p]) => `${id} on ${p}`).join(', ')}: not all models run on ${provider}`);
    const openSeconds = (performance.now() - opening) / 1000;
    const frameCount = models.WINDOW.video + 1; // exactly one window
    const sketches = new Map();
    const stamps = [];
    let conditioned;
    let samplingEnd;
    let lastFrame;
    let finite = true;
    let frames = 0;
    const started = performance.now();
    const result = await models.colorizeClip({
      // The denoiser is bound once CLIP and both encoders have run: that splits conditioning from the steps.
      networks: Object.assign(Object.create(bundle), { denoiser: (...args) => ((conditioned = performance.now()), bundle.denoiser(...args)) }),
      reference: syntheticReference(width, height),
      width,
      height,
      frameCount,
      hint: async (f) => sketches.get(f) ?? sketches.set(f, syntheticSketch(width, height, f)).get(f),
      options: { ...models.DEFAULT_COLORIZE, numSteps: steps, prevAttnSteps: steps },
      onProgress: () => stamps.push(performance.now()),
      onLatent: () => void (samplingEnd ??= performance.now()),
      onFrame: (_, frame) => {
        frames++;
        finite &&= frame.every(Number.isFinite);
        lastFrame = performance.now();
      },
    });
    const end = performance.now();
    const runtimeSeconds = bundle.runtimeMs / 1000;
    // Once more, one full chunk alone: the window's decode includes each new chunk shape's first call (cuDNN's
    // algorithm search on CUDA), which a long clip pays once; this is what every later chunk costs.
    const z = Float32Array.from({ length: 10 * 4 * (height / 8) * (width / 8) }, (_, i) => Math.sin(i) * 0.5);
    const warmStarted = performance.now();
    await bundle.decoder.decode(z, 10);
    const warmChunkSeconds = (performance.now() - warmStarted) / 1000;
    const stepSeconds = stamps.map((t, i) => (t - (i === 0 ? conditioned : stamps[i - 1])) / 1000);
    return {
      provider,
      width,
      height,
      steps,
      windows: result.windows,
      outputFrames: frames,
      openSeconds,
      conditioningSeconds: (conditioned - started) / 1000,
      // The first step includes each kernel's first call (and cuDNN's algorithm search on CUDA).
      stepSeconds,
      samplingSeconds: (samplingEnd - started) / 1000,
      decodeSeconds: (lastFrame - samplingEnd) / 1000,
      totalSeconds: (end - started) / 1000,
      warmChunkSeconds,
      // Both measured before the extra chunk above, so they are the window's own.
      runtimeSeconds,
      finite,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await bundle.release();
  }
}
