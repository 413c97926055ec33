/**
 * Option declarations: a flag, its parser and its range, in one object. Browser-safe (no commander),
 * so the Studio checks what a user types into a calculator with the very declaration the CLI uses and
 * shows the same message (`--rps is "x"; allowed 0 ≤ value ≤ 1000000000`).
 */
import { parseDate, parseList, parseNumber, type NumberRange } from './flags.js';

export class Opt<T, Given extends boolean = false> {
  defaultValue: T | undefined;
  defaultText: string | undefined;
  isRequired = false;
  envVar: string | undefined;
  conflictsWith: string[] = [];
  presetText: string | undefined;
  declare readonly __given: Given;
  constructor(
    readonly flags: string,
    readonly description: string,
    readonly parse?: (text: string, previous: T | undefined) => T,
  ) {}
  /** A typed default (the parser does not see it); `text` is how --help shows it. */
  default(value: T, text?: string): Opt<T, true> {
    this.defaultValue = value;
    this.defaultText = text;
    return this as unknown as Opt<T, true>;
  }
  required(): Opt<T, true> {
    this.isRequired = true;
    return this as unknown as Opt<T, true>;
  }
  env(name: string): this {
    this.envVar = name;
    return this;
  }
  conflicts(...names: string[]): this {
    this.conflictsWith.push(...names);
    return this;
  }
  /** The value an optional-argument flag (`--volume [lo:hi]`) takes when given bare. */
  preset(text: string): this {
    this.presetText = text;
    return this;
  }
}

/** Option builders: the parser and range travel with the declaration. */
export const opt = {
  string: (flags: string, description: string) => new Opt<string>(flags, description),
  flag: (flags: string, description: string) => new Opt<boolean>(flags, description),
  number: (flags: string, description: string, range: NumberRange = {}) => new Opt<number>(flags, description, (t) => parseNumber(longName(flags), t, range)),
  /** A comma-separated list of numbers, each checked against the range. */
  numbers: (flags: string, description: string, range: NumberRange = {}) =>
    new Opt<number[]>(flags, description, (t) => (parseList(t) ?? [t]).map((x) => parseNumber(longName(flags), x, range))),
  date: (flags: string, description: string) => new Opt<string>(flags, description, (t) => parseDate(longName(flags), t)),
  /** Repeatable: every occurrence is kept, in order. */
  repeatable: (flags: string, description: string) => new Opt<string[]>(flags, description, (t, prev) => [...(prev ?? []), t]).default([]),
  json: () => new Opt<boolean>('--json', 'machine-readable output'),
  catalog: () => new Opt<string>('--catalog <dir>', 'use this catalog directory instead of the bundled one'),
  /** Overlays written by `routefit catalog import` (repeatable; a file or a directory of them). */
  catalogOverlay: () => opt.repeatable('--catalog-overlay <path>', 'price with this overlay from `routefit catalog import` on top of the catalog (a file or a directory; repeatable)'),
  asOf: (description = 'price as of this date (YYYY-MM-DD)') => opt.date('--as-of <date>', description),
};

const longName = (flags: string) => /--[\w-]+/.exec(flags)?.[0] ?? flags;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOpt = Opt<any, boolean>;
type ValueOf<D> = D extends Opt<infer T, infer G> ? (G extends true ? T : T | undefined) : never;
export type OptionValues<O extends Record<string, AnyOpt>> = { [K in keyof O]: ValueOf<O[K]> };
