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

/**
 * Returns `value` when finite; otherwise refuses it, naming the input that drove it there (the one of
 * `from` furthest from zero, or already non-finite) so no Infinity or NaN reaches a total. Issue 17:
 * "the engine refuses a non-finite intermediate with the input that caused it".
 */
export function requireFinite(value: number, what: string, formula: string, from: Record<string, number>): number {
  if (Number.isFinite(value)) return value;
  let culprit: string | undefined;
  let worst = -Infinity;
  for (const [name, v] of Object.entries(from)) {
    const size = Number.isFinite(v) ? Math.abs(v) : Infinity;
    if (size > worst || culprit === undefined) {
      worst = size;
      culprit = name;
    }
  }
  // Users know the file's snake_case keys; `field` keeps the engine's name for surfaces to locate.
  const name = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const shown = Object.entries(from)
    .map(([k, v]) => `${name(k)} ${v}`)
    .join(', ');
  const how = Number.isNaN(value) ? 'has no numeric value' : 'overflows every finite number';
  throw new RoutefitError(
    'invalid_input',
    `${what} (${formula}) ${how} because ${name(culprit!)} is ${from[culprit!]} (${shown}); give ${name(culprit!)} a realistic value`,
    { field: culprit, allowed: 'a value whose costs stay finite' },
  );
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
