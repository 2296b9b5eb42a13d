import { AssetEntity } from './asset.entity.js';
import { RunArtifactEntity } from './run-artifact.entity.js';
import { RunEntity } from './run.entity.js';
import { SeededWorkflowEntity } from './seeded-workflow.entity.js';
import { WorkflowVersionEntity } from './workflow-version.entity.js';
import { WorkflowEntity } from './workflow.entity.js';

export { AssetEntity, RunArtifactEntity, RunEntity, SeededWorkflowEntity, WorkflowEntity, WorkflowVersionEntity };
export type { NodeState, NodeStatus, RunStatus } from './run.entity.js';

export const ENTITIES = [WorkflowEntity, WorkflowVersionEntity, RunEntity, RunArtifactEntity, AssetEntity, SeededWorkflowEntity];
