import { z } from 'zod';
import { PRICE_EVIDENCE } from '../engine/evidence.js';
import { DEPLOYMENT_MODES } from '../engine/cost/lcpr.js';

/** Catalog file schemas (snake_case, as written in catalog/*.yaml). */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
const evidence = z.enum(PRICE_EVIDENCE);
const usd = z.number().nonnegative();

export const priceField = z.union([
  usd,
  z.strictObject({ value: usd, source: z.string().optional(), evidence: evidence.optional() }),
  z.strictObject({ multiplier: usd, of: z.enum(['input', 'output']).default('input'), source: z.string().optional(), evidence: evidence.optional() }),
]);
export type PriceField = z.output<typeof priceField>;

const pointMeta = {
  effective: date,
  as_of: date,
  source: z.string().min(1),
  evidence,
  notes: z.string().optional(),
};

export const tokenPricePoint = z.strictObject({
  ...pointMeta,
  input: priceField.optional(),
  output: priceField.optional(),
  cached_input: priceField.optional(),
  cache_write_5m: priceField.optional(),
  cache_write_1h: priceField.optional(),
  batch_input: priceField.optional(),
  batch_output: priceField.optional(),
  long_context: z
    .strictObject({ threshold_tokens: z.number().int().positive(), input: priceField, output: priceField, cached_input: priceField.optional() })
    .optional(),
});

const routeId = z.string().regex(/^[a-z0-9][a-z0-9-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected provider/model, lowercase provider');

export const tokenPricesFile = z.strictObject({
  routes: z.array(
    z.strictObject({
      id: routeId,
      name: z.string().optional(),
      model: z.string().optional(),
      mode: z.enum(DEPLOYMENT_MODES).optional(),
      aliases: z.array(z.string()).optional(),
      prices: z.array(tokenPricePoint).min(1),
    }),
  ),
});

export const providersFile = z.strictObject({
  providers: z.record(
    z.string(),
    z.strictObject({
      name: z.string(),
      mode: z.enum(DEPLOYMENT_MODES),
      genai_prices_id: z.string().optional(),
      /** Whether the batch discount also applies to cache reads and writes, and where the provider says so. */
      batch_stacks_with_cache: z.strictObject({ value: z.boolean(), source: z.string().min(1) }).optional(),
    }),
  ),
});

export const gpusFile = z.strictObject({
  specs: z.record(
    z.string(),
    z.strictObject({
      name: z.string(),
      hardware: z
        .strictObject({
          hbm_gb: z.number().positive(),
          memory_bandwidth_tb_s: z.number().positive(),
          dense_bf16_tflops: z.number().positive(),
          dense_fp8_tflops: z.number().positive().optional(),
          source: z.string().min(1),
          evidence,
        })
        .optional(),
      throughput: z
        .array(
          z.strictObject({
            serves: z.string(),
            precision: z.string().optional(),
            output_tokens_per_second: z.number().positive(),
            source: z.string().min(1),
            evidence,
          }),
        )
        .optional(),
    }),
  ),
  skus: z.array(
    z.strictObject({
      id: routeId,
      name: z.string().optional(),
      mode: z.enum(DEPLOYMENT_MODES).optional(),
      spec: z.string().optional(),
      gpus_per_instance: z.number().int().positive().default(1),
      aliases: z.array(z.string()).optional(),
      min_billing_minutes: z.number().positive().optional(),
      prices: z
        .array(
          z.strictObject({
            ...pointMeta,
            on_demand: usd.optional(),
            reserved: z.array(z.strictObject({ term: z.string(), hourly: usd })).optional(),
            spot: usd.optional(),
            capex_usd: usd.optional(),
          }),
        )
        .min(1),
    }),
  ),
});

/** Model architecture facts for memory and roofline sizing (catalog/models.yaml). */
export const modelsFile = z.strictObject({
  models: z.record(
    z.string(),
    z.strictObject({
      name: z.string(),
      parameters: z.number().positive(),
      active_parameters: z.number().positive().optional(),
      layers: z.number().int().positive(),
      attention_heads: z.number().int().positive(),
      kv_heads: z.number().int().positive(),
      head_dim: z.number().int().positive(),
      aliases: z.array(z.string()).optional(),
      notes: z.string().optional(),
      source: z.string().min(1),
      evidence,
    }),
  ),
});
