import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { describeProblem, planRun, validateWorkflow, type Problem } from '@lvcd/nodes';
import { estimateDocument, type DocumentEstimate } from '@lvcd/nodes/catalogue';
import { requireObject } from '../common/body.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';

/** What each costly node of a workflow would take, asked before queueing (docs/api.md). */
export interface PlanAnswer {
  nodes: DocumentEstimate[];
}

/**
 * POST /api/plan `{ document }`: the estimate of each node that declares one (LVCD Colorize and Sample: peak memory,
 * time, whether it fits this machine), computed without running anything but the bundle loaders (estimateDocument),
 * so the editor may ask as params change. A document that cannot be read, or whose LVCD nodes could not run as it
 * stands (an input unlinked, an asset missing), is a 400 with its problems.
 */
@Controller('api/plan')
export class PlanController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Post()
  @HttpCode(200)
  async plan(@Body() raw: unknown): Promise<PlanAnswer> {
    const body = requireObject(raw);
    const assetExists = (id: string) => this.runtime.assets.exists(id);
    const { registry } = this.runtime;
    const read = validateWorkflow(body['document'], { specs: registry.specs, assetExists });
    if (!read.document) throw invalid(read.problems);
    const targets = read.document.nodes.filter((n) => registry.get(n.type)?.estimate).map((n) => n.id);
    if (targets.length === 0) return { nodes: [] };
    const { plan, problems } = planRun(read.document, registry, { targets, assetExists });
    if (!plan) throw invalid(problems);
    return { nodes: await estimateDocument(plan, this.runtime, new AbortController().signal) };
  }
}

function invalid(problems: Problem[]): BadRequestException {
  return new BadRequestException({ message: `no estimate: ${problems.map(describeProblem).join('; ')}`, problems });
}
