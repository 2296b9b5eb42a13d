import type { ColumnOptions } from 'typeorm';

/**
 * Epoch milliseconds and byte counts outgrow Postgres' 32-bit `integer` (SQLite's integer is always 64-bit),
 * so they are `bigint`. The pg driver returns int8 as a string, to lose nothing past 2^53; these values stay
 * far below that, so they come back as numbers, as they do from SQLite.
 */
export const BIG_INTEGER = {
  type: 'bigint',
  transformer: {
    to: (value: number | null | undefined) => value,
    from: (value: string | number | null) => (value === null ? null : Number(value)),
  },
} satisfies ColumnOptions;
