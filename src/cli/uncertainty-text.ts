/** Text pieces the sensitivity, sweep and compare --uncertainty commands share. */
import type { RouteSpec } from '../engine/cost/lcpr.js';
import { RoutefitError } from '../engine/errors.js';
import type { Sweep } from '../engine/uncertainty/sweep.js';
import { count, table, usdPerRequest } from './format.js';
import { CliUsageError } from './io.js';
import type { Priced } from './pricing.js';

/** Only the routes compareRoutes could price: the rest are listed as unpriced, never varied at $0. */
export function pricedRoutes({ prepared, comparison }: Priced): RouteSpec[] {
  const ok = new Set(comparison.routes.map((r) => r.route));
  return prepared.routes.filter((r) => ok.has(r.id));
}

export function unpricedNote({ comparison }: Priced): string[] {
  return comparison.unpriced.length ? ['', 'Unpriced — left out, never counted as $0:', ...comparison.unpriced.map((u) => `  ${u.route}: ${u.message}`)] : [];
}

/** Engine errors about a lever name or range are usage errors here: the user typed them in a flag. */
export function asUsage<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof RoutefitError && err.code === 'invalid_input') throw new CliUsageError(`${flag}: ${err.message}`);
    throw err;
  }
}

export const fmtValue = (v: number) => (Math.abs(v) >= 1000 ? count(v) : String(Number(v.toPrecision(4))));

/** A text tornado bar: one block per 5% of LCPR, capped at 20. */
export function bar(share: number): string {
  return '█'.repeat(Math.min(20, Math.round(share * 20))).padEnd(20, ' ');
}

export function renderSweep(s: Sweep): string[] {
  const routes = [...new Set(s.points.flatMap((p) => p.routes.map((r) => r.route)))];
  const lines = [`${s.name} sweep — LCPR per accepted request; * marks the cheapest`];
  lines.push(
    table(
      [s.name, ...routes, 'Cheapest'],
      s.points.map((p) => [
        fmtValue(p.value),
        ...routes.map((id) => {
          const r = p.routes.find((x) => x.route === id);
          return r ? `${usdPerRequest(r.lcpr)}${p.cheapest === id ? '*' : ' '}` : 'unpriced';
        }),
        p.cheapest ?? '—',
      ]),
      ['right', ...routes.map(() => 'right' as const), 'left'],
    ),
  );
  if (s.crossovers.length === 0) lines.push(`No crossover: ${s.points[0]?.cheapest ?? 'no route'} stays cheapest from ${fmtValue(s.points[0]!.value)} to ${fmtValue(s.points.at(-1)!.value)}.`);
  for (const c of s.crossovers) lines.push(`Crossover: ${c.to} overtakes ${c.from} at ${s.name} ≈ ${fmtValue(c.at)}.`);
  return lines;
}
