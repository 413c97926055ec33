/**
 * CLI flags that set a workload field, derived from the field registry (src/workload/fields.ts): one
 * flag per workload field (`--requests-per-month`, `--quality-pass-rate` …), parsed and bounded by its
 * registry entry through flags.ts. Adding a field to the registry adds its flag to every command that
 * spreads `fieldOptions()`. A flag value replaces the file's value for every workload, labelled
 * `assumed` with the flag as its source; a route's own value (per-route override) still wins on that route.
 */
import type { Sourced } from '../engine/evidence.js';
import { type FIELDS, type FieldSpec, WORKLOAD_FIELDS } from '../workload/fields.js';
import { Opt } from './command.js';
import { parseNumber } from './flags.js';

type WorkloadFieldName = Extract<(typeof FIELDS)[number], { scope: 'workload' }>['name'];
export type FieldOptions = { [K in WorkloadFieldName]: Opt<number> };
export type FieldValues = { [K in WorkloadFieldName]?: number | undefined };

/** The flag a registry field is set by: its own `flag`, else its file key in kebab case. */
export const flagOf = (f: FieldSpec) => f.flag ?? `--${f.key.replace(/_/g, '-')}`;

const rangeOf = (f: FieldSpec) => ({
  ...(f.bounds.min !== undefined ? { min: f.bounds.min } : {}),
  ...(f.bounds.max !== undefined ? { max: f.bounds.max } : {}),
  ...(f.bounds.minExclusive ? { minExclusive: true } : {}),
  ...(f.rate ? { percent: true } : {}),
});

/** One option per workload field of the registry, minus those a command declares itself (sweep's --output-tokens axis). */
export function fieldOptions<E extends WorkloadFieldName = never>(...exclude: E[]): Omit<FieldOptions, E> {
  const out: Record<string, Opt<number>> = {};
  for (const f of WORKLOAD_FIELDS) {
    if ((exclude as string[]).includes(f.name)) continue;
    const flag = flagOf(f);
    out[f.name] = new Opt<number>(`${flag} <${f.rate ? 'fraction' : f.unit.replace(/\s+/g, '')}>`, `set ${f.key} for every workload: ${f.description} (${f.unit}; overrides the file)`, (t) => parseNumber(flag, t, rangeOf(f)));
  }
  return out as FieldOptions;
}

/** The field values given on the command line, as engine inputs labelled with the flag they came from. */
export function fieldValues(opts: FieldValues): Record<string, Sourced> {
  const out: Record<string, Sourced> = {};
  for (const f of WORKLOAD_FIELDS) {
    const v = (opts as Record<string, number | undefined>)[f.name];
    if (v !== undefined) out[f.name] = { value: v, evidence: 'assumed', source: `command line: ${flagOf(f)}` };
  }
  return out;
}
