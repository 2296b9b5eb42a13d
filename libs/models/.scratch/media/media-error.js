/**
 * A media file the studio cannot use (corrupt, truncated, too large, wrong type). It carries the fix
 * separately so a node can name its own field and show "what is wrong; how to fix it".
 */
export class MediaError extends Error {
    fix;
    name = 'MediaError';
    constructor(message, fix) {
        super(message);
        this.fix = fix;
    }
}
