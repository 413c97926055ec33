import { useMemo } from 'preact/hooks';
import { agentReport } from '../../../cli/agent-calc.js';
import { LATENCY_TIERS } from '../../../engine/decisions/agent-workflow.js';
import { RoutefitError } from '../../../engine/errors.js';
import { agentFromSource } from '../../../io/agent-file.js';
import { InputFileError, type Problem, parseYaml } from '../../../io/yaml-file.js';
import { count, percent, usd, usdPerRequest } from '../fmt.js';
import type { ViewProps } from '../types.js';
import { withEdit } from '../url-state.js';
import { Fig } from './calc-form.js';
import { NumberField, Problems } from './common.js';

type Outcome = { ok: true; loaded: ReturnType<typeof agentFromSource>; report: ReturnType<typeof agentReport>; raw: Record<string, unknown> } | { ok: false; problems: Problem[] };

/**
 * `routefit agent FILE` on the file open in the Studio, with its edits: the same loader (every field
 * checked, messages with file, line and range) and the same engine call. The file is read and saved
 * through the server like any workload file.
 */
function agentOf(file: string, text: string, catalog: ViewProps['catalog'], today: string): Outcome {
  try {
    const src = parseYaml(file, text);
    const loaded = agentFromSource(src, catalog, today);
    const raw = ((src.data as Record<string, unknown>).agent ?? {}) as Record<string, unknown>;
    return { ok: true, loaded, report: agentReport(loaded), raw };
  } catch (err) {
    if (err instanceof InputFileError) return { ok: false, problems: err.problems };
    if (err instanceof RoutefitError) return { ok: false, problems: [{ ...(err.field ? { field: err.field } : {}), message: err.message }] };
    throw err;
  }
}

const TOP = [
  { key: 'user_prompt_tokens', label: "User's prompt tokens" },
  { key: 'task_success_rate', label: 'Task success rate', rate: true },
  { key: 'tasks_per_month', label: 'Tasks per month' },
] as const;
const PHASE = [
  { key: 'calls', label: 'calls' },
  { key: 'input_tokens', label: 'input tokens' },
  { key: 'output_tokens', label: 'output tokens' },
  { key: 'cache_hit_rate', label: 'cache hit rate' },
  { key: 'latency_tolerance_s', label: 'latency tolerance s' },
] as const;

export function AgentView(props: ViewProps) {
  const { state, set, session, catalog, computed } = props;
  const file = state.file!;
  const isAgent = session.agentFiles.includes(file) || /^agent:/m.test(props.baseText);
  const text = isAgent ? computed.text : '';
  const o = useMemo(() => (isAgent ? agentOf(file, text, catalog, session.today) : null), [file, text, catalog, session.today, isAgent]);
  const others = session.agentFiles.filter((f) => f !== file);
  const open = (f: string) => set({ file: f, edits: [], workload: 0, route: null });
  if (!o) {
    return (
      <section class="agent">
        <h2>Agent workflow per phase</h2>
        <p>{file} has no <code>agent:</code> block. {others.length ? 'Open an agent file of this folder:' : 'No file of this folder has one: add an agent: block (phases with calls, tokens, route and who reads the output) to price a task phase by phase.'}</p>
        <ul data-testid="agent-files">{others.map((f) => <li><button data-agent-file={f} onClick={() => open(f)}>{f}</button></li>)}</ul>
      </section>
    );
  }
  const edit = (path: (string | number)[], v: unknown) => set({ edits: withEdit(state.edits, ['agent', ...path], v) });
  if (!o.ok) {
    // The fields stay editable so the user can fix the value the loader refuses.
    const raw = rawAgent(file, text);
    return (
      <section class="agent">
        <h2>Agent workflow per phase</h2>
        <Problems problems={o.problems} file={file} />
        <AgentFields raw={raw} edit={edit} />
      </section>
    );
  }
  const r = o.report;
  const a = o.loaded;
  return (
    <section class="agent">
      <h2>Agent workflow per phase: {a.file.name ?? file}</h2>
      <p class="muted">Per call: uncached input × input rate + cached input × cached rate + output × output rate; per accepted task ÷ the task success rate (Inference Field Guide, workload reference cards, "Agent workflows"). Step routing: human-facing steps stay real-time; machine-facing steps move to batch (50% off) when they tolerate a day, to async when they tolerate a minute (the playbook, ch. 21). Priced as of {a.asOf}.</p>
      {others.length ? <p class="muted">Other agent files: {others.map((f) => <button data-agent-file={f} onClick={() => open(f)}>{f}</button>)}</p> : null}
      <AgentFields raw={o.raw} edit={edit} />
      <table data-testid="agent-phases">
        <thead><tr><th>Phase</th><th>Route (price)</th><th class="num">Calls</th><th class="num">$/call</th><th class="num">$/task</th><th class="num">Share</th><th>Tier now</th><th>Can move to</th></tr></thead>
        <tbody>
          {r.phases.map((p, i) => {
            const step = r.routing.steps[i]!;
            return (
              <tr data-phase={p.name}>
                <td>{p.name}</td><td>{a.priced[i]?.route ?? 'price in the file'} <small class="muted">{a.priced[i]?.source}</small></td>
                <Fig id="calls" value={p.calls}>{count(p.calls)}</Fig>
                <Fig id="costPerCall" value={p.costPerCall}>{usdPerRequest(p.costPerCall)}</Fig>
                <Fig id="costPerTask" value={p.costPerTask}>{usdPerRequest(p.costPerTask)}</Fig>
                <Fig id="costShare" value={p.costShare}>{percent(p.costShare)}</Fig>
                <td>{LATENCY_TIERS[step.from].label}</td><td data-to={step.to}>{step.to === step.from ? '—' : LATENCY_TIERS[step.to].label}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table data-testid="agent-totals">
        <tbody>
          <tr><td>Calls per task</td><Fig id="callsPerTask" value={r.callsPerTask}>{count(r.callsPerTask)}</Fig></tr>
          <tr><td>Calls per accepted task</td><Fig id="callsPerAcceptedTask" value={r.callsPerAcceptedTask}>{r.callsPerAcceptedTask.toFixed(1)}</Fig></tr>
          <tr><td>Token fanout (× the user's prompt)</td><Fig id="tokenFanout" value={r.tokenFanout}>{r.tokenFanout.toFixed(1)}×</Fig></tr>
          <tr><td>Uncached input share</td><Fig id="uncachedShare" value={r.uncachedShare}>{percent(r.uncachedShare)}</Fig></tr>
          <tr><td>Cost per task</td><Fig id="costPerTask" value={r.costPerTask}>{usdPerRequest(r.costPerTask)}</Fig></tr>
          <tr><td>Cost per accepted task</td><Fig id="costPerAcceptedTask" value={r.costPerAcceptedTask}>{usdPerRequest(r.costPerAcceptedTask)}</Fig></tr>
          <tr><td>After step routing</td><Fig id="costPerAcceptedTaskAfterRouting" value={r.costPerAcceptedTaskAfterRouting}>{usdPerRequest(r.costPerAcceptedTaskAfterRouting)} ({percent(r.routing.savingsShare)} less)</Fig></tr>
          {r.monthly ? <tr><td>At {count(r.monthly.tasks)} tasks/month</td><Fig id="monthly.cost" value={r.monthly.cost}>{usd(r.monthly.cost)} now, {usd(r.monthly.costAfterRouting)} routed</Fig></tr> : null}
        </tbody>
      </table>
    </section>
  );
}

/** The agent block as written (for the fields while it has problems). */
function rawAgent(file: string, text: string): Record<string, unknown> {
  try {
    const d = parseYaml(file, text).data as Record<string, unknown> | null;
    const a = d && typeof d === 'object' ? d.agent : undefined;
    return a && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Every number of the agent block, editable; the loader checks what is typed (empty removes the key). */
function AgentFields({ raw, edit }: { raw: Record<string, unknown>; edit: (path: (string | number)[], v: unknown) => void }) {
  const phases = Array.isArray(raw.phases) ? (raw.phases as unknown[]).map((p) => (p && typeof p === 'object' ? (p as Record<string, unknown>) : {})) : [];
  return (
    <>
      <div class="filters" data-testid="agent-fields">
        {TOP.map((f) => <NumberField label={f.label} name={`agent.${f.key}`} raw={raw[f.key]} {...('rate' in f ? { rate: true } : {})} onChange={(v) => edit([f.key], v)} />)}
      </div>
      <table class="fields" data-testid="agent-phase-fields">
        <thead><tr><th>Phase</th><th>route</th><th>facing</th>{PHASE.map((f) => <th>{f.label}</th>)}</tr></thead>
        <tbody>
          {phases.map((p, i) => (
            <tr>
              <td>{String(p.name ?? `phase ${i + 1}`)}</td>
              <td><input type="text" aria-label={`${String(p.name)} route`} data-field={`agent.phases.${i}.route`} value={typeof p.route === 'string' ? p.route : ''} onChange={(e) => edit(['phases', i, 'route'], (e.target as HTMLInputElement).value.trim() || undefined)} /></td>
              <td>
                <select aria-label={`${String(p.name)} facing`} data-field={`agent.phases.${i}.facing`} value={String(p.facing ?? '')} onChange={(e) => edit(['phases', i, 'facing'], (e.target as HTMLSelectElement).value)}>
                  {['human', 'machine'].map((c) => <option value={c}>{c}</option>)}
                </select>
              </td>
              {PHASE.map((f) => <td><NumberField compact label={`${String(p.name)} ${f.label}`} name={`agent.phases.${i}.${f.key}`} raw={p[f.key]} onChange={(v) => edit(['phases', i, f.key], v)} /></td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
