import type { ClickHouseConnector } from '../traces/clickhouse/connection.js';

/** Where a command writes; tests pass buffers, main.ts passes the process streams. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Today's date (YYYY-MM-DD): the only clock the surfaces read. */
  today: string;
  /**
   * How `--clickhouse URL` is reached: over HTTP when absent (what users run); tests and the otel
   * bench pass chdb's in-process ClickHouse here, so the commands' own code runs on current ClickHouse.
   */
  clickhouse?: ClickHouseConnector;
}

/** Exit codes: 0 ok, 1 internal failure, 2 bad input (file, flag or an unpriceable route). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;

export class CliUsageError extends Error {}

/** Exit code of a check that ran and found a red flag (distinct from 2, bad input). */
export const EXIT_FLAGGED = 1;
