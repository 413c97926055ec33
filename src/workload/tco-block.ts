import { z } from 'zod';

const usd = z.number().nonnegative();
const tokens = z.number().positive().max(1e15);

/**
 * The `tco:` block of a workload file (`routefit tco FILE`): self-hosting vs serverless over daily
 * volumes (The Break-Even Calculator). Prices come from the catalog (`serverless_route`, `sku`) or are
 * written out; numbers in the file win. Without `daily_output_tokens`, the file's workloads give the volume.
 */
export const tcoBlockSchema = z.strictObject({
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
  daily_output_tokens: z.array(tokens).min(1, 'list at least one daily volume').optional(),
});
export type TcoBlock = z.output<typeof tcoBlockSchema>;
