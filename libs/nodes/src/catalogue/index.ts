// Node-only: every built-in node type, data plus execute function.
import type { NodeType } from '../runtime/node-type.js';
import { NodeRegistry } from '../runtime/registry.js';
import { invertImage } from './image/invert-image.js';
import { loadImage } from './image/load-image.js';
import { saveImage } from './image/save-image.js';

export { imageLimits } from './limits.js';

export const builtinNodeTypes: readonly NodeType[] = [loadImage, invertImage, saveImage];

export function createBuiltinRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodeTypes);
}
