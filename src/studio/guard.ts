/**
 * What the Studio server lets in: requests addressed to this server by name (Host — no DNS
 * rebinding), from its own page (Origin), with the session token when it listens beyond loopback,
 * and file paths that stay inside the workload folder.
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/** Host header values this server answers to: loopback names (and the --host name) with its port. */
export function allowedHosts(host: string, port: number): Set<string> {
  const names = new Set(LOOPBACK_HOSTS);
  if (!isLoopback(host)) names.add(host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);
  return new Set([...names].map((n) => `${n}:${port}`));
}

export type Verdict = { ok: true } | { ok: false; status: 400 | 401 | 403 | 421; reason: string };

export function checkRequest(
  req: { method: string; host: string | undefined; origin: string | undefined; secFetchSite: string | undefined; token: string | undefined },
  allowed: Set<string>,
  token: string | undefined,
): Verdict {
  if (!req.host || !allowed.has(req.host.toLowerCase())) {
    return { ok: false, status: 421, reason: `Host "${req.host ?? ''}" is not this server (expected ${[...allowed].join(' or ')}); DNS-rebinding guard` };
  }
  if (req.origin !== undefined) {
    const m = /^https?:\/\/(.+)$/.exec(req.origin);
    if (!m || !allowed.has(m[1]!.toLowerCase())) return { ok: false, status: 403, reason: `Origin "${req.origin}" is not this server; cross-site requests are refused` };
  } else if (req.method !== 'GET' && req.method !== 'HEAD' && req.secFetchSite !== undefined && req.secFetchSite !== 'same-origin' && req.secFetchSite !== 'none') {
    return { ok: false, status: 403, reason: `a ${req.secFetchSite} ${req.method} is refused` };
  }
  if (token !== undefined && req.token !== token) {
    return { ok: false, status: 401, reason: 'this Studio listens beyond loopback: open the URL with ?token=… that `routefit studio` printed' };
  }
  return { ok: true };
}

export class PathRefused extends Error {}

/**
 * Resolves a path the page names (relative to the workload folder) to a file inside it. Refuses
 * absolute paths, `..` escapes, symlinks that lead out, NUL bytes and anything but .yaml/.yml.
 */
export function containedYaml(root: string, rel: unknown, mustExist: boolean): string {
  if (typeof rel !== 'string' || rel.length === 0 || rel.length > 500) throw new PathRefused('path must be a file name inside the workload folder');
  if (rel.includes('\0') || isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) throw new PathRefused(`path "${rel}" must be relative to the workload folder`);
  if (!/\.ya?ml$/i.test(rel)) throw new PathRefused(`path "${rel}": only .yaml and .yml workload files are read or written`);
  const realRoot = realpathSync(root);
  const full = resolve(realRoot, rel);
  if (!inside(realRoot, full)) throw new PathRefused(`path "${rel}" leaves the workload folder`);
  // Symlinks: the file (or, for a new file, its folder) must really be inside too.
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    if (mustExist) throw new PathRefused(`no file "${rel}" in the workload folder`);
    let dir: string;
    try {
      dir = realpathSync(dirname(full));
    } catch {
      throw new PathRefused(`folder of "${rel}" does not exist in the workload folder`);
    }
    if (!inside(realRoot, dir)) throw new PathRefused(`path "${rel}" leaves the workload folder`);
    return full;
  }
  if (!inside(realRoot, real)) throw new PathRefused(`path "${rel}" leads out of the workload folder`);
  return real;
}

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r !== '' && !r.startsWith('..' + sep) && r !== '..' && !isAbsolute(r);
}
