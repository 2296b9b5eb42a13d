// How long the clip reaching a node is, when the editor knows it: the frame count the node feeding its FRAMES
// input reported in the run shown (its previews carry the clip's length). Frame-number params are bounded by it.
import type { ParamSchema } from '@lvcd/nodes';
import { computed, type ComputedRef } from 'vue';
import { useStudio } from '../../stores/studio';

export function useClipLength(nodeId: () => string | undefined): ComputedRef<number | undefined> {
  const { workflow, catalogue, runtime } = useStudio();
  return computed(() => {
    const id = nodeId();
    if (id === undefined) return undefined;
    const doc = workflow.doc.value;
    const type = doc.nodes.find((n) => n.id === id)?.type;
    const input = type ? catalogue.specMap.value.get(type)?.inputs.find((i) => i.type === 'FRAMES') : undefined;
    const link = input ? doc.links.find((l) => l.to.node === id && l.to.input === input.name) : undefined;
    return link ? runtime.nodeRuntime(link.from.node).frameCount : undefined;
  });
}

/** The top of a frame-number param for a clip of `length` frames: its last frame for an index, its length for an end. */
export function frameLimit(schema: ParamSchema, length: number | undefined): { max: number; reason: string } | undefined {
  if (schema.kind !== 'integer' || !schema.frames || !length) return undefined;
  return schema.frames === 'index' ? { max: length - 1, reason: `the clip's last frame` } : { max: length, reason: `the clip's end` };
}
