import { Initial1730000000000 } from './1730000000000-initial.js';
import { SeededWorkflows1733000000000 } from './1733000000000-seeded-workflows.js';
import { RunAttempts1733100000000 } from './1733100000000-run-attempts.js';

/** Every migration in order; imported rather than globbed so the bundle and the tests see the same list. */
export const MIGRATIONS = [Initial1730000000000, SeededWorkflows1733000000000, RunAttempts1733100000000];
