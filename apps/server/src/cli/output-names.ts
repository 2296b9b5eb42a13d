/** The file name an artefact gets in the --out folder: its own, or with the node id in front when two nodes share one. */
export function uniqueOutputName(taken: Set<string>, node: string, name: string): string {
  const unique = taken.has(name) ? `${node}-${name}` : name;
  taken.add(unique);
  return unique;
}
