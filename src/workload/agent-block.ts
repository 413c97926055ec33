import { z } from 'zod';

/**
 * The `agent:` block of a workload file: one agent task, phase by phase, priced by `routefit agent`
 * (Inference Field Guide, workload reference cards, "Agent workflows"; the Inference Economics
 * Playbook, ch. 21). Each phase names its catalog route or writes its price (USD per million tokens).
 */
const frac = z.number().min(0).max(1);
export const agentPriceSchema = z.strictObject({ input: z.number().min(0), output: z.number().min(0), cached_input: z.number().min(0).optional() });

export const agentPhaseSchema = z.strictObject({
  name: z.string().min(1),
  calls: z.number().min(0).max(1e6),
  input_tokens: z.number().min(0).max(1e8),
  output_tokens: z.number().min(0).max(1e8),
  cache_hit_rate: frac.optional(),
  /** Catalog route the phase calls; or `price` written out (USD per million). */
  route: z.string().min(1).optional(),
  price: agentPriceSchema.optional(),
  facing: z.enum(['human', 'machine']),
  tier: z.enum(['realtime', 'async', 'batch', 'background']).optional(),
  latency_tolerance_s: z.number().min(0).optional(),
});

export const agentBlockSchema = z.strictObject({
  description: z.string().optional(),
  user_prompt_tokens: z.number().positive().max(1e8),
  task_success_rate: z.number().gt(0).max(1),
  tasks_per_month: z.number().min(0).max(1e12).optional(),
  phases: z.array(agentPhaseSchema).min(1, 'list at least one phase'),
});
export type AgentBlock = z.output<typeof agentBlockSchema>;
