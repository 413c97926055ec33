/** Helpers the capacity commands share: strict numeric flags, token formatting, the working-out lines. */
import { resolveRoute } from '../../catalog/resolve.js';
import type { Catalog } from '../../catalog/types.js';
import { RoutefitError } from '../../engine/errors.js';
import { type Step, type TokenRouteSpec } from '../../engine/cost/lcpr.js';
import { DEFAULTS } from '../../workload/defaults.js';
import { count, usd } from '../format.js';
import { CliUsageError, type Io } from '../io.js';
import { parseDate } from './shared.js';

/** A numeric flag: parsed strictly, range-checked, never NaN. */
export function num(flag: string, v: string | undefined, range: { min?: number; max?: number; minExclusive?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) / 100 : v);
  const ok =
    v.trim() !== '' &&
    Number.isFinite(n) &&
    (range.min === undefined || (range.minExclusive ? n > range.min : n >= range.min)) &&
    (range.max === undefined || n <= range.max);
  if (!ok) {
    const lo = range.min === undefined ? '' : `${range.min} ${range.minExclusive ? '<' : '≤'} `;
    const hi = range.max === undefined ? '' : ` ≤ ${range.max}`;
    throw new CliUsageError(`${flag} must be a number (${lo}value${hi}); got "${v}"`);
  }
  return n;
}

export const fmtTokens = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : count(n));
export const stepLines = (steps: Step[]) =>
  steps.map((s) => `  ${s.label}: ${s.formula}\n    = ${s.expression} = ${s.unit.startsWith('USD') ? usd(s.value, 2) : s.value.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${s.unit.startsWith('USD') ? s.unit.slice(3).trim() : s.unit}  [${s.cite}]`);

export function today(io: Io, asOf: string | undefined) {
  return parseDate('--as-of', asOf) ?? io.today;
}

export function tokenRoute(catalog: Catalog, id: string, asOf: string): TokenRouteSpec {
  const spec = resolveRoute(catalog, { id, asOf }, { utilization: DEFAULTS.utilization });
  if (spec.billing !== 'tokens') throw new CliUsageError(`--vs ${id} is a GPU route; give a per-token route such as together/deepseek-v3`);
  if (!spec.price.output) throw new RoutefitError('missing_price', `${id} has no output price on ${asOf}`, { field: 'price.output' });
  return spec;
}
