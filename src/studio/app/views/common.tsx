import { useEffect, useState } from 'preact/hooks';
import type { Problem } from '../../../io/yaml-file.js';
import { problemText } from '../model.js';
import type { ViewProps } from '../types.js';

/** The loader's own messages (file, line, field, allowed range): the same text the CLI prints. */
export function Problems({ problems, file }: { problems: Problem[]; file: string }) {
  return (
    <div class="problems" role="alert" data-testid="problems">
      <strong>This input cannot be priced yet:</strong>
      <ul>{problems.map((p) => <li data-field={p.field ?? ''}>{problemText(p, file)}</li>)}</ul>
    </div>
  );
}

export function WorkloadPicker({ computed, state, set }: ViewProps) {
  // The loader's names: reading priced[i].prepared.name would price every workload of the fleet.
  const names = computed.names;
  if (names.length < 2) return null;
  return (
    <label class="picker">
      Workload{' '}
      <select aria-label="workload" value={String(state.workload)} onChange={(e) => set({ workload: Number((e.target as HTMLSelectElement).value), route: null })}>
        {names.map((n, i) => <option value={String(i)}>{n}</option>)}
      </select>
    </label>
  );
}

export function rawNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (raw && typeof raw === 'object' && typeof (raw as { value?: unknown }).value === 'number') return (raw as { value: number }).value;
  return undefined;
}

/**
 * A number input that passes what the user typed to the loader as is: a value out of range or not a
 * number gets the loader's message, never a silent clamp or NaN. Empty removes the key (default).
 */
export function NumberField(props: { label: string; name: string; raw: unknown; placeholder?: string; rate?: boolean; log?: boolean; compact?: boolean; onChange: (v: unknown) => void }) {
  const current = rawNumber(props.raw);
  const [text, setText] = useState(current === undefined ? '' : String(current));
  useEffect(() => {
    if (Number(text) !== current && !(text === '' && current === undefined)) setText(current === undefined ? '' : String(current));
  }, [current]);
  const commit = (t: string) => {
    setText(t);
    const trimmed = t.trim();
    props.onChange(trimmed === '' ? undefined : Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed);
  };
  // A slider only for a value that is set: an empty one would show a position the file does not hold.
  const slider = props.rate && current !== undefined ? (
    <input type="range" min="0" max="1" step="0.005" aria-label={`${props.label} slider`} value={current ?? ''} onInput={(e) => commit((e.target as HTMLInputElement).value)} />
  ) : props.log && current !== undefined && current > 0 ? (
    <input
      type="range"
      min="3"
      max="9"
      step="0.01"
      aria-label={`${props.label} slider (log scale)`}
      value={Math.log10(current)}
      onInput={(e) => commit(String(Math.round(10 ** Number((e.target as HTMLInputElement).value))))}
    />
  ) : null;
  return (
    <label class="field">
      {props.compact ? null : <span>{props.label}</span>}
      <input type="text" aria-label={props.label} inputMode="decimal" name={props.name} data-field={props.name} value={text} placeholder={props.placeholder ?? ''} onInput={(e) => commit((e.target as HTMLInputElement).value)} />
      {slider}
    </label>
  );
}
