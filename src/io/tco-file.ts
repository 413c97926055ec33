import { z } from 'zod';
import { InputFileError, readYaml, validate } from './yaml-file.js';

const usd = z.number().nonnegative();
const tokens = z.number().positive().max(1e15);

/**
 * `routefit tco FILE`: self-hosting vs serverless over daily volumes (seed 003, "The Break-Even Calculator").
 * Prices come from the catalog (`serverless_route`, `sku`) or are written out; numbers in the file win.
 */
export const tcoFileSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  as_of: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').optional(),
  serverless_route: z.string().optional(),
  serverless_per_million: z.number().positive().optional(),
  instance: z.strictObject({
    sku: z.string().optional(),
    name: z.string().optional(),
    on_demand_hourly: usd.optional(),
    reserved_term: z.string().optional(),
    reserved_hourly: usd.optional(),
    /** Output tokens one instance carries per day at its planned utilization. */
    tokens_per_day: tokens.optional(),
    throughput_tokens_per_second: z.number().positive().optional(),
    utilization: z.number().gt(0).max(1).optional(),
  }),
  /** Annual overhead items in USD (engineer, on-call, monitoring …), spread over 365 days. */
  overhead_per_year: z.record(z.string(), usd).optional(),
  daily_output_tokens: z.array(tokens).min(1, 'list at least one daily volume'),
});
export type TcoFile = z.output<typeof tcoFileSchema>;

export function loadTcoFile(file: string): TcoFile {
  const src = readYaml(file);
  const d = src.data;
  if (d !== null && typeof d === 'object' && !Array.isArray(d) && !('instance' in d)) {
    // A workload or fleet file: say which facts the TCO needs instead of listing its keys as unknown.
    throw new InputFileError(file, [{ line: 1, message: 'needs TCO facts: this file has no instance block (instance: {sku or on_demand_hourly, tokens_per_day}, serverless_route or serverless_per_million, overhead_per_year, daily_output_tokens; see examples/seed003-tco.yaml); nothing was computed' }]);
  }
  const data = validate(src, tcoFileSchema);
  const i = data.instance;
  if (i.tokens_per_day === undefined && i.throughput_tokens_per_second === undefined) {
    throw new InputFileError(file, [{ field: 'instance', message: 'give tokens_per_day, or throughput_tokens_per_second (with utilization)' }]);
  }
  if (data.serverless_route === undefined && data.serverless_per_million === undefined) {
    throw new InputFileError(file, [{ message: 'give serverless_route (a catalog id) or serverless_per_million' }]);
  }
  return data;
}
