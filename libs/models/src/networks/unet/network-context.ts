import type { GraphBuilder, Tensor } from '../../onnx/index.js';
import type { VideoUNetConfig } from './config.js';
import type { ReferenceAttentionTensors } from './reference-attention.js';

/** What every block of one network (UNet or ControlNet) needs besides its input. */
export interface NetworkContext {
  readonly b: GraphBuilder;
  readonly config: VideoUNetConfig;
  /** (T, time_embed_dim): timestep + label embedding of this network. */
  readonly emb: Tensor;
  /** (T, 1, context_dim) */
  readonly context: Tensor;
  readonly reference: ReferenceAttentionTensors;
  /** Frames per reference-attention chunk (undefined: all frames at once). */
  readonly attentionFrameGroup: number | undefined;
  /** Hands out this network's next reference-attention layer flag index (module order). */
  nextReferenceLayer(): number;
  /** Debug hook: sees a block output under its golden name (`<block>`, e.g. `input_blocks.3`). */
  tap(block: string, value: Tensor): void;
}

/** A counter over [offset, offset + count) that fails loudly if the network has more layers than planned. */
export function referenceLayerCounter(offset: number, count: number, network: string): () => number {
  let next = 0;
  return () => {
    if (next >= count) throw new RangeError(`${network} has more than ${count} reference-attention layers`);
    return offset + next++;
  };
}
