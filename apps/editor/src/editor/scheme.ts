// The Rete side of a workflow: node and connection classes. Nothing outside editor/ sees these.
import type { NodeSpec, NodeUi, ParamValue, SeedControl, SocketType } from '@lvcd/nodes';
import { ClassicPreset, type GetSchemes } from 'rete';
import type { MinimapExtra } from 'rete-minimap-plugin';
import type { VueArea2D } from 'rete-vue-plugin';
import { reactive } from 'vue';
import { estimateNodeHeight, NODE_WIDTH } from './layout';

const sockets = new Map<SocketType, ClassicPreset.Socket>();
/** One socket object per type: its name is the type, which the socket view colours by. */
export function socketFor(type: SocketType): ClassicPreset.Socket {
  let s = sockets.get(type);
  if (!s) sockets.set(type, (s = new ClassicPreset.Socket(type)));
  return s;
}

/** What a node view edits and shows; reactive so widgets update across the per-node Vue apps Rete creates. */
export interface NodeEditState {
  params: Record<string, ParamValue>;
  bypass: boolean;
  title?: string;
  /** Set by the user's resize; absent means NODE_WIDTH. */
  width?: number;
  collapsed?: boolean;
  /** Seed params' control after run (ComfyUI's), those other than fixed. */
  afterRun?: Record<string, Exclude<SeedControl, 'fixed'>>;
}

export class LNode extends ClassicPreset.Node {
  // Auto-arrange and the minimap need sizes; the view measures itself and corrects the estimate.
  width = NODE_WIDTH;
  height: number;
  readonly state: NodeEditState;

  constructor(
    id: string,
    readonly spec: NodeSpec,
    params: Record<string, ParamValue>,
    bypass = false,
    title?: string,
    ui: NodeUi = {},
  ) {
    super(title ?? spec.title);
    this.id = id;
    for (const input of spec.inputs) this.addInput(input.name, new ClassicPreset.Input(socketFor(input.type), input.label ?? input.name));
    for (const output of spec.outputs) this.addOutput(output.name, new ClassicPreset.Output(socketFor(output.type), output.label ?? output.name));
    this.state = reactive({ params: { ...params }, bypass, ...(title ? { title } : {}), ...ui });
    this.width = ui.width ?? NODE_WIDTH;
    this.height = estimateNodeHeight(spec);
  }
}

export class LConnection extends ClassicPreset.Connection<LNode, LNode> {
  /** The type the link carries, for its colour. */
  readonly type: SocketType | undefined;

  constructor(source: LNode, output: string, target: LNode, input: string) {
    super(source, output, target, input);
    this.type = source.spec.outputs.find((o) => o.name === output)?.type;
  }
}

export type Schemes = GetSchemes<LNode, LConnection>;
/** What the area renders besides nodes and connections. */
export type AreaExtra = VueArea2D<Schemes> | MinimapExtra;
