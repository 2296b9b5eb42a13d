/**
 * Raised when a weight file cannot be read safely: truncated, malformed, lying about its own
 * layout, or asking the loader to run code. Carries the file so a user knows which input to fix.
 */
export class CheckpointFormatError extends Error {
  override readonly name = 'CheckpointFormatError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
