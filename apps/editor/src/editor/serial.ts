// Canvas edits run one after another. Each is a chain of awaited Rete calls; two interleaved (opening a workflow
// while another opens, an undo during a paste, a dropped link during a load) would both act on the same snapshot
// of the graph: the same node added twice, a link added twice, a removal of what the other just removed.
export type Serial = <T>(edit: () => Promise<T>) => Promise<T>;

export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(edit: () => Promise<T>): Promise<T> => {
    const run = tail.then(edit);
    tail = run.catch(() => undefined); // a failed edit is its caller's to handle; the next one still runs
    return run;
  };
}
