import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

describe('loadConfig', () => {
  it('keeps optimised graphs unless LVCD_GRAPH_CACHE is off, and names the variable and its values for anything else', () => {
    expect(loadConfig({}).graphCache).toBe(true);
    expect(loadConfig({ LVCD_GRAPH_CACHE: '' }).graphCache).toBe(true);
    expect(loadConfig({ LVCD_GRAPH_CACHE: 'on' }).graphCache).toBe(true);
    expect(loadConfig({ LVCD_GRAPH_CACHE: 'off' }).graphCache).toBe(false);
    expect(() => loadConfig({ LVCD_GRAPH_CACHE: 'no' })).toThrow(new ConfigError('LVCD_GRAPH_CACHE must be "on" or "off" (unset means on), not "no"'));
  });
});
