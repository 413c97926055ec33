import { describe, expect, it } from 'vitest';
import { query } from '../../src/traces/db.js';
import { importFile } from '../../src/traces/import.js';
import { memoryStore, writeTemp } from './helpers.js';

const today = '2026-11-22';
const cols = 'request_id, provider, model, route, input_tokens, cached_input_tokens, cache_write_tokens, output_tokens, ttft_ms, e2e_ms, status, cost_usd, workflow_id';

describe('gateway and observability exports', () => {
  it('LiteLLM spend logs: proxy cache hits are skipped and counted; spend is kept as logged cost', async () => {
    const csv = [
      'request_id,call_type,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,completionStartTime,model,custom_llm_provider,cache_hit,session_id,team_id,status,metadata',
      'l1,acompletion,0.0081,1100,1000,100,2026-05-01T10:00:00Z,2026-05-01T10:00:02Z,2026-05-01T10:00:00.400Z,gpt-5.5,openai,False,s1,team-a,success,"{""usage_object"": {""prompt_tokens_details"": {""cached_tokens"": 200}}}"',
      'l2,acompletion,0,1100,1000,100,2026-05-01T10:01:00Z,2026-05-01T10:01:00.010Z,,gpt-5.5,openai,True,s1,team-a,success,',
      'l3,acompletion,0,0,50,0,2026-05-01T10:02:00Z,2026-05-01T10:02:30Z,,gpt-5.5,openai,False,,team-b,failure,',
    ].join('\n');
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('spend.csv', csv), { today });
    expect(s).toMatchObject({ format: 'litellm', rowsRead: 2, kept: 2, rejected: 0 });
    expect(s.notes.join(' ')).toMatch(/1 rows answered from LiteLLM's own response cache/);
    const rows = await query(store.conn, `SELECT ${cols} FROM requests ORDER BY request_id`);
    expect(rows[0]).toMatchObject({ request_id: 'l1', provider: 'openai', route: 'openai/gpt-5.5', input_tokens: 1000, cached_input_tokens: 200, output_tokens: 100, ttft_ms: 400, e2e_ms: 2000, status: 'ok', cost_usd: 0.0081, workflow_id: 's1' });
    expect(rows[1]).toMatchObject({ request_id: 'l3', status: 'error', e2e_ms: 30000 });
    store.close();
  });

  it('Langfuse observations: generations only; cache reads added back to input', async () => {
    const lines = [
      { id: 'g1', traceId: 't1', type: 'GENERATION', startTime: '2026-05-01T10:00:00.000Z', endTime: '2026-05-01T10:00:01.500Z', completionStartTime: '2026-05-01T10:00:00.300Z', model: 'gpt-5.5', usageDetails: { input: 800, cache_read_input_tokens: 200, output: 90 }, calculatedTotalCost: 0.0075, level: 'DEFAULT' },
      { id: 'sp1', traceId: 't1', type: 'SPAN', startTime: '2026-05-01T10:00:00.000Z', model: null },
      { id: 'g2', traceId: 't1', type: 'GENERATION', startTime: '2026-05-01T10:00:02.000Z', endTime: '2026-05-01T10:00:03.000Z', model: 'gpt-5.5', usage: { input: 300, output: 20 }, level: 'ERROR' },
    ];
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('obs.jsonl', lines.map((l) => JSON.stringify(l)).join('\n')), { today });
    expect(s).toMatchObject({ format: 'langfuse', kept: 2 });
    expect(s.notes.join(' ')).toMatch(/1 observations that are not generations/);
    const rows = await query(store.conn, `SELECT ${cols} FROM requests ORDER BY request_id`);
    expect(rows[0]).toMatchObject({ request_id: 'g1', model: 'gpt-5.5', input_tokens: 1000, cached_input_tokens: 200, output_tokens: 90, ttft_ms: 300, e2e_ms: 1500, status: 'ok', workflow_id: 't1' });
    expect(rows[1]).toMatchObject({ request_id: 'g2', input_tokens: 300, output_tokens: 20, status: 'error' });
    store.close();
  });

  it('Helicone requests: Anthropic prompt tokens exclude cache tokens, so they are added back; HTTP status mapped', async () => {
    const csv = [
      'request_id,request_created_at,provider,model,prompt_tokens,completion_tokens,prompt_cache_read_tokens,prompt_cache_write_tokens,latency,time_to_first_token,status,cost_usd',
      'h1,2026-05-01T10:00:00Z,ANTHROPIC,claude-sonnet-4.6,100,50,900,0,1800,350,200,0.004',
      'h2,2026-05-01T10:00:05Z,OPENAI,gpt-5.5,1000,50,400,0,900,200,429,0',
    ].join('\n');
    const store = await memoryStore();
    const s = await importFile(store, writeTemp('helicone.csv', csv), { today });
    expect(s).toMatchObject({ format: 'helicone', kept: 2 });
    const rows = await query(store.conn, `SELECT ${cols} FROM requests ORDER BY request_id`);
    expect(rows[0]).toMatchObject({ request_id: 'h1', provider: 'anthropic', input_tokens: 1000, cached_input_tokens: 900, output_tokens: 50, ttft_ms: 350, e2e_ms: 1800, status: 'ok' });
    expect(rows[1]).toMatchObject({ request_id: 'h2', provider: 'openai', input_tokens: 1000, cached_input_tokens: 400, status: 'rate_limited' });
    store.close();
  });
});
