// What the toast says when a run the user cancelled has stopped: where it stopped, from its last progress, so a
// long LVCD run shows that the cancel took effect at the next step rather than running on.

/** The last progress the shown run reported, with the node that reported it. */
export interface LastProgress {
  runId: string;
  node: string;
  value: number;
  max: number;
  text?: string;
}

/** LVCD's progress text: "window 2/3, step 4/25 (cpu), …" (libs/nodes samplingReporter). */
const WINDOW_STEP = /window (\d+)\/(\d+), step (\d+)\/(\d+)/;

/** The node as its canvas title bar shows its id (`#lvcd`), which the run store knows without the document. */
export function cancelledNotice(last: LastProgress | null): string {
  if (!last) return 'Cancelled';
  const node = `node #${last.node}`;
  const where = WINDOW_STEP.exec(last.text ?? '');
  if (where) return `Cancelled at window ${where[1]}/${where[2]}, step ${where[3]}/${where[4]} of ${node}`;
  if (last.max > 0) return `Cancelled at ${last.value}/${last.max} of ${node}`;
  return `Cancelled during ${node}`;
}
