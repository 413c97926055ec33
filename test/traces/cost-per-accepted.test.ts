import { describe, expect, it } from 'vitest';
import { measuredCostPerAccepted } from '../../src/engine/measured/index.js';
import { measuredLcpr } from '../../src/engine/measured/measured.js';
import { traceToMargin } from '../../src/engine/measured/reconciliation.js';

// Issue 11, item 3: one definition of the measured cost per accepted output behind summarize, whatif and reconcile.
describe('measuredCostPerAccepted', () => {
  it('is (traces + the overheads given) ÷ accepted, listing each included overhead with its source', () => {
    // Hand-computed: traces $180 + engineering 8 h × $100 = $800 + eval $40 + human 12 × $5 = $60 + ops $20 + invoice delta $25
    // = $1,125 over 50,000 accepted = $0.0225 per accepted; naive = 180 ÷ 50,000 = $0.0036.
    const r = measuredCostPerAccepted({
      traceCostUsd: 180,
      accepted: 50_000,
      overheads: {
        engineering: { usd: 8 * 100, source: 'workload file' },
        eval: { usd: 40, source: '--eval-cost-per-month flag' },
        human: { usd: 12 * 5, source: 'workload file' },
        ops: { usd: 20, source: 'workload file' },
        invoiceDelta: { usd: 25, source: 'invoice − traces' },
      },
    });
    expect(r.totalUsd).toBeCloseTo(1125, 10);
    expect(r.costPerAccepted).toBeCloseTo(0.0225, 12);
    expect(r.naiveCostPerAccepted).toBeCloseTo(0.0036, 12);
    expect(r.included.map((t) => t.name)).toEqual(['engineering', 'eval', 'human', 'ops', 'invoiceDelta']);
    expect(r.included.find((t) => t.name === 'eval')!.source).toBe('--eval-cost-per-month flag');
    expect(r.notIncluded).toEqual(['repair']);
    expect(r.formula).toBe('(traces + engineering + eval + human + ops + invoiceDelta) ÷ accepted');
  });
  it('says what it left out, gives null with nothing accepted, and refuses a negative cost overhead', () => {
    const bare = measuredCostPerAccepted({ traceCostUsd: 10, accepted: 100, overheads: {} });
    expect(bare.costPerAccepted).toBeCloseTo(0.1, 12);
    expect(bare.included).toEqual([]);
    expect(bare.notIncluded).toEqual(['repair', 'engineering', 'eval', 'human', 'ops', 'invoiceDelta']);
    expect(measuredCostPerAccepted({ traceCostUsd: 10, accepted: 0, overheads: {} }).costPerAccepted).toBeNull();
    // A negative delta is an invoice below the traces: allowed; a negative ops cost is not.
    expect(measuredCostPerAccepted({ traceCostUsd: 10, accepted: 10, overheads: { invoiceDelta: { usd: -5, source: 'invoice − traces' } } }).costPerAccepted).toBeCloseTo(0.5, 12);
    expect(() => measuredCostPerAccepted({ traceCostUsd: 10, accepted: 10, overheads: { ops: { usd: -5, source: 'x' } } })).toThrow(/ops overhead/);
  });
  it('measuredLcpr and traceToMargin give its figure for the same period and overheads', () => {
    // June 2026 (a 30-day calendar month = 1 month of each monthly figure), 1000 requests all labelled, 900 passed: accepted = 900 on both sides.
    const window = { windowDays: 30, start: '2026-06-01T00:00:00Z', end: '2026-07-01T00:00:00Z', requests: 1000, attempts: 1000, labelled: 1000, passed: 900, escalated: 10, tokenCostUsd: 50, unpricedAttempts: 0, naiveCostPerRequest: 0.05 };
    const s = measuredLcpr(window, { evalCostPerMonth: { value: 30, evidence: 'assumed', source: 'w.yaml' }, humanCostPerEscalation: { value: 5, evidence: 'assumed', source: 'w.yaml' }, opsCostPerMonth: { value: 20, evidence: 'assumed', source: 'w.yaml' } });
    const m = traceToMargin({ traceCostUsd: 50, deltaUsd: 0, overheads: Object.fromEntries(s.overheadsIncluded.map((t) => [t.name, t])), accepted: 900 });
    // (50 + 30 + 10 × 5 + 20) ÷ 900 = 150 ÷ 900
    expect(s.lcpr).toBeCloseTo(150 / 900, 12);
    expect(m.loadedCostPerAccepted).toBeCloseTo(150 / 900, 12);
    expect(s.overheadsIncluded.map((t) => [t.name, t.usd])).toEqual([['eval', 30], ['human', 50], ['ops', 20]]);
    expect(m.overheadsIncluded.filter((t) => t.name !== 'invoiceDelta').map((t) => [t.name, t.usd])).toEqual([['eval', 30], ['human', 50], ['ops', 20]]);
    expect(s.overheadsNotIncluded).toContain('engineering');
  });
});

describe('measuredLcpr with no labelled request', () => {
  it('lists a given repair cost without crashing (no pass rate: repair is $0, LCPR is missing)', () => {
    const w = { windowDays: 1, requests: 4, attempts: 4, labelled: 0, passed: 0, escalated: 0, tokenCostUsd: 1, unpricedAttempts: 0, naiveCostPerRequest: 0.25 };
    const r = measuredLcpr(w, { repairCostPerFailure: { value: 0.5, evidence: 'assumed', source: 'w.yaml: repair_cost_per_failure' } });
    expect(r.lcpr).toBeNull();
    expect(r.overheadsIncluded).toEqual([{ name: 'repair', usd: 0, source: 'w.yaml: repair_cost_per_failure' }]);
  });
});
