/**
 * Calculator inputs checked by the CLI's own flag declarations (src/cli/calculator-options.ts): what
 * the user types goes through the flag's parser, so a bad value shows the message `routefit <command>`
 * prints for it (`--rps is "x"; allowed 0 ≤ value ≤ 1000000000`) beside the field, and nothing is
 * computed from it. Texts live in the URL state (`opts`) under a per-calculator prefix.
 */
import type { JSX } from 'preact';
import { RoutefitError } from '../../../engine/errors.js';
import { CliUsageError } from '../../../cli/io.js';
import type { AnyOpt, OptionValues } from '../../../cli/options.js';
import type { ViewProps } from '../types.js';

export interface FlagForm<O extends Record<string, AnyOpt>> {
  values: OptionValues<O>;
  /** Message per option key, the CLI's text. */
  errors: Partial<Record<keyof O & string, string>>;
  ok: boolean;
  text: (k: keyof O & string) => string;
  put: (k: keyof O & string, v: string) => void;
  prefix: string;
}

/** The option's long flag, as the CLI names it (`--rps`). */
export const flagName = (o: AnyOpt) => /--[\w-]+/.exec(o.flags)?.[0] ?? o.flags;

/**
 * Parses the texts of `keys` with their declarations; an empty text takes the declared default (or
 * none). `initial` holds the text shown before the user types (prefilled from the workload file).
 */
export function useFlagForm<O extends Record<string, AnyOpt>>(p: Pick<ViewProps, 'state' | 'set'>, prefix: string, options: O, initial: Partial<Record<keyof O & string, string>> = {}, only?: readonly (keyof O & string)[]): FlagForm<O> {
  const o = p.state.opts;
  const text = (k: keyof O & string) => String(o[`${prefix}.${k}`] ?? initial[k] ?? '');
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [k, opt] of Object.entries(options)) {
    // A section that shows a few of a command's flags checks those (the rest are the command's, e.g. a required --route).
    if (only && !only.includes(k)) continue;
    const t = text(k).trim();
    if (t === '') {
      if (opt.defaultValue !== undefined) values[k] = opt.defaultValue;
      else if (opt.isRequired) errors[k] = `required option '${opt.flags}' not specified`;
      continue;
    }
    try {
      values[k] = opt.parse ? opt.parse(t, undefined) : t;
    } catch (err) {
      errors[k] = messageOf(err);
    }
  }
  return {
    values: values as OptionValues<O>,
    errors: errors as FlagForm<O>['errors'],
    ok: Object.keys(errors).length === 0,
    text,
    put: (k, v) => p.set({ opts: { ...p.state.opts, [`${prefix}.${k}`]: v } }),
    prefix,
  };
}

/** A bad-input error's message; anything else is a bug and is thrown on. */
export function messageOf(err: unknown): string {
  if (err instanceof CliUsageError || err instanceof RoutefitError) return err.message;
  throw err;
}

/** Runs a calculation; a bad-input error becomes its message (shown, never NaN), a bug is thrown. */
export function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; message: string } {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, message: messageOf(err) };
  }
}

/** One input bound to a flag: label, the flag's name as a hint, the CLI's message under it. */
export function Flag<O extends Record<string, AnyOpt>>({ form, k, label, options, choices, placeholder }: { form: FlagForm<O>; k: keyof O & string; label: string; options: O; choices?: string[]; placeholder?: string }): JSX.Element {
  const id = `${form.prefix}.${k}`;
  const err = form.errors[k];
  const opt = options[k]!;
  const hint = `${flagName(opt)}: ${opt.description}`;
  return (
    <label class={`flag${err ? ' bad' : ''}`} title={hint}>
      <span>{label}</span>
      {choices ? (
        <select aria-label={label} data-flag={id} value={form.text(k)} onChange={(e) => form.put(k, (e.target as HTMLSelectElement).value)}>
          {choices.map((c) => <option value={c}>{c === '' ? '—' : c}</option>)}
        </select>
      ) : (
        <input type="text" aria-label={label} data-flag={id} value={form.text(k)} placeholder={placeholder ?? (opt.defaultText ?? (opt.defaultValue !== undefined ? String(opt.defaultValue) : ''))} onInput={(e) => form.put(k, (e.target as HTMLInputElement).value)} />
      )}
      {err ? <small class="field-error" role="alert" data-error-for={id}>{err}</small> : null}
    </label>
  );
}

/** The form-level outcome: the CLI's message for a combination it refuses, or a note that a field needs fixing. */
export function Refusal({ id, message }: { id: string; message: string }) {
  return <p class="warn" role="alert" data-refusal={id}>{message}</p>;
}

export const fieldsNeedFixing = (id: string) => <Refusal id={id} message="Fix the field marked above: nothing is computed from a value the CLI would refuse." />;

/** A figure with its exact value for tests and copy (data-value), shown with the given format. */
export function Fig({ id, value, children }: { id: string; value: number | null | undefined; children: preact.ComponentChildren }) {
  return <td class="num" data-fig={id} data-value={value === null || value === undefined ? '' : String(value)}>{children}</td>;
}
