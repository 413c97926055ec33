import { z } from 'zod';
import { resolveRoute } from '../catalog/resolve.js';
import type { Catalog } from '../catalog/types.js';
import type { AgentPhase } from '../engine/decisions/agent-workflow.js';
import { RoutefitError } from '../engine/errors.js';
import { DEFAULTS } from '../workload/defaults.js';
import { InputFileError, type Problem, locate, pathToField, readYaml, validate } from './yaml-file.js';

const frac = z.number().min(0).max(1);
const priceSchema = z.strictObject({ input: z.number().min(0), output: z.number().min(0), cached_input: z.number().min(0).optional() });

const phaseSchema = z.strictObject({
  name: z.string().min(1),
  calls: z.number().min(0).max(1e6),
  input_tokens: z.number().min(0).max(1e8),
  output_tokens: z.number().min(0).max(1e8),
  cache_hit_rate: frac.optional(),
  /** Catalog route the phase calls; or `price` written out (USD per million). */
  route: z.string().min(1).optional(),
  price: priceSchema.optional(),
  facing: z.enum(['human', 'machine']),
  tier: z.enum(['realtime', 'async', 'batch', 'background']).optional(),
  latency_tolerance_s: z.number().min(0).optional(),
});

/**
 * `routefit agent FILE`: one agent task, phase by phase (Inference Field Guide, workload reference cards,
 * "Agent workflows"; the playbook, ch. 21). Each phase names its catalog route or writes its price.
 */
export const agentFileSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').optional(),
  user_prompt_tokens: z.number().positive().max(1e8),
  task_success_rate: z.number().gt(0).max(1),
  tasks_per_month: z.number().min(0).optional(),
  phases: z.array(phaseSchema).min(1, 'list at least one phase'),
});
export type AgentFile = z.output<typeof agentFileSchema>;

export interface LoadedAgent {
  file: AgentFile;
  asOf: string;
  phases: AgentPhase[];
  /** Route and price source per phase, for the report. */
  priced: { phase: string; route: string | null; source: string }[];
}

export function loadAgentFile(path: string, catalog: Catalog, today: string, asOfFlag?: string): LoadedAgent {
  const src = readYaml(path);
  const known = (p: readonly PropertyKey[]) => (p.length === 0 ? Object.keys(agentFileSchema.shape) : p[0] === 'phases' && p.length === 2 ? Object.keys(phaseSchema.shape) : p.includes('price') ? Object.keys(priceSchema.shape) : []);
  const data = validate(src, agentFileSchema, known);
  const asOf = asOfFlag ?? data.as_of ?? today;
  const problems: Problem[] = [];
  const problem = (p: (string | number)[], message: string) => problems.push({ ...locate(src, p), field: pathToField(p), message });
  const phases: AgentPhase[] = [];
  const priced: LoadedAgent['priced'] = [];
  data.phases.forEach((ph, i) => {
    let price: AgentPhase['price'] | undefined;
    let source = 'agent file';
    if (ph.price) price = { input: ph.price.input, output: ph.price.output, ...(ph.price.cached_input !== undefined ? { cachedInput: ph.price.cached_input } : {}) };
    else if (ph.route) {
      try {
        const spec = resolveRoute(catalog, { id: ph.route, asOf }, { utilization: DEFAULTS.utilization });
        if (spec.billing !== 'tokens' || !spec.price.input || !spec.price.output) problem(['phases', i, 'route'], `${ph.route} has no per-token input and output price on ${asOf}; write price: {input, output}`);
        else {
          price = { input: spec.price.input.value, output: spec.price.output.value, ...(spec.price.cachedInput ? { cachedInput: spec.price.cachedInput.value } : {}) };
          source = spec.provenance?.source ?? 'catalog';
        }
      } catch (e) {
        if (!(e instanceof RoutefitError)) throw e;
        problem(['phases', i, 'route'], e.message);
      }
    } else problem(['phases', i], 'give the phase a route (catalog id) or a price: {input, output}');
    if ((ph.cache_hit_rate ?? 0) > 0 && price && price.cachedInput === undefined) problem(['phases', i, 'cache_hit_rate'], `the phase reads ${ph.cache_hit_rate} of its input from cache, but ${ph.route ?? 'its price'} has no cached-input price (set price.cached_input or cache_hit_rate: 0)`);
    if (price) {
      phases.push({
        name: ph.name,
        callsPerTask: ph.calls,
        inputTokensPerCall: ph.input_tokens,
        outputTokensPerCall: ph.output_tokens,
        ...(ph.cache_hit_rate !== undefined ? { cacheHitRate: ph.cache_hit_rate } : {}),
        price,
        facing: ph.facing,
        ...(ph.tier ? { tier: ph.tier } : {}),
        ...(ph.latency_tolerance_s !== undefined ? { latencyToleranceSeconds: ph.latency_tolerance_s } : {}),
      });
      priced.push({ phase: ph.name, route: ph.route ?? null, source });
    }
  });
  const names = data.phases.map((p) => p.name);
  names.forEach((n, i) => names.indexOf(n) !== i && problem(['phases', i, 'name'], `phase name "${n}" is used twice`));
  if (problems.length) throw new InputFileError(path, problems);
  return { file: data, asOf, phases, priced };
}
