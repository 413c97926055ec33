import { describe, expect, it } from 'vitest';
import { query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { memoryStore, writeTemp } from './helpers.js';

const a = (key: string, v: string | number) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } });
const span = (id: string, startMs: number, durMs: number, attributes: object[], status: object = {}) => ({
  traceId: 'trace-1',
  spanId: id,
  name: id,
  startTimeUnixNano: `${startMs}000000`,
  endTimeUnixNano: `${startMs + durMs}000000`,
  attributes,
  status,
});
const T = Date.parse('2026-05-01T10:00:00Z');
const doc = {
  resourceSpans: [
    {
      resource: { attributes: [a('service.name', 'support-bot')] },
      scopeSpans: [
        {
          scope: { name: 'opentelemetry.instrumentation.openai' },
          spans: [
            // Current GenAI conventions: input includes the 200 cached tokens.
            span('s1', T, 1500, [a('gen_ai.operation.name', 'chat'), a('gen_ai.provider.name', 'openai'), a('gen_ai.request.model', 'gpt-5.5'), a('gen_ai.response.model', 'gpt-5.5'), a('gen_ai.response.id', 'resp-1'), a('gen_ai.usage.input_tokens', 1000), a('gen_ai.usage.output_tokens', 120), a('gen_ai.usage.cache_read.input_tokens', 200), a('gen_ai.usage.reasoning.output_tokens', 20), a('gen_ai.conversation.id', 'conv-9')]),
            // Older names.
            span('s2', T + 1000, 800, [a('gen_ai.system', 'anthropic'), a('gen_ai.request.model', 'claude-sonnet-4.6'), a('gen_ai.usage.prompt_tokens', 500), a('gen_ai.usage.completion_tokens', 50)]),
            // Not a GenAI span.
            span('db', T + 2000, 5, [a('db.system', 'postgresql')]),
            // OpenInference aliases, failed with a timeout.
            span('s3', T + 3000, 30000, [a('llm.model_name', 'gpt-5.5'), a('llm.provider', 'openai'), a('llm.token_count.prompt', 300), a('llm.token_count.completion', 0), a('llm.token_count.prompt_details.cache_write', 100), a('error.type', 'TimeoutError')], { code: 2 }),
            // Bad: negative output tokens.
            span('s4', T + 4000, 10, [a('gen_ai.provider.name', 'openai'), a('gen_ai.request.model', 'gpt-5.5'), a('gen_ai.usage.input_tokens', 10), a('gen_ai.usage.output_tokens', -3)]),
          ],
        },
      ],
    },
  ],
};

describe('OpenTelemetry GenAI span import', () => {
  it('maps current, older and OpenInference attribute names; skips non-GenAI spans; rejects bad spans by number', async () => {
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('spans.json', JSON.stringify(doc, null, 2)), { today: '2026-11-22', acceptRejects: true });
    expect(s).toMatchObject({ format: 'otel', rowsRead: 4, kept: 3, rejected: 1, lineLabel: 'row' });
    expect(s.rejects[0]).toEqual({ line: 5, reason: 'output_tokens is -3; allowed an integer 0 ≤ value ≤ 10,000,000,000 (tokens)' });
    expect(s.notes.join(' ')).toMatch(/1 spans are not GenAI model calls/);
    const rows = await query(
      store.conn,
      `SELECT request_id, ts::VARCHAR AS ts, workload, provider, model, route, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, reasoning_tokens, e2e_ms, status, workflow_id FROM requests ORDER BY ts`,
    );
    expect(rows).toEqual([
      { request_id: 'resp-1', ts: '2026-05-01 10:00:00', workload: 'support-bot', provider: 'openai', model: 'gpt-5.5', route: 'openai/gpt-5.5', input_tokens: 1000, cached_input_tokens: 200, cache_write_tokens: null, output_tokens: 120, reasoning_tokens: 20, e2e_ms: 1500, status: 'ok', workflow_id: 'conv-9' },
      { request_id: 's2', ts: '2026-05-01 10:00:01', workload: 'support-bot', provider: 'anthropic', model: 'claude-sonnet-4.6', route: 'anthropic/claude-sonnet-4.6', input_tokens: 500, cached_input_tokens: null, cache_write_tokens: null, output_tokens: 50, reasoning_tokens: null, e2e_ms: 800, status: 'ok', workflow_id: 'trace-1' },
      { request_id: 's3', ts: '2026-05-01 10:00:03', workload: 'support-bot', provider: 'openai', model: 'gpt-5.5', route: 'openai/gpt-5.5', input_tokens: 300, cached_input_tokens: null, cache_write_tokens: 100, output_tokens: 0, reasoning_tokens: null, e2e_ms: 30000, status: 'timeout', workflow_id: 'trace-1' },
    ]);
    store.close();
  });

  it('reads the OTLP file exporter format (one request per line) and is idempotent on the response id', async () => {
    const store = await memoryStore();
    const file = writeTemp('spans.jsonl', `${JSON.stringify(doc)}\n`);
    await importFile(store, file, { today: '2026-11-22', acceptRejects: true });
    const again = await importFile(store, file, { today: '2026-11-22', acceptRejects: true });
    expect(again).toMatchObject({ format: 'otel', kept: 0, alreadyStored: 3 });
    store.close();
  });
});
