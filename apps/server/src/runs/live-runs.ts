import { Injectable } from '@nestjs/common';
import type { NodeState } from '../database/entities/index.js';

/**
 * Per-node state of the runs executing now, updated on every event (progress included) so a client that
 * subscribes mid-run gets the current picture; the database gets it at node end and run end.
 */
@Injectable()
export class LiveRuns {
  private readonly runs = new Map<string, Record<string, NodeState>>();

  start(runId: string, nodes: Record<string, NodeState>): Record<string, NodeState> {
    this.runs.set(runId, nodes);
    return nodes;
  }

  nodes(runId: string): Record<string, NodeState> | undefined {
    return this.runs.get(runId);
  }

  end(runId: string): void {
    this.runs.delete(runId);
  }
}
