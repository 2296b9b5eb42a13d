import { describe, expect, it } from 'vitest';
import { cancelledNotice } from './cancel-notice';

describe('cancelledNotice', () => {
  it("names the window and step of LVCD's progress, else the node's own count", () => {
    expect(cancelledNotice({ runId: 'r', node: 'lvcd', value: 29, max: 75, text: 'window 2/3, step 4/25 (cuda), resumed at window 2 of 3' })).toBe('Cancelled at window 2/3, step 4/25 of node #lvcd');
    expect(cancelledNotice({ runId: 'r', node: 'wait', value: 250, max: 1000, text: '250 ms' })).toBe('Cancelled at 250/1000 of node #wait');
    expect(cancelledNotice({ runId: 'r', node: 'load', value: 0, max: 0 })).toBe('Cancelled during node #load');
    expect(cancelledNotice(null)).toBe('Cancelled');
  });
});
