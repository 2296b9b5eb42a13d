// The tiny bundle's networks on one provider, on the inputs of the PyTorch goldens (../shared/fixtures/lvcd-tiny),
// as libs/models' specs run them (convert/bundle.spec.ts, networks/denoiser/denoiser-graph.spec.ts). Outputs are
// saved to a safetensors file so a parent process can compare providers with each other and with the goldens.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What each saved output is compared with: a golden file and tensor, optionally a slice of it. */
export const GOLDEN_OF = {
  'lineart': ['lineart', 'output'],
  'vae.encode_mean': ['vae', 'encode_mean'],
  'vae.encode_logvar': ['vae', 'encode_logvar'],
  'vae.decode_output': ['vae', 'decode_output'],
  // c.concat is the reference latent repeated for the 19 positions: frame 0 is the encoder's output.
  'cond.concat': ['cond', 'c.concat', 'first-frame'],
  'clip-320x576': ['clip-320x576', 'output'],
  'denoiser.nohook': ['unet', 'apply_model.nohook'],
  'denoiser.normal': ['unet', 'apply_model.normal'],
  'denoiser.prevref_step1': ['unet', 'apply_model.prevref_step1'],
  'denoiser.prevref_step5': ['unet', 'apply_model.prevref_step5'],
  'denoiser.edm_normal': ['unet', 'denoiser.normal'],
};

/** Converts the tiny fixtures (with the lineart model) into `outDir` in `precision`, at 576x320 so the 320x576 CLIP golden applies. */
export async function convertTinyBundle(models, fixtures, outDir, precision) {
  const architecture = models.architectureFromConfigJson(JSON.parse(await readFile(path.join(fixtures, 'tiny-config.json'), 'utf8')));
  return models.convertBundle({
    svd: path.join(fixtures, 'svd-tiny.safetensors'), lvcd: path.join(fixtures, 'lvcd-tiny.ckpt'), lineart: path.join(fixtures, 'sk-tiny.pth'),
    outDir, precision, ...architecture,
  });
}

/** Runs every network of a tiny bundle on `provider` and writes its outputs to `outFile` (safetensors, F32). */
export async function runTinyGoldenInputs(models, testing, bundleDir, provider, outFile) {
  const fixtures = testing.lvcdTinyFixturesDir();
  const golden = (name) => testing.loadGoldens(path.join(fixtures, `golden-${name}.safetensors`));
  const manifest = JSON.parse(await readFile(path.join(bundleDir, 'manifest.json'), 'utf8'));
  const outputs = {};
  const timings = {};
  const withSession = async (id, use, sessionOptions) => {
    const started = performance.now();
    const { session, provider: ran } = await models.createSession(path.join(bundleDir, manifest.models[id].file), { provider, ...(sessionOptions ? { sessionOptions } : {}) });
    if (ran !== provider) throw new Error(`${id} opened on ${ran}, not ${provider}`);
    try {
      const opened = performance.now();
      await use(session);
      timings[id] = { openSeconds: (opened - started) / 1000, runSeconds: (performance.now() - opened) / 1000 };
    } finally {
      await session.release();
    }
  };

  const lineart = await golden('lineart');
  await withSession('lineart', async (s) => (outputs['lineart'] = (await models.runFloat(s, { img: lineart.input })).line));
  const vae = await golden('vae');
  await withSession('vae_encoder', async (s) => {
    const { mean, logvar } = await models.runFloat(s, { img: vae.encode_input });
    outputs['vae.encode_mean'] = mean;
    outputs['vae.encode_logvar'] = logvar;
  });
  await withSession('vae_decoder', async (s) => {
    const z = { data: vae.decode_input.data.map((v) => v / manifest.config.scaleFactor), dims: vae.decode_input.dims };
    outputs['vae.decode_output'] = (await models.runFloat(s, { z })).pixels;
  });
  const cond = await golden('cond');
  await withSession('cond_encoder', async (s) => (outputs['cond.concat'] = (await models.runFloat(s, { img: cond.input_image })).latent));
  const clip = await golden('clip-320x576');
  await withSession('clip_visual', async (s) => (outputs['clip-320x576'] = (await models.runFloat(s, { img: clip.input })).embedding));

  const denoiserGolden = await testing.goldenDenoiserCall();
  const { x, sigma } = denoiserGolden;
  let call = denoiserGolden.call;
  // A format 2 bundle's denoiser takes the hint encoder's features (encoded once per window), not the sketches.
  if (manifest.models.hint_encoder) {
    await withSession('hint_encoder', async (s) => {
      const { hint, ...rest } = call;
      const features = (await models.runFloat(s, { hint: { data: hint, dims: [models.WINDOW.length, 3, 8 * call.latentHeight, 8 * call.latentWidth] } })).hint_features;
      call = { ...rest, hintFeatures: features.data };
    });
  }
  await withSession('denoiser', async (s) => {
    const dims = [models.WINDOW.length, 4, call.latentHeight, call.latentWidth];
    const run = async (mode, step, prev) =>
      (await models.runDenoiserGraph(s, { ...call, reference: models.referenceAttentionInputs(mode, step, prev) }))[models.DENOISER_IO.output];
    for (const [name, mode, step, prev] of [['nohook', 'nohook', 0, 0], ['normal', 'normal', 0, 0], ['prevref_step1', 'prevref', 1, 3], ['prevref_step5', 'prevref', 5, 3]]) {
      outputs[`denoiser.${name}`] = { data: await run(mode, step, prev), dims };
    }
    outputs['denoiser.edm_normal'] = { data: models.applyDenoiserScaling(x, outputs['denoiser.normal'].data, sigma), dims };
    s.endProfiling();
  }, { enableProfiling: true, profileFilePrefix: `${outFile}.denoiser-profile` });
  timings.denoiser.placement = await nodePlacement(outFile);

  const tensors = {};
  for (const [name, t] of Object.entries(outputs)) tensors[name] = { dtype: 'F32', shape: t.dims, data: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) };
  await writeFile(outFile, models.encodeSafetensors(tensors));
  return timings;
}

/**
 * Where ONNX Runtime ran the denoiser's nodes, from its profile of the golden calls: per execution provider, the
 * nodes, their share of kernel time and the op types. A provider lacking a kernel (or an input form of one) shows
 * as that op on the CPU provider inside a CUDA session.
 */
async function nodePlacement(outFile) {
  const dir = path.dirname(outFile);
  const prefix = `${path.basename(outFile)}.denoiser-profile`;
  const file = (await readdir(dir)).find((f) => f.startsWith(prefix));
  const events = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
  await rm(path.join(dir, file));
  const byProvider = {};
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const p = (byProvider[e.args.provider] ??= { nodes: new Set(), micros: 0, ops: {} });
    if (!p.nodes.has(e.args.node_index)) p.ops[e.args.op_name] = (p.ops[e.args.op_name] ?? 0) + 1;
    p.nodes.add(e.args.node_index);
    p.micros += e.dur;
    total += e.dur;
  }
  return Object.fromEntries(Object.entries(byProvider).map(([name, p]) => [name, { nodes: p.nodes.size, timeShare: p.micros / total, ops: p.ops }]));
}

/** The golden tensor each output is compared with. */
export async function goldenTargets(testing) {
  const fixtures = testing.lvcdTinyFixturesDir();
  const files = {};
  const targets = {};
  for (const [name, [file, key, slice]] of Object.entries(GOLDEN_OF)) {
    files[file] ??= await testing.loadGoldens(path.join(fixtures, `golden-${file}.safetensors`));
    const t = files[file][key];
    targets[name] = slice === 'first-frame' ? t.data.subarray(0, t.data.length / t.dims[0]) : t.data;
  }
  return targets;
}
