// Browser stand-in for node:path, for the loader's file-name handling (workload/load.ts): POSIX rules.
export const sep = '/';
export function basename(p: string): string {
  const parts = p.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? '';
}
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}
export function isAbsolute(p: string): boolean {
  return p.startsWith('/');
}
export function join(...parts: string[]): string {
  return parts.filter(Boolean).join('/').replace(/\/+/g, '/');
}
export function resolve(...parts: string[]): string {
  let out = '';
  for (const p of parts) out = isAbsolute(p) ? p : out ? `${out}/${p}` : p;
  return out;
}
export default { sep, basename, dirname, isAbsolute, join, resolve };
