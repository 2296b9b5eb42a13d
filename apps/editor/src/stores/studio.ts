// The app's stores as one instance: created once per app (and once per test), provided to the shell and to the
// per-node Vue apps Rete mounts, so no store state lives at module level.
import { inject, type App, type InjectionKey, type Plugin } from 'vue';
import { createApiClient, type ApiClient } from '../api/client';
import { createBatch } from '../batch/batch-store';
import { createSequenceReplay } from '../outputs/sequence-replay';
import { createRunSocket, type RunSocket } from '../api/run-socket';
import { createAssets } from './assets';
import { createCatalogue } from './catalogue';
import { createNodeRuntime } from './node-runtime';
import { createPlanEstimates } from './plan-estimates';
import { createRuns } from './runs';
import { createToasts } from './toasts';
import { createWorkers } from '../workers/workers-store';
import { createWorkflow } from './workflow';

export interface StudioOptions {
  api?: ApiClient;
  socket?: RunSocket;
}

export function createStudio(options: StudioOptions = {}) {
  const api = options.api ?? createApiClient();
  const socket = options.socket ?? createRunSocket();
  const toasts = createToasts();
  const { notify } = toasts;
  const catalogue = createCatalogue(api);
  const assets = createAssets(api);
  const runtime = createNodeRuntime();
  // Replay reads the links of the document shown: the workflow store, made next, holds it (the call comes later).
  const replay = createSequenceReplay(api, runtime, () => workflow.doc.value.links);
  const runs = createRuns({ api, socket, runtime, notify, replay });
  const workflow = createWorkflow({ api, catalogue, runtime, leaveRun: runs.leave, notify });
  const estimates = createPlanEstimates({ api, doc: workflow.doc });
  const batch = createBatch({ api, runs, specs: () => catalogue.specMap.value });
  const workers = createWorkers({ api });
  return { api, socket, toasts, notify, catalogue, assets, runtime, runs, workflow, estimates, batch, workers };
}

export type Studio = ReturnType<typeof createStudio>;

const STUDIO: InjectionKey<Studio> = Symbol('studio');

/** `app.use(studioPlugin(studio))`: every component of that app finds the studio with `useStudio()`. */
export function studioPlugin(studio: Studio): Plugin {
  return { install: (app: App) => void app.provide(STUDIO, studio) };
}

export function useStudio(): Studio {
  const studio = inject(STUDIO, null);
  if (!studio) throw new Error('useStudio() outside an app that installed studioPlugin');
  return studio;
}
