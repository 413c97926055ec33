/** What would change between today's gateway config and the exported one, path by path. */
export interface ConfigChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

/** Keys whose values are credentials: a diff never prints them unless they are references. */
const SECRET_KEY = /(api[_-]?key|secret|token|password|authorization|credential|virtual[_-]?key)/i;
const REFERENCE = /^(os\.environ\/[A-Za-z_][A-Za-z0-9_]*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/;

export function redact(key: string | number, v: unknown): unknown {
  if (typeof key === 'string' && SECRET_KEY.test(key) && typeof v === 'string' && !REFERENCE.test(v)) return '<redacted>';
  if (v && typeof v === 'object') {
    if (Array.isArray(v)) return v.map((x, i) => redact(i, x));
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(k, x)]));
  }
  return v;
}

/** A model list keyed by a stable identity compares entries, not positions (order is not a change). */
function keyed(arr: unknown[]): Map<string, unknown> | null {
  const id = (x: unknown): string | undefined => {
    if (!x || typeof x !== 'object') return undefined;
    const o = x as Record<string, unknown>;
    const info = o.model_info as Record<string, unknown> | undefined;
    if (typeof info?.id === 'string') return info.id;
    if (typeof o.kind === 'string' && o.metadata && typeof (o.metadata as Record<string, unknown>).name === 'string') return `${o.kind}/${(o.metadata as Record<string, unknown>).name}`;
    if (typeof o.name === 'string') return o.name;
    return undefined;
  };
  const ids = arr.map(id);
  if (ids.some((x) => x === undefined) || new Set(ids).size !== ids.length) return null;
  return new Map(arr.map((x, i) => [ids[i]!, x]));
}

export function diffConfigs(before: unknown, after: unknown, path = ''): ConfigChange[] {
  const key = path.split(/[.[\]]/).filter(Boolean).at(-1) ?? '';
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = keyed(before);
    const b = keyed(after);
    if (a && b) {
      const out: ConfigChange[] = [];
      for (const [k, v] of a) out.push(...(b.has(k) ? diffConfigs(v, b.get(k), `${path}[${k}]`) : [{ path: `${path}[${k}]`, kind: 'removed' as const, before: redact(key, v) }]));
      for (const [k, v] of b) if (!a.has(k)) out.push({ path: `${path}[${k}]`, kind: 'added', after: redact(key, v) });
      return out;
    }
    const out: ConfigChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= before.length) out.push({ path: `${path}[${i}]`, kind: 'added', after: redact(i, after[i]) });
      else if (i >= after.length) out.push({ path: `${path}[${i}]`, kind: 'removed', before: redact(i, before[i]) });
      else out.push(...diffConfigs(before[i], after[i], `${path}[${i}]`));
    }
    return out;
  }
  const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
  if (isObj(before) && isObj(after)) {
    const out: ConfigChange[] = [];
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in after)) out.push({ path: p, kind: 'removed', before: redact(k, before[k]) });
      else if (!(k in before)) out.push({ path: p, kind: 'added', after: redact(k, after[k]) });
      else out.push(...diffConfigs(before[k], after[k], p));
    }
    return out;
  }
  return [{ path: path || '(root)', kind: 'changed', before: redact(key, before), after: redact(key, after) }];
}

export function renderChanges(changes: ConfigChange[]): string {
  const v = (x: unknown) => JSON.stringify(x);
  return changes.map((c) => (c.kind === 'added' ? `+ ${c.path}: ${v(c.after)}` : c.kind === 'removed' ? `- ${c.path}: ${v(c.before)}` : `~ ${c.path}: ${v(c.before)} → ${v(c.after)}`)).join('\n');
}
