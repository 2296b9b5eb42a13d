import type { SocketType } from '@lvcd/nodes';

// ComfyUI habit: every type has its own colour, on sockets and on the links that carry it.
const COLORS: Record<SocketType, string> = {
  IMAGE: '#64b5f6',
  FRAMES: '#81c784',
  SKETCHES: '#e0e0e0',
  LATENTS: '#ff80ab',
  LVCD_MODELS: '#b39ddb',
  METRICS: '#ffb74d',
};

export function socketColor(type: string | undefined): string {
  return (type && COLORS[type as SocketType]) || '#9e9e9e';
}
