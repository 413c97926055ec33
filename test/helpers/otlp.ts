import type { ChStore } from '../../src/traces/clickhouse/connection.js';

/**
 * The spans of an `otel_traces` table written back as the OTLP JSON the Collector received (one
 * resourceSpans per service, attribute values as strings, as the exporter stored them), so the OTLP
 * importer can read the very spans the otel_traces source reads in place.
 */
export async function otlpJsonOf(ch: ChStore, table: string): Promise<string> {
  const rows = await ch.query(
    `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS start, toString(toUnixTimestamp64Nano(Timestamp) + Duration) AS end,
       TraceId, SpanId, SpanName, ServiceName, SpanAttributes, StatusCode
     FROM ${table} ORDER BY SpanId`,
  );
  const byService = new Map<string, object[]>();
  for (const r of rows) {
    const code = r.StatusCode === 'Error' || r.StatusCode === 'STATUS_CODE_ERROR' ? { code: 2 } : r.StatusCode === 'Ok' ? { code: 1 } : {};
    const spans = byService.get(String(r.ServiceName)) ?? [];
    spans.push({
      traceId: r.TraceId,
      spanId: r.SpanId,
      name: r.SpanName,
      startTimeUnixNano: r.start,
      endTimeUnixNano: r.end,
      attributes: Object.entries(r.SpanAttributes as Record<string, string>).map(([key, v]) => ({ key, value: { stringValue: v } })),
      status: code,
    });
    byService.set(String(r.ServiceName), spans);
  }
  return JSON.stringify({
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'opentelemetry.instrumentation.genai' }, spans }],
    })),
  });
}
