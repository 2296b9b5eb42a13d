// GET /api/reproducibility (docs/api.md): what the server would run with now, for the run detail's rerun warning.
// Kept beside the shared client until that client grows the call; same error shape.
import type { ReproducibilityState } from '@lvcd/nodes';
import { ApiError } from './client';

export async function fetchReproducibility(base = ''): Promise<ReproducibilityState> {
  let res: Response;
  try {
    res = await fetch(`${base}/api/reproducibility`);
  } catch (e) {
    throw new ApiError(`cannot reach the server (${(e as Error).message})`, 0);
  }
  if (!res.ok) throw new ApiError(`GET /api/reproducibility failed with ${res.status}`, res.status);
  return (await res.json()) as ReproducibilityState;
}
