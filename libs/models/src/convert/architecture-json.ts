import { networkConfigFromJson } from '../networks/unet/config.js';
import type { ArchitectureOptions } from './bundle-graphs.js';

export class ArchitectureConfigError extends Error {
  override name = 'ArchitectureConfigError';
}

/**
 * Architecture options from a config file in the shape of the fixtures' tiny-config.json (the original's
 * yaml sections as JSON: `unet`, `controlnet`, `clip.vision_cfg.head_width`). Only checkpoints that are not
 * the released model's size need one; the released model's architecture is inferred.
 */
export function architectureFromConfigJson(json: unknown): ArchitectureOptions {
  const root = json as { unet?: unknown; controlnet?: unknown; clip?: { vision_cfg?: { head_width?: unknown } } } | null;
  if (typeof root !== 'object' || root === null) throw new ArchitectureConfigError('the architecture config must be a JSON object');
  const headWidth = root.clip?.vision_cfg?.head_width;
  if (headWidth !== undefined && !(Number.isInteger(headWidth) && (headWidth as number) > 0)) {
    throw new ArchitectureConfigError('clip.vision_cfg.head_width must be a whole number > 0');
  }
  if ((root.unet === undefined) !== (root.controlnet === undefined)) throw new ArchitectureConfigError('give both the unet and the controlnet sections, or neither');
  return {
    ...(headWidth !== undefined ? { clipHeadWidth: headWidth as number } : {}),
    ...(root.unet ? { network: networkConfigFromJson(root as Parameters<typeof networkConfigFromJson>[0]) } : {}),
  };
}
