import { describeProblem, type NodeSpec, type Problem } from '@lvcd/nodes';

/**
 * A problem as the command line prints it. The catalogue's fixes for asset params speak of the studio's asset
 * picker; from a terminal the way in is `--set` with a file path, so those fixes say that instead.
 */
export function cliProblemText(problem: Problem, document: unknown, specs: ReadonlyMap<string, NodeSpec>): string {
  return `[${problem.code}] ${describeProblem(isAssetProblem(problem, document, specs) ? { ...problem, fix: cliAssetFix(problem) } : problem)}`;
}

function cliAssetFix(p: Problem): string {
  return `give the file: lvcd run WORKFLOW --set ${p.node}.${p.param}=PATH, or lvcd assets add PATH and put the id it prints in the workflow`;
}

function isAssetProblem(p: Problem, document: unknown, specs: ReadonlyMap<string, NodeSpec>): boolean {
  if ((p.code !== 'bad-param' && p.code !== 'unknown-asset') || !p.node || !p.param) return false;
  const nodes = typeof document === 'object' && document !== null ? (document as { nodes?: unknown }).nodes : undefined;
  const node = Array.isArray(nodes) ? (nodes as { id?: unknown; type?: unknown }[]).find((n) => n?.id === p.node) : undefined;
  const spec = typeof node?.type === 'string' ? specs.get(node.type) : undefined;
  return spec?.params.find((s) => s.name === p.param)?.schema.kind === 'asset';
}
