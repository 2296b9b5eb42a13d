import { architectureFromConfigJson, BUNDLE_PRECISIONS, convertBundle, UnknownClipWidthError, type ArchitectureOptions, type ConversionProgress, type WeightPrecision } from '@lvcd/models';
import { readFile } from 'node:fs/promises';
import { parse } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { bar, formatMs } from '../progress.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert the LVCD checkpoints (svd.safetensors, lvcd.ckpt, sk_model.pth) into an ONNX model bundle',
  usage: 'lvcd convert --svd svd.safetensors --lvcd lvcd.ckpt [--lineart sk_model.pth] --out DIR [--precision fp32|fp16|fp16-compute] [--fp16] [--width 576 --height 320] [--config ARCH.json]',
  async run(args) {
    const { values, positionals } = parse(args, {
      svd: { type: 'string' },
      lvcd: { type: 'string' },
      lineart: { type: 'string' },
      out: { type: 'string' },
      // fp32 (default); fp16: fp16 weights, float32 compute (runs anywhere); fp16-compute: fp16 compute too (CUDA only).
      precision: { type: 'string' },
      // The old flag, kept: --precision fp16 (fp16 storage, float32 compute).
      fp16: { type: 'boolean' },
      // A bundle serves one frame size: the CLIP graph's preprocessing (resize, blur) is built for it.
      width: { type: 'string' },
      height: { type: 'string' },
      // Only for checkpoints that are not the released model's size (e.g. the tiny test checkpoints).
      config: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (!values.svd || !values.lvcd || !values.out) throw new UsageError('--svd, --lvcd and --out are required');
    const precision = precisionOf(values.precision, values.fp16);
    const architecture = values.config ? await readArchitecture(values.config) : {};
    const frame = frameSize(values.width, values.height);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    try {
      const result = await convertBundle(
        { svd: values.svd, lvcd: values.lvcd, outDir: values.out, ...(values.lineart ? { lineart: values.lineart } : {}), precision, ...(frame ? { frame } : {}), ...architecture },
        (p) => report(p),
        controller.signal,
      );
      finishLine();
      const models = Object.keys(result.manifest.models).join(', ');
      console.log(`wrote ${models} to ${result.outDir} in ${formatMs(result.seconds * 1000)} (peak memory ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB)`);
      return EXIT.ok;
    } catch (e) {
      finishLine();
      if (controller.signal.aborted) {
        console.error('conversion cancelled; the bundle is incomplete (it has no manifest.json) and will not load');
        return EXIT.interrupted;
      }
      const hint = e instanceof UnknownClipWidthError ? '; pass --config ARCH.json with it (for the tiny test checkpoints: --config ../shared/fixtures/lvcd-tiny/tiny-config.json)' : '';
      console.error(`conversion failed: ${(e as Error).message}${hint}`);
      return EXIT.failed;
    } finally {
      process.off('SIGINT', stop);
    }
  },
};

let lineOpen = false;

function report(p: ConversionProgress): void {
  const text = `${bar(p.fraction)} ${Math.round(p.fraction * 100)}% ${p.message}`;
  if (process.stdout.isTTY) {
    process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns ?? 80) - 1)}`);
    lineOpen = true;
  } else if (p.stage !== 'converting' || p.fraction === 1) {
    console.log(text);
  }
}

function finishLine(): void {
  if (lineOpen) process.stdout.write('\n');
  lineOpen = false;
}

async function readArchitecture(file: string): Promise<ArchitectureOptions> {
  try {
    return architectureFromConfigJson(JSON.parse(await readFile(file, 'utf8')));
  } catch (e) {
    throw new UsageError(`--config ${file}: ${(e as Error).message}`);
  }
}

/** --precision, or --fp16 (its old spelling for fp16 storage); both only when they agree. */
function precisionOf(precision: string | undefined, fp16: boolean | undefined): WeightPrecision {
  if (precision !== undefined && !BUNDLE_PRECISIONS.includes(precision as WeightPrecision)) {
    throw new UsageError(`--precision must be one of ${BUNDLE_PRECISIONS.join(', ')}, got ${precision}`);
  }
  if (fp16 && precision !== undefined && precision !== 'fp16') throw new UsageError(`--fp16 means --precision fp16 (fp16 weights, float32 compute); it contradicts --precision ${precision}`);
  return (precision as WeightPrecision | undefined) ?? (fp16 ? 'fp16' : 'fp32');
}

/** The frame size to build the bundle for: both or neither of --width and --height, multiples of 64. */
function frameSize(width: string | undefined, height: string | undefined): { width: number; height: number } | undefined {
  if (width === undefined && height === undefined) return undefined;
  const w = Number(width);
  const h = Number(height);
  for (const [flag, v] of [['--width', w], ['--height', h]] as const) {
    if (!Number.isInteger(v) || v < 64 || v > 4096 || v % 64 !== 0) throw new UsageError(`${flag} must be a multiple of 64 between 64 and 4096 (LVCD's default is 576x320), got ${flag === '--width' ? width : height}`);
  }
  return { width: w, height: h };
}
