import { type YamlSource, readYaml, validate } from '../io/yaml-file.js';
import { type LoadedFile, fromSource } from './load.js';
import { type FleetInput, factsOnlySchema } from './schema.js';

/** The fleet-level facts of a file (vendors, tco, team …), with its workloads when it has any. */
export interface LoadedFacts {
  file: string;
  source: YamlSource;
  name?: string;
  asOf?: string;
  facts: Omit<FleetInput, 'workloads'>;
  /** The file's workloads; absent for a facts-only file. */
  loaded?: LoadedFile;
}

const WORKLOAD_KEYS = ['workloads', 'requests_per_month', 'input_tokens', 'routes'];

/**
 * Reads any workload file for the commands that need its fact blocks (scorecard, tco): a workload or
 * fleet file is validated whole; a file with no workload is validated as fact blocks of the same format.
 */
export function loadFactsFile(file: string): LoadedFacts {
  return factsFromSource(readYaml(file));
}

/** As loadFactsFile, from text already parsed (the Studio's edited file in the browser). */
export function factsFromSource(src: YamlSource & { data: unknown }): LoadedFacts {
  const file = src.file;
  const d = src.data;
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && WORKLOAD_KEYS.some((k) => k in d)) {
    const loaded = fromSource(src);
    const { workloads: _, ...facts } = loaded.input;
    const asOf = loaded.input.as_of ?? loaded.workloads.find((w) => w.asOf)?.asOf;
    return { file, source: src, ...(facts.name ? { name: facts.name } : {}), ...(asOf ? { asOf } : {}), facts, loaded };
  }
  const facts = validate(src, factsOnlySchema);
  return { file, source: src, ...(facts.name ? { name: facts.name } : {}), ...(facts.as_of ? { asOf: facts.as_of } : {}), facts };
}
