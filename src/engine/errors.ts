/**
 * Errors the engine raises for inputs it cannot turn into a number. Surfaces map `field` back to
 * a file and line; nothing here knows about files.
 */
export type ErrorCode = 'invalid_input' | 'missing_price' | 'unknown_route' | 'over_capacity';

export class RoutefitError extends Error {
  readonly code: ErrorCode;
  /** Dotted path of the offending input, in the engine's camelCase (e.g. `qualityPassRate`). */
  readonly field: string | undefined;
  /** Human-readable allowed range, e.g. "0 < value ≤ 1". */
  readonly allowed: string | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; allowed?: string } = {}) {
    super(message);
    this.name = 'RoutefitError';
    this.code = code;
    this.field = opts.field;
    this.allowed = opts.allowed;
  }
}

interface Range {
  min?: number;
  max?: number;
  /** true: min itself is not allowed. */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

export function describeRange(r: Range): string {
  const lo = r.min === undefined ? '' : `${r.min} ${r.minExclusive ? '<' : '≤'} `;
  const hi = r.max === undefined ? '' : ` ${r.maxExclusive ? '<' : '≤'} ${r.max}`;
  return `${lo}value${hi}`;
}

/** Throws unless `value` is a finite number inside the range. */
export function requireInRange(field: string, value: number, r: Range): number {
  const ok =
    Number.isFinite(value) &&
    (r.min === undefined || (r.minExclusive ? value > r.min : value >= r.min)) &&
    (r.max === undefined || (r.maxExclusive ? value < r.max : value <= r.max));
  if (!ok) {
    const allowed = describeRange(r);
    throw new RoutefitError('invalid_input', `${field} is ${value}; allowed ${allowed}`, { field, allowed });
  }
  return value;
}
