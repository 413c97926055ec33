import { z } from 'zod';
import { resolveRoute } from '../catalog/resolve.js';
import type { Catalog } from '../catalog/types.js';
import type { AgentPhase } from '../engine/decisions/agent-workflow.js';
import { RoutefitError } from '../engine/errors.js';
import { DEFAULTS } from '../workload/defaults.js';
import { InputFileError, type Problem, type YamlSource, locate, pathToField, readYaml, validate } from './yaml-file.js';

import { agentBlockSchema, agentPhaseSchema, agentPriceSchema } from '../workload/agent-block.js';
import { factsFromSource } from '../workload/facts-file.js';

/**
 * `routefit agent FILE` reads the `agent:` block of a workload file (the one file format: the whole
 * file is validated by the workload loader first, so every command reads the same file).
 */
export const agentFileSchema = z.object({
  name: z.string().optional(),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').optional(),
  agent: agentBlockSchema,
});
export type AgentFile = z.output<typeof agentFileSchema>['agent'] & { name?: string | undefined; as_of?: string | undefined };

export interface LoadedAgent {
  file: AgentFile;
  asOf: string;
  phases: AgentPhase[];
  /** Route and price source per phase, for the report. */
  priced: { phase: string; route: string | null; source: string }[];
}

export function loadAgentFile(path: string, catalog: Catalog, today: string, asOfFlag?: string): LoadedAgent {
  return agentFromSource(readYaml(path), catalog, today, asOfFlag);
}

/** As loadAgentFile, from text already parsed (the Studio's agent view, with the user's edits). */
export function agentFromSource(src: YamlSource & { data: unknown }, catalog: Catalog, today: string, asOfFlag?: string): LoadedAgent {
  const path = src.file;
  factsFromSource(src); // the one format: unknown keys and bad values anywhere in the file are located errors
  const known = (p: readonly PropertyKey[]) => (p.length === 1 && p[0] === 'agent' ? Object.keys(agentBlockSchema.shape) : p[1] === 'phases' && p.length === 3 ? Object.keys(agentPhaseSchema.shape) : p.includes('price') ? Object.keys(agentPriceSchema.shape) : []);
  const whole = validate(src, agentFileSchema, known);
  const data: AgentFile = { ...whole.agent, ...(whole.name !== undefined ? { name: whole.name } : {}), ...(whole.as_of !== undefined ? { as_of: whole.as_of } : {}) };
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
        if (spec.billing !== 'tokens' || !spec.price.input || !spec.price.output) problem(['agent', 'phases', i, 'route'], `${ph.route} has no per-token input and output price on ${asOf}; write price: {input, output}`);
        else {
          price = { input: spec.price.input.value, output: spec.price.output.value, ...(spec.price.cachedInput ? { cachedInput: spec.price.cachedInput.value } : {}) };
          source = spec.provenance?.source ?? 'catalog';
        }
      } catch (e) {
        if (!(e instanceof RoutefitError)) throw e;
        problem(['agent', 'phases', i, 'route'], e.message);
      }
    } else problem(['agent', 'phases', i], 'give the phase a route (catalog id) or a price: {input, output}');
    if ((ph.cache_hit_rate ?? 0) > 0 && price && price.cachedInput === undefined) problem(['agent', 'phases', i, 'cache_hit_rate'], `the phase reads ${ph.cache_hit_rate} of its input from cache, but ${ph.route ?? 'its price'} has no cached-input price (set price.cached_input or cache_hit_rate: 0)`);
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
  names.forEach((n, i) => names.indexOf(n) !== i && problem(['agent', 'phases', i, 'name'], `phase name "${n}" is used twice`));
  if (problems.length) throw new InputFileError(path, problems);
  return { file: data, asOf, phases, priced };
}
