import type { ExportPlan, PlannedTarget } from './plan.js';
import type { OpenrouterExport } from './schemas.js';

/** OpenRouter's max_price is USD per million tokens, the catalog's unit. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * OpenRouter routing is per request body (`models` fallback list, `provider` preferences): there
 * is no server-side weight. routefit writes one body per weighted target with its share of the
 * workload's requests; the application picks a body by share. `max_price` caps each body at the
 * catalog price of the dearest model it lists, so OpenRouter never routes above what the plan priced.
 */
export function toOpenrouter(plan: ExportPlan): OpenrouterExport {
  const notes: string[] = [];
  const workloads: OpenrouterExport['workloads'] = {};
  for (const w of plan.workloads) {
    const variants: OpenrouterExport['workloads'][string] = [];
    for (const g of w.groups) {
      if (g.kind === 'batch') notes.push(`${g.name}: OpenRouter has no batch tier; these bodies (${(g.requestShare * 100).toFixed(1)}% of ${w.workload}) run at online prices`);
      const on = (t: PlannedTarget) => Boolean(t.mapping.openrouter && t.mapping.provider.openrouter);
      for (const t of g.targets) {
        if (!on(t)) {
          notes.push(`${g.name}: ${t.route} is not on OpenRouter; route its ${(t.weight * g.requestShare * 100).toFixed(1)}% share outside OpenRouter`);
          continue;
        }
        // Each body falls back along the group's fallbacks only: a request outside the ramp's share never lands on the new route.
        const list = [t, ...g.fallbacks].filter(on).filter((x, i, all) => all.findIndex((y) => y.mapping.openrouter === x.mapping.openrouter) === i);
        const priced = list.filter((x) => x.pricePerMillion);
        const body = {
          models: list.map((x) => x.mapping.openrouter!),
          provider: {
            order: [...new Set(list.map((x) => x.mapping.provider.openrouter!))],
            allow_fallbacks: list.length > 1,
            ...(priced.length === list.length
              ? { max_price: { prompt: round(Math.max(...priced.map((x) => x.pricePerMillion!.input))), completion: round(Math.max(...priced.map((x) => x.pricePerMillion!.output))) } }
              : {}),
          },
        };
        variants.push({ group: g.name, share: round(t.weight * g.requestShare), body });
      }
    }
    if (w.timeoutMs !== null) notes.push(`${w.workload}: OpenRouter request bodies carry no timeout; set ${w.timeoutMs} ms on the HTTP client (${w.timeoutSource})`);
    if (variants.length) workloads[w.workload] = variants;
  }
  return { kind: 'routefit.openrouter-request-routing', credentials: { api_key_env: 'OPENROUTER_API_KEY' }, notes, workloads };
}
