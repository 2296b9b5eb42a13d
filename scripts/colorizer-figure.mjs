// Makes docs/colorizer-figure.png: one frame of the shared clip sample_1 as the truth, Flat Colorize, Flow
// Colorize and Copy Reference, side by side and labelled with their PSNR (paper protocol: 256x256 bicubic).
// Both colorizers run from frame 0 over the clip's classical lineart up to the frame shown.
// Needs a built libs/media (npx tsc -p libs/media/tsconfig.json).
// Usage: node scripts/colorizer-figure.mjs [frame]   (default 40; LVCD_SHARED_DIR overrides ../shared)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clipDir = join(process.env.LVCD_SHARED_DIR ?? resolve(repoRoot, '../shared'), 'fixtures/clips/sample_1');
const m = await import(join(repoRoot, 'libs/media/dist/index.js'));
const shown = Number(process.argv[2] ?? 40);

const reference = await m.decodeRgb(join(clipDir, '0.png'));
const lineart = new m.ClassicalLineart(reference.width, reference.height);
const flat = new m.FlatColorizer(reference);
const flow = await m.FlowColorizer.create(reference);
let panels;
for (let i = 0; i <= shown; i++) {
  const truth = await m.decodeRgb(join(clipDir, `${i}.png`));
  const sketch = lineart.extract(truth);
  const a = flat.colorize(sketch);
  const b = flow.colorize(sketch);
  if (i === shown) panels = [['Truth', truth], ['Flat Colorize', a], ['Flow Colorize', b], ['Copy Reference', reference]];
}
const small = (img) => m.resizeBicubic(img, 256, 256);
const truthSmall = small(panels[0][1]);
const { width: w, height: h } = reference;
const label = 28;
const composites = await Promise.all(
  panels.map(async ([name, img], k) => {
    const text = k === 0 ? `${name} (frame ${shown})` : `${name}: ${m.psnr(small(img), truthSmall).toFixed(2)} dB`;
    const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${label}"><rect width="100%" height="100%" fill="white"/><text x="8" y="20" font-family="sans-serif" font-size="18">${text}</text></svg>`);
    const png = await sharp(img.data, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
    return [{ input: svg, left: (k % 2) * w, top: Math.floor(k / 2) * (h + label) }, { input: png, left: (k % 2) * w, top: Math.floor(k / 2) * (h + label) + label }];
  }),
);
const file = join(repoRoot, 'docs/colorizer-figure.png');
await sharp({ create: { width: 2 * w, height: 2 * (h + label), channels: 3, background: 'white' } }).composite(composites.flat()).png().toFile(file);
console.log(`wrote ${file}`);
