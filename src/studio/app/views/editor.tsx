import { useState } from 'preact/hooks';
import { type Session, saveText } from '../api.js';
import { EVIDENCE_LABELS, type Field, ROUTE_FIELDS, WORKLOAD_FIELDS, boundsText, keyPath } from '../fields.js';
import { num } from '../fmt.js';
import { routesPath, workloadPath } from '../model.js';
import type { ViewProps } from '../types.js';
import { withEdit } from '../url-state.js';
import { NumberField, Problems, WorkloadPicker, rawNumber } from './common.js';
import { citeTitle } from './compare.js';

export function EditorView(props: ViewProps) {
  const { computed, state, set, session } = props;
  const i = Math.min(state.workload, Math.max(computed.raw.length - 1, 0));
  const raw = computed.raw[i] ?? {};
  const edit = (path: (string | number)[], v: unknown) => set({ edits: withEdit(state.edits, path, v) });
  const list = routesPath(computed, i);
  const entries = (list[0] === 'routes' && computed.fleet ? computed.fleet.routes : raw.routes) as unknown[] | undefined;
  return (
    <section class="editor">
      <WorkloadPicker {...props} />
      {!computed.outcome.ok ? <Problems problems={computed.outcome.problems} file={state.file!} /> : <p class="ok" data-testid="valid">The file is valid: every command that reads it sees these values.</p>}
      <h2>Workload fields</h2>
      <table class="fields" data-testid="fields">
        <thead>
          <tr>
            <th>Field</th>
            <th>Value</th>
            <th>Unit</th>
            <th>Allowed</th>
            <th>Default (evidence)</th>
            <th>Evidence</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {WORKLOAD_FIELDS.map((f) => (
            <FieldRow f={f} raw={raw[f.key]} path={workloadPath(computed, i, f.key)} edit={edit} />
          ))}
        </tbody>
      </table>
      <h2>Per-route overrides</h2>
      <p class="hint">A route's own value replaces the workload's for that route only. Empty means the workload value (or the catalog's).</p>
      <table class="fields">
        <thead>
          <tr>
            <th>Route</th>
            {ROUTE_FIELDS.map((f) => <th title={`${f.description}; ${boundsText(f.bounds)}`}>{f.key} {f.unit ? <small>({f.unit})</small> : null}</th>)}
          </tr>
        </thead>
        <tbody>
          {(entries ?? []).map((e, j) => {
            const id = typeof e === 'string' ? e : String((e as { route?: unknown })?.route ?? '');
            const obj = typeof e === 'object' && e ? (e as Record<string, unknown>) : {};
            return (
              <tr>
                <td>{id}</td>
                {ROUTE_FIELDS.map((f) => (
                  <td>
                    <NumberField compact label={`${id} ${f.key}`} name={`${id}.${f.key}`} raw={keyPath(f.key).reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj)} onChange={(v) => edit([...list, j, ...keyPath(f.key)], v)} />
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>The file as it will be saved</h2>
      <pre class="yaml" data-testid="yaml">{computed.text}</pre>
      <Presets session={session} onCreated={(file) => set({ file, edits: [], workload: 0 })} />
    </section>
  );
}

function FieldRow({ f, raw, path, edit }: { f: Field; raw: unknown; path: (string | number)[]; edit: (p: (string | number)[], v: unknown) => void }) {
  const sourcedRaw = raw && typeof raw === 'object' ? (raw as { evidence?: string; source?: string }) : undefined;
  const isSet = raw !== undefined;
  return (
    <tr data-row={f.key}>
      <td title={f.description}>
        <strong>{f.key}</strong>
        <div class="desc">{f.description}</div>
      </td>
      <td>
        {f.kind === 'number' ? (
          <NumberField compact label={f.key} name={f.key} raw={raw} rate={!!f.rate} placeholder={f.default ? String(f.default.value) : ''} onChange={(v) => edit(path, v)} />
        ) : f.kind === 'enum' ? (
          <select aria-label={f.key} value={typeof raw === 'string' ? raw : ''} onChange={(e) => edit(path, (e.target as HTMLSelectElement).value || undefined)}>
            <option value="">(default)</option>
            {f.choices!.map((c) => <option value={c}>{c}</option>)}
          </select>
        ) : (
          <input type="text" aria-label={f.key} data-field={f.key} value={typeof raw === 'string' ? raw : ''} placeholder={f.kind === 'date' ? 'YYYY-MM-DD' : ''} onChange={(e) => edit(path, (e.target as HTMLInputElement).value || undefined)} />
        )}
      </td>
      <td>{f.unit ?? ''}</td>
      <td>{f.kind === 'number' ? boundsText(f.bounds) : f.kind === 'date' ? 'a calendar date' : f.kind === 'enum' ? f.choices!.join(' | ') : 'text'}</td>
      <td>{f.default ? <span>{num(f.default.value)} <span class={`ev ev-${f.default.evidence}`}>{f.default.evidence}</span></span> : f.required ? 'required' : '—'}</td>
      <td>
        {f.kind === 'number' && isSet ? (
          <select aria-label={`${f.key} evidence`} value={sourcedRaw?.evidence ?? 'assumed'} onChange={(e) => edit([...path, 'evidence'], (e.target as HTMLSelectElement).value)}>
            {EVIDENCE_LABELS.map((ev) => <option value={ev}>{ev}</option>)}
          </select>
        ) : f.kind === 'number' ? (
          <span class="muted">{f.default ? `default: ${f.default.evidence}` : 'not set'}</span>
        ) : null}
      </td>
      <td>
        {f.kind === 'number' && isSet && rawNumber(raw) !== undefined ? (
          <input type="text" aria-label={`${f.key} source`} value={sourcedRaw?.source ?? ''} placeholder="workload file" onChange={(e) => edit([...path, 'source'], (e.target as HTMLInputElement).value || undefined)} />
        ) : (
          <span class="muted">{citeTitle(f.default?.source ?? '')}</span>
        )}
      </td>
    </tr>
  );
}

/** Presets: the Inference Field Guide's workload reference cards, saved as a new commented file. */
function Presets({ session, onCreated }: { session: Session; onCreated: (file: string) => void }) {
  const [name, setName] = useState('');
  const [preset, setPreset] = useState(session.presets[0]?.name ?? '');
  const [msg, setMsg] = useState<string | null>(null);
  const p = session.presets.find((x) => x.name === preset);
  const create = async () => {
    const file = name.trim() ? (/\.ya?ml$/i.test(name.trim()) ? name.trim() : `${name.trim()}.yaml`) : `${preset}.yaml`;
    try {
      const r = await saveText(file, p!.text);
      if (!session.files.includes(r.path)) session.files.push(r.path);
      setMsg(`created ${r.path}`);
      onCreated(r.path);
    } catch (e) {
      setMsg(`not created: ${(e as Error).message}`);
    }
  };
  return (
    <div class="presets">
      <h2>Start from a preset</h2>
      <label>
        Preset{' '}
        <select aria-label="preset" value={preset} onChange={(e) => setPreset((e.target as HTMLSelectElement).value)}>
          {session.presets.map((x) => <option value={x.name}>{x.title}</option>)}
        </select>
      </label>{' '}
      <label>
        New file <input type="text" aria-label="new file name" value={name} placeholder={`${preset}.yaml`} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>{' '}
      <button onClick={create} disabled={!p}>Create</button>
      {p ? <p class="hint">Card defaults: {p.card}.</p> : null}
      {msg ? <p role="status">{msg}</p> : null}
    </div>
  );
}

EditorView.Presets = Presets;
