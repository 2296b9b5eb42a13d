import type { InputSpec, NodeSpec, OutputSpec, ParamSchema, ParamSpec } from '../types.js';
import type { NodeProvenance } from '../run-record.js';
import type { Artifact, ExecuteContext, FrameShape, NodeEstimate, NodeType } from './node-type.js';
import type { FramesValue, ImageValue, LatentsValue, MetricsValue, ModelBundleValue } from './values.js';

/** The run-time value each socket type carries; the executor checks every input against it before a node runs. */
export interface SocketValues {
  IMAGE: ImageValue;
  FRAMES: FramesValue;
  SKETCHES: FramesValue;
  LATENTS: LatentsValue;
  LVCD_MODELS: ModelBundleValue;
  METRICS: MetricsValue;
}

/** The resolved value of one param, from its schema (enums keep their literal options). */
export type ParamValueOf<S extends ParamSchema> = S extends { kind: 'number' | 'integer' | 'seed' }
  ? number
  : S extends { kind: 'enum'; options: readonly (infer O extends string)[] }
    ? O
    : S extends { kind: 'boolean' }
      ? boolean
      : S extends { kind: 'string' }
        ? string
        : S extends { kind: 'asset'; optional: true }
          ? string | null
          : S extends { kind: 'asset' }
            ? string
            : never;

export type ParamsOf<P extends readonly ParamSpec[]> = { readonly [S in P[number] as S['name']]: ParamValueOf<S['schema']> };

/** Required inputs are always linked (validation) and of their socket's kind (the executor), so they are never undefined. */
export type InputsOf<I extends readonly InputSpec[]> = {
  readonly [S in I[number] as S['name']]: S extends { optional: true } ? SocketValues[S['type']] | undefined : SocketValues[S['type']];
};

/** What an estimate gets: frame sequences may be their shape alone (they are not made before a run). */
type EstimateValue<T extends keyof SocketValues> = T extends 'FRAMES' | 'SKETCHES' ? FrameShape : SocketValues[T];
export type EstimateInputsOf<I extends readonly InputSpec[]> = {
  readonly [S in I[number] as S['name']]: S extends { optional: true } ? EstimateValue<S['type']> | undefined : EstimateValue<S['type']>;
};

export type OutputsOf<O extends readonly OutputSpec[]> = { [S in O[number] as S['name']]: SocketValues[S['type']] };

export type TypedContext<I extends readonly InputSpec[], P extends readonly ParamSpec[]> = Omit<ExecuteContext, 'params' | 'inputs'> & {
  params: ParamsOf<P>;
  inputs: InputsOf<I>;
};

/** What a fingerprint may look at: the node's resolved params and inputs, and the folders it reads from. */
export type FingerprintContext<I extends readonly InputSpec[], P extends readonly ParamSpec[]> = Pick<TypedContext<I, P>, 'params' | 'inputs' | 'modelsDir' | 'assets'>;

export interface NodeDefinition<I extends readonly InputSpec[], O extends readonly OutputSpec[], P extends readonly ParamSpec[]>
  extends Omit<NodeSpec, 'inputs' | 'outputs' | 'params'> {
  inputs: I;
  outputs: O;
  params: P;
  /**
   * Facts outside the params and inputs that change the outputs (the content of model files a param names),
   * folded into the node's cache key so a changed file is never answered from the cache.
   */
  fingerprint?(ctx: FingerprintContext<I, P>): Promise<string> | string;
  /**
   * What produced the outputs beyond params and inputs (the model files, where networks ran), for the run's
   * record; asked for fresh and cached outputs alike, so it reads what the outputs and artefacts say.
   */
  provenance?(ctx: { params: ParamsOf<P>; outputs: OutputsOf<O>; artifacts: readonly Artifact[] }): Promise<NodeProvenance | undefined> | NodeProvenance | undefined;
  /** What a run will cost (memory, time), from the inputs it would get; for nodes whose cost is worth knowing first. */
  estimate?(ctx: Pick<TypedContext<I, P>, 'params' | 'modelsDir'> & { inputs: EstimateInputsOf<I> }): Promise<NodeEstimate>;
  execute(ctx: TypedContext<I, P>): Promise<OutputsOf<O>>;
}

/**
 * A node type from its schemas: params and inputs are typed from the specs (declare them `as const` or inline),
 * so execute functions read `ctx.params.steps` as a number and `ctx.inputs.sketches` as frames without casts.
 * The one widening to the registry's untyped NodeType happens here; the executor's input check makes it sound.
 */
export function defineNode<const I extends readonly InputSpec[], const O extends readonly OutputSpec[], const P extends readonly ParamSpec[]>(
  definition: NodeDefinition<I, O, P>,
): NodeType {
  return definition as unknown as NodeType;
}
