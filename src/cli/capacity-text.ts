/** Helpers the capacity commands share: token formatting, the working-out lines, per-token route lookup. */
import { resolveRoute } from '../catalog/resolve.js';
import type { Catalog } from '../catalog/types.js';
import { RoutefitError } from '../engine/errors.js';
import { type Step, type TokenRouteSpec } from '../engine/cost/lcpr.js';
import { DEFAULTS } from '../workload/defaults.js';
import { count, usd } from './format.js';
import { CliUsageError, type Io } from './io.js';


export const fmtTokens = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : count(n));
export const stepLines = (steps: Step[]) =>
  steps.map((s) => `  ${s.label}: ${s.formula}\n    = ${s.expression} = ${s.unit.startsWith('USD') ? usd(s.value, 2) : s.value.toLocaleString('en-US', { maximumFractionDigits: 4 })} ${s.unit.startsWith('USD') ? s.unit.slice(3).trim() : s.unit}  [${s.cite}]`);

export function today(io: Io, asOf: string | undefined) {
  return asOf ?? io.today;
}

export function tokenRoute(catalog: Catalog, id: string, asOf: string): TokenRouteSpec {
  const spec = resolveRoute(catalog, { id, asOf }, { utilization: DEFAULTS.utilization });
  if (spec.billing !== 'tokens') throw new CliUsageError(`--vs ${id} is a GPU route; give a per-token route such as together/deepseek-v3`);
  if (!spec.price.output) throw new RoutefitError('missing_price', `${id} has no output price on ${asOf}`, { field: 'price.output' });
  return spec;
}
