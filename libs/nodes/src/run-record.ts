// The reproducibility record of a run (`run.json`, written by the executor for every run): what ran, on what, with
// which seeds, inputs and model files. Browser-safe, so the editor reads the same shape the executor writes.
import type { WorkflowDocument } from './workflow.js';

export const RUN_RECORD_FORMAT = 'lvcd-run-record';
export const RUN_RECORD_VERSION = 1;
export const RUN_RECORD_FILE = 'run.json';
/** The `node` of the record's artefact: it belongs to the run, not to one of its nodes. */
export const RUN_RECORD_NODE = '';

/** A model bundle as a run used it: its folder and the manifest's identity of the weights in it. */
export interface RecordedBundle {
  /** Folder name inside the models dir. */
  folder: string;
  /** Precision and every model file's hashes in one (`bundleContentHash`): equal hashes, equal weights. */
  contentHash: string;
  converter: string;
  formatVersion: number;
  precision: 'fp32' | 'fp16' | 'fp16-compute';
  createdAt: string;
  models: Record<string, { sha256: string; dataSha256: string }>;
  /** The checkpoints it was converted from. */
  sources: Record<string, { fileName: string; sha256: string }>;
}

/** Where a node's networks ran, as the node reported it when it produced its outputs. */
export interface RecordedRuntime {
  engine: 'onnxruntime-node';
  version: string;
  /** Where the bulk of the work ran (the denoiser's provider). */
  provider: 'cuda' | 'cpu';
  /** Per model, where it ran. */
  providers: Record<string, 'cuda' | 'cpu'>;
  sessionOptions: Record<string, unknown>;
  precision: 'fp32' | 'fp16' | 'fp16-compute';
}

/** What a node says about what produced its outputs, beyond its params and inputs. */
export interface NodeProvenance {
  bundle?: RecordedBundle;
  runtime?: RecordedRuntime;
}

export interface RecordedNode {
  type: string;
  /** The node type's version: a new version may give other outputs for the same params. */
  version: number;
  status: 'done' | 'cached' | 'bypassed' | 'failed' | 'cancelled' | 'not reached';
  /** Every param as the node ran with it (defaults filled in). */
  params: Record<string, unknown>;
  provenance?: NodeProvenance;
}

export interface RecordedSeed {
  node: string;
  param: string;
  value: number;
}

/** An asset a param names: asset params are the sha256 of the file's bytes. */
export interface RecordedAsset {
  node: string;
  param: string;
  sha256: string;
  name?: string;
  size?: number;
}

export interface MachineFacts {
  platform: string;
  arch: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  /** GPUs as nvidia-smi lists them; empty where there is none (or no nvidia-smi). */
  gpus: { name: string; driver: string; memoryMiB?: number }[];
  node: string;
}

export interface RunRecord {
  format: typeof RUN_RECORD_FORMAT;
  formatVersion: typeof RUN_RECORD_VERSION;
  createdAt: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** sha256 of the workflow document as canonical JSON (sorted keys). */
  workflowHash: string;
  document: WorkflowDocument;
  targets: string[];
  /** Every node the run needed, in execution order. */
  nodes: Record<string, RecordedNode>;
  /** Every seed a node that ran (or whose cached output was used) drew its noise from. */
  seeds: RecordedSeed[];
  inputs: RecordedAsset[];
  /** Model bundles by the id of the node that loaded them. */
  bundles: Record<string, RecordedBundle>;
  /** The runtime of nodes that ran networks, by node id. */
  runtimes: Record<string, RecordedRuntime>;
  /** The onnxruntime-node version of the process that executed the run. */
  onnxRuntime: string;
  machine: MachineFacts;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed run.json checked for the fields readers rely on; throws naming what is wrong. */
export function parseRunRecord(json: unknown): RunRecord {
  if (!isObject(json) || json['format'] !== RUN_RECORD_FORMAT) throw new Error(`not a run record (format must be "${RUN_RECORD_FORMAT}")`);
  if (json['formatVersion'] !== RUN_RECORD_VERSION) throw new Error(`run record version ${String(json['formatVersion'])} is not ${RUN_RECORD_VERSION}; this studio reads version ${RUN_RECORD_VERSION}`);
  for (const key of ['nodes', 'bundles', 'runtimes', 'machine', 'document']) {
    if (!isObject(json[key])) throw new Error(`the run record has no "${key}" object`);
  }
  for (const key of ['seeds', 'inputs', 'targets']) {
    if (!Array.isArray(json[key])) throw new Error(`the run record has no "${key}" list`);
  }
  if (typeof json['workflowHash'] !== 'string' || typeof json['onnxRuntime'] !== 'string') throw new Error('the run record has no workflowHash or onnxRuntime');
  return json as unknown as RunRecord;
}
