// Where sockets sit inside their node, for drawing links: rete-render-utils' DOM measuring, done in batches.
import type { BaseSchemes } from 'rete';
import { BaseSocketPosition } from 'rete-render-utils';

type Side = 'input' | 'output';
type Position = { x: number; y: number };

interface Request {
  nodeId: string;
  side: Side;
  element: HTMLElement;
  done(position: Position | null): void;
}

/**
 * Gives the positions `DOMSocketPosition` gives (a socket's centre in its node, 12 px outwards), but measures every
 * socket rendered in one task together, after that task. Measured one by one, each socket forced a layout of a
 * canvas that had just grown by a node: opening a 300-node workflow spent seconds there.
 */
export class BatchedSocketPosition<Schemes extends BaseSchemes, K> extends BaseSocketPosition<Schemes, K> {
  private queue: Request[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  calculatePosition(nodeId: string, side: Side, _key: string, element: HTMLElement): Promise<Position | null> {
    return new Promise((done) => {
      this.queue.push({ nodeId, side, element, done });
      this.timer ??= setTimeout(() => this.measure(), 0);
    });
  }

  private measure(): void {
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    // Every read before any answer: answering moves links (DOM writes), which would force a layout per read again.
    const answers: Array<[Request, Position | null]> = [];
    for (const request of batch) {
      const { element } = request;
      // Not laid out yet (the library waits for this too); detached for good has no position to wait for.
      if (!element.offsetParent) {
        if (element.isConnected) this.queue.push(request);
        else answers.push([request, null]);
        continue;
      }
      const node = this.area?.nodeViews.get(request.nodeId)?.element;
      answers.push([request, node ? this.centreIn(element, node, request.side) : null]);
    }
    if (this.queue.length) this.timer = setTimeout(() => this.measure(), 0);
    for (const [request, position] of answers) request.done(position);
  }

  /** As rete-render-utils' `getElementCenter`, shifted as `DOMSocketPosition` does by default. */
  private centreIn(child: HTMLElement, parent: HTMLElement, side: Side): Position {
    let x = child.offsetLeft;
    let y = child.offsetTop;
    let current = child.offsetParent as HTMLElement | null;
    while (current !== null && current !== parent) {
      x += current.offsetLeft + current.clientLeft;
      y += current.offsetTop + current.clientTop;
      current = current.offsetParent as HTMLElement | null;
    }
    return { x: x + child.offsetWidth / 2 + (side === 'input' ? -12 : 12), y: y + child.offsetHeight / 2 };
  }
}
