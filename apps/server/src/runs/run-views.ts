import type { ArtifactView, RunError, RunSummary } from '@lvcd/nodes';
import type { RunArtifactEntity, RunEntity } from '../database/entities/index.js';

export type { ArtifactView, RunDetail, RunError, RunSummary } from '@lvcd/nodes';

export function artifactView(a: Omit<RunArtifactEntity, 'seq'>): ArtifactView {
  return {
    id: a.id,
    node: a.node,
    name: a.name,
    mime: a.mime,
    kind: a.kind,
    size: a.size,
    ...(a.meta ? { meta: JSON.parse(a.meta) as Record<string, unknown> } : {}),
  };
}

export function runSummary(run: RunEntity, thumbnail?: ArtifactView): RunSummary {
  const summary: RunSummary = { id: run.id, status: run.status, createdAt: new Date(run.createdAt).toISOString() };
  if (run.workflowId) summary.workflowId = run.workflowId;
  if (run.workflowName) summary.workflowName = run.workflowName;
  if (run.startedAt !== null) summary.startedAt = new Date(run.startedAt).toISOString();
  if (run.finishedAt !== null) summary.finishedAt = new Date(run.finishedAt).toISOString();
  if (run.startedAt !== null && run.finishedAt !== null) summary.durationMs = run.finishedAt - run.startedAt;
  if (run.error) summary.error = JSON.parse(run.error) as RunError;
  if (thumbnail) summary.thumbnail = thumbnail.id;
  if (thumbnail?.mime.startsWith('video/')) summary.thumbnailKind = 'video';
  return summary;
}

/** The first image a run produced, as its thumbnail in history lists; else its first video, whose frame the list shows. */
export function thumbnailOf(artifacts: readonly ArtifactView[]): ArtifactView | undefined {
  return artifacts.find((a) => a.mime.startsWith('image/')) ?? artifacts.find((a) => a.mime.startsWith('video/'));
}
