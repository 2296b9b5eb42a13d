import type { NodeRole, NodeSpec } from './types.js';
import type { WorkflowDocument, WorkflowNode } from './workflow.js';

/** The nodes of a document whose type has a role, in document order (unknown types have none). */
export function nodesWithRole(doc: WorkflowDocument, specs: ReadonlyMap<string, NodeSpec>, role: NodeRole): WorkflowNode[] {
  return doc.nodes.filter((n) => specs.get(n.type)?.roles?.includes(role));
}
