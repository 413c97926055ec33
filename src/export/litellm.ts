import { type ExportPlan, type PlannedTarget, integerWeights } from './plan.js';
import type { LitellmConfig } from './schemas.js';

/** Weights are relative in LiteLLM's simple-shuffle: basis points keep the plan's shares to 0.01%. */
const WEIGHT_SCALE = 10_000;

function params(t: PlannedTarget, timeoutMs: number | null, retries: number): LitellmConfig['model_list'][number]['litellm_params'] {
  const p = t.mapping.provider;
  return {
    model: `${p.litellm}/${t.mapping.model}`,
    api_key: `os.environ/${p.apiKeyEnv}`,
    ...(p.apiBaseEnv ? { api_base: `os.environ/${p.apiBaseEnv}` } : {}),
    ...(t.rpm ? { rpm: t.rpm } : {}),
    ...(timeoutMs !== null ? { timeout: timeoutMs / 1000 } : {}),
    max_retries: retries,
  };
}

/**
 * LiteLLM proxy config.yaml: one model group per workload (clients call `model: <workload>`), the
 * plan's targets as weighted deployments, each fallback as its own one-deployment group listed in
 * `router_settings.fallbacks` in order.
 */
export function toLitellm(plan: ExportPlan): LitellmConfig {
  const modelList: LitellmConfig['model_list'] = [];
  const fallbacks: Record<string, string[]>[] = [];
  for (const w of plan.workloads) {
    for (const g of w.groups) {
      const weights = integerWeights(g.targets.map((t) => t.weight), WEIGHT_SCALE);
      g.targets.forEach((t, i) => {
        modelList.push({
          model_name: g.name,
          litellm_params: { ...params(t, w.timeoutMs, w.retries.attempts), ...(g.targets.length > 1 ? { weight: weights[i]! } : {}) },
          model_info: { id: `${g.name}:${t.route}` },
        });
      });
      const names = g.fallbacks.map((t, i) => {
        const name = `${g.name}-fallback-${i + 1}`;
        modelList.push({ model_name: name, litellm_params: params(t, w.timeoutMs, w.retries.attempts), model_info: { id: `${name}:${t.route}` } });
        return name;
      });
      if (names.length) fallbacks.push({ [g.name]: names });
    }
  }
  const retries = Math.max(0, ...plan.workloads.map((w) => w.retries.attempts));
  return {
    model_list: modelList,
    router_settings: { routing_strategy: 'simple-shuffle', num_retries: retries, ...(fallbacks.length ? { fallbacks } : {}) },
  };
}
