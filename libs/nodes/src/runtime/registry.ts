import type { NodeSpec } from '../types.js';
import { specOf, type NodeType } from './node-type.js';

/** The node types a server or CLI offers, looked up by type id. */
export class NodeRegistry {
  private readonly types = new Map<string, NodeType>();
  readonly specs = new Map<string, NodeSpec>();

  constructor(types: readonly NodeType[]) {
    for (const t of types) {
      if (this.types.has(t.type)) throw new Error(`node type ${t.type} is registered twice`);
      this.types.set(t.type, t);
      this.specs.set(t.type, specOf(t));
    }
  }

  get(type: string): NodeType | undefined {
    return this.types.get(type);
  }

  list(): NodeSpec[] {
    return [...this.specs.values()];
  }
}
