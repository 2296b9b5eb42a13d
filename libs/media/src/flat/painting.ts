import type { RgbImage } from '../frames/index.js';
import type { Segmentation } from './segmentation.js';

/**
 * The colour of each region as the per-channel median of `image` over the region's open paper (lines and
 * closed gaps excluded, so the ink does not darken the fill). Regions with no open paper use all their pixels.
 * Returns 3 bytes per label (index 0 unused).
 */
export function regionMedians(seg: Segmentation, image: RgbImage): Uint8Array {
  const hist = new Uint32Array((seg.count + 1) * 768);
  const samples = new Int32Array(seg.count + 1);
  const { labels, core } = seg;
  const d = image.data;
  for (let i = 0, p = 0; i < labels.length; i++, p += 3) {
    if (!core[i]) continue;
    const base = labels[i]! * 768;
    hist[base + d[p]!]!++;
    hist[base + 256 + d[p + 1]!]!++;
    hist[base + 512 + d[p + 2]!]!++;
    samples[labels[i]!]!++;
  }
  for (let i = 0, p = 0; i < labels.length; i++, p += 3) {
    const l = labels[i]!;
    if (samples[l]! > 0) continue; // this region had open paper to sample
    const base = l * 768;
    hist[base + d[p]!]!++;
    hist[base + 256 + d[p + 1]!]!++;
    hist[base + 512 + d[p + 2]!]!++;
  }
  const colours = new Uint8Array((seg.count + 1) * 3);
  for (let l = 1; l <= seg.count; l++) {
    for (let ch = 0; ch < 3; ch++) {
      const base = l * 768 + ch * 256;
      let total = 0;
      for (let v = 0; v < 256; v++) total += hist[base + v]!;
      let seen = 0;
      let v = 0;
      for (; v < 255; v++) {
        seen += hist[base + v]!;
        if (seen * 2 >= total) break;
      }
      colours[l * 3 + ch] = v;
    }
  }
  return colours;
}

/**
 * Paints each pixel with its region's colour, multiplied by the sketch's grey level: paper (255) keeps the
 * fill, lines darken it towards black, so the drawing stays visible and dark.
 */
export function paintRegions(seg: Segmentation, colours: Uint8Array, gray: Uint8Array): RgbImage {
  const data = new Uint8Array(seg.labels.length * 3);
  for (let i = 0, p = 0; i < seg.labels.length; i++, p += 3) {
    const c = seg.labels[i]! * 3;
    const ink = gray[i]!;
    data[p] = (colours[c]! * ink + 127) / 255;
    data[p + 1] = (colours[c + 1]! * ink + 127) / 255;
    data[p + 2] = (colours[c + 2]! * ink + 127) / 255;
  }
  return { width: seg.width, height: seg.height, data };
}
