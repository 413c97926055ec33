/**
 * Starting points from the Inference Field Guide's workload reference cards: the midpoint of each card's
 * "calculator defaults", labelled assumed until measured.
 */
export interface Preset {
  name: string;
  title: string;
  card: string;
  bottleneck: string;
  whereDefaultsBreak: string;
  values: Record<string, number>;
  routes: string[];
}

const COMMON_ROUTES = ['openai/gpt-5.5', 'anthropic/claude-sonnet-4.6', 'google/gemini-2.5-pro', 'together/deepseek-v3', 'fireworks/llama-3.3-70b', 'deepinfra/gpt-oss-120b'];

export const PRESETS: Record<string, Preset> = {
  chat: {
    name: 'chat',
    title: 'Chat (customer-facing)',
    card: '500-1000 input, 200-500 output, 3-5% retry, 95% quality gate',
    bottleneck: 'decode latency (streaming TTFT and inter-token latency); key metric P95 time-to-first-token',
    whereDefaultsBreak: 'multi-turn conversations with long history (input grows per turn); peak-hour retry spikes',
    values: { requests_per_month: 500000, input_tokens: 750, output_tokens: 350, retry_rate: 0.04, quality_pass_rate: 0.95 },
    routes: COMMON_ROUTES,
  },
  rag: {
    name: 'rag',
    title: 'RAG extraction',
    card: '2000-8000 input, 200-600 output, 5% retry, 90% quality gate, 20-40% cache hit rate',
    bottleneck: 'prefill (long retrieved context); key metric cost per extracted answer',
    whereDefaultsBreak: 'cache hit rate depends on prompt structure: static prefix + variable context gives 30-60%, fully variable prompts <5%',
    values: { requests_per_month: 500000, input_tokens: 5000, output_tokens: 400, retry_rate: 0.05, quality_pass_rate: 0.9, cache_hit_rate: 0.3 },
    routes: ['openai/gpt-5.5', 'anthropic/claude-sonnet-4.6', 'google/gemini-2.5-pro', 'together/deepseek-v3', 'together/llama-3.3-70b'],
  },
  codegen: {
    name: 'codegen',
    title: 'Code generation',
    card: '500-2000 input, 500-2000 output, 3% retry, 70-85% quality gate',
    bottleneck: 'decode (long output); key metric LCPR per accepted suggestion (human acceptance counts)',
    whereDefaultsBreak: 'quality gate varies by task: autocomplete ~60%, multi-file generation ~40%',
    values: { requests_per_month: 500000, input_tokens: 1250, output_tokens: 1250, retry_rate: 0.03, quality_pass_rate: 0.78 },
    routes: COMMON_ROUTES,
  },
  agent: {
    name: 'agent',
    title: 'Agent workflows (per call)',
    card: '1000-4000 input per call, 200-500 output per call, 5-10% retry per call, 90% quality gate per call, 3-8 calls per workflow',
    bottleneck: 'cumulative latency across chained calls; key metric workflow success rate and LCPR per workflow',
    whereDefaultsBreak: 'tool-use failures compound: 5% per-call failure across 6 calls is a 26% workflow failure rate',
    values: { requests_per_month: 1000000, input_tokens: 2500, output_tokens: 350, retry_rate: 0.075, quality_pass_rate: 0.9 },
    routes: COMMON_ROUTES,
  },
  batch: {
    name: 'batch',
    title: 'Batch / embeddings',
    card: 'variable input, minimal or moderate output, 1% retry, 98% quality gate, 50-100% batch eligible',
    bottleneck: 'throughput (total tokens per hour); key metric cost per million tokens processed',
    whereDefaultsBreak: 'batch APIs have minutes-to-hours latency and their own rate limits',
    values: { requests_per_month: 2000000, input_tokens: 1000, output_tokens: 200, retry_rate: 0.01, quality_pass_rate: 0.98, batch_eligible_share: 0.75 },
    routes: ['openai/gpt-5.5', 'anthropic/claude-sonnet-4.6', 'google/gemini-2.5-pro', 'fireworks/llama-3.3-70b', 'fireworks/deepseek-v3.1'],
  },
};

/** The preset as a commented workload file. */
export function presetYaml(p: Preset): string {
  const v = p.values;
  const line = (key: string, comment: string) => (v[key] === undefined ? '' : `${key}: ${v[key]}  # ${comment}\n`);
  return (
    `# ${p.title} — from the Inference Field Guide's workload reference card.\n` +
    `# Card defaults: ${p.card}.\n` +
    `# Bottleneck: ${p.bottleneck}.\n` +
    `# Where the defaults break: ${p.whereDefaultsBreak}.\n` +
    `# Every number below is an assumption until measured: replace it with\n` +
    `#   {value: 0.031, evidence: measured, source: "gateway logs, October"}\n` +
    `# as you instrument. Run: routefit compare <this file>\n` +
    `name: ${p.name}\n` +
    line('requests_per_month', 'original requests; retries are counted by retry_rate') +
    line('input_tokens', 'per request, cached tokens included') +
    line('output_tokens', 'per request') +
    line('retry_rate', 'retries per original request (0.04 = 4%)') +
    line('quality_pass_rate', 'share of requests that pass the quality gate') +
    line('cache_hit_rate', 'share of input tokens read from the prompt cache') +
    line('batch_eligible_share', 'share of requests that can wait for the batch tier') +
    `engineering_hours_per_month: 8  # estimated; often 2-3x the first guess (Inference Field Guide, Part 0)\n` +
    `engineering_hourly_rate: 100\n` +
    `repair_cost_per_failure: 0.002  # cost to re-prompt a request that failed the gate\n` +
    `routes:\n` +
    p.routes.map((r) => `  - ${r}\n`).join('') +
    `  # A dedicated GPU says what it serves; utilization defaults to 40% (industry estimate):\n` +
    `  - { route: lambda/h100-sxm, serves: llama-3.3-70b, utilization: 0.40 }\n`
  );
}
