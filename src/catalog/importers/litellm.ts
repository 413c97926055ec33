import { type ImportedPrice, type ParseResult, emptyResult, isRecord, perMillion, point, skip } from './common.js';

/** LiteLLM `litellm_provider` → routefit provider (the others are skipped, counted by provider). */
export const LITELLM_PROVIDERS: Record<string, string> = {
  openai: 'openai', text_completion_openai: 'openai', anthropic: 'anthropic', gemini: 'google', together_ai: 'together', fireworks_ai: 'fireworks',
  deepinfra: 'deepinfra', groq: 'groq', mistral: 'mistral', deepseek: 'deepseek', xai: 'x-ai', cohere: 'cohere', cohere_chat: 'cohere',
  cerebras: 'cerebras', novita: 'novita', openrouter: 'openrouter', azure: 'azure', bedrock: 'aws', bedrock_converse: 'aws',
};

/**
 * LiteLLM's model_prices_and_context_window.json: `{ "<model>": { litellm_provider, mode,
 * input_cost_per_token, output_cost_per_token, cache_read_input_token_cost, ... } }`, USD per token.
 */
export function parseLitellm(data: unknown): ParseResult {
  const r = emptyResult();
  if (!isRecord(data)) {
    r.rejected.push({ entry: '(file)', reason: 'expected a JSON object of model entries' });
    return r;
  }
  for (const [key, e] of Object.entries(data)) {
    if (key === 'sample_spec') continue; // the file's own documentation entry
    if (!isRecord(e)) {
      r.rejected.push({ entry: key, reason: 'entry is not an object' });
      continue;
    }
    if (e.mode !== undefined && e.mode !== 'chat' && e.mode !== 'completion' && e.mode !== 'responses') {
      skip(r, `mode ${String(e.mode)} (not a chat model)`);
      continue;
    }
    const lp = typeof e.litellm_provider === 'string' ? e.litellm_provider : undefined;
    if (!lp) {
      r.rejected.push({ entry: key, reason: 'litellm_provider is missing' });
      continue;
    }
    const provider = LITELLM_PROVIDERS[lp];
    if (!provider) {
      skip(r, `litellm_provider ${lp} (no routefit provider)`);
      continue;
    }
    const p = point(
      [
        ['input', e.input_cost_per_token, 'input_cost_per_token'],
        ['output', e.output_cost_per_token, 'output_cost_per_token'],
        ['cached_input', e.cache_read_input_token_cost, 'cache_read_input_token_cost'],
        ['cache_write_5m', e.cache_creation_input_token_cost, 'cache_creation_input_token_cost'],
        ['cache_write_1h', e.cache_creation_input_token_cost_above_1hr, 'cache_creation_input_token_cost_above_1hr'],
        ['batch_input', e.input_cost_per_token_batches, 'input_cost_per_token_batches'],
        ['batch_output', e.output_cost_per_token_batches, 'output_cost_per_token_batches'],
      ],
      1e6,
    );
    if (typeof p === 'string') {
      r.rejected.push({ entry: key, reason: p });
      continue;
    }
    if (p.input === undefined && p.output === undefined) {
      skip(r, 'no token prices');
      continue;
    }
    const lcIn = perMillion(e.input_cost_per_token_above_200k_tokens, 1e6, 'input_cost_per_token_above_200k_tokens');
    const lcOut = perMillion(e.output_cost_per_token_above_200k_tokens, 1e6, 'output_cost_per_token_above_200k_tokens');
    if (typeof lcIn === 'string' || typeof lcOut === 'string') {
      r.rejected.push({ entry: key, reason: (typeof lcIn === 'string' ? lcIn : lcOut) as string });
      continue;
    }
    const withLc: ImportedPrice = lcIn !== undefined && lcOut !== undefined ? { ...p, long_context: { threshold_tokens: 200_000, input: lcIn, output: lcOut } } : p;
    const model = key.startsWith(`${lp}/`) ? key.slice(lp.length + 1) : key;
    r.entries.push({ entry: key, provider, model, points: [withLc] });
  }
  return r;
}
