/**
 * A media file the studio cannot use (corrupt, truncated, too large, wrong type). It carries the fix
 * separately so a node can name its own field and show "what is wrong; how to fix it".
 */
export class MediaError extends Error {
  override name = 'MediaError';
  constructor(
    message: string,
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
