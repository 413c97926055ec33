import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { allowedHosts, isLoopback } from './guard.js';
import { studioApp } from './server.js';

export interface StartOptions {
  file?: string;
  db?: string;
  clickhouse?: string;
  port?: number;
  host?: string;
  catalog?: string;
  today: string;
}

export interface RunningStudio {
  url: string;
  /** Present when listening beyond loopback; already part of `url`. */
  token?: string;
  close: () => Promise<void>;
}

/** The built single-page app: dist/studio-app, beside dist/studio/ (also found from src/ when run by tsx). */
export function appAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, '..', 'studio-app'), join(here, '..', '..', 'dist', 'studio-app')]) {
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new Error('the Studio app is not built: run `npm run build`');
}

export class StudioUsageError extends Error {}

export async function startStudio(opts: StartOptions): Promise<RunningStudio> {
  let root = process.cwd();
  let file: string | undefined;
  if (opts.file) {
    const full = resolve(opts.file);
    if (!existsSync(full)) throw new StudioUsageError(`${opts.file}: file not found`);
    if (statSync(full).isDirectory()) root = full;
    else {
      if (!/\.ya?ml$/i.test(full)) throw new StudioUsageError(`${opts.file}: the Studio opens .yaml/.yml workload files`);
      root = dirname(full);
      file = basename(full);
    }
  }
  if (opts.db && opts.clickhouse) throw new StudioUsageError('--db and --clickhouse are alternatives: give one trace store');
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StudioUsageError(`--port must be a whole number 0–65535; got ${opts.port}`);
  const token = isLoopback(host) ? undefined : randomBytes(18).toString('base64url');
  const assetsDir = appAssetsDir();
  const db = opts.db ? resolve(opts.db) : undefined;

  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    let app: ReturnType<typeof studioApp> | undefined;
    const s = serve(
      {
        // Host check needs the real port, known only once listening: build the app then.
        fetch: (req, env) => (app ? app.fetch(req, env) : new Response('starting', { status: 503 })),
        port,
        hostname: host,
      },
      (info: AddressInfo) => {
        app = studioApp({
          root,
          ...(file ? { file } : {}),
          ...(db ? { db } : {}),
          ...(opts.clickhouse ? { clickhouse: opts.clickhouse } : {}),
          ...(opts.catalog ? { catalogDir: opts.catalog } : {}),
          assetsDir,
          allowedHosts: allowedHosts(host, info.port),
          ...(token ? { token } : {}),
          today: opts.today,
        });
        ok(s);
      },
    );
    s.on('error', fail);
  });
  // Keep a request with a slow or endless body from holding the server.
  server.setTimeout?.(30_000);
  const addr = server.address() as AddressInfo;
  const shownHost = isLoopback(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${addr.port}/${token ? `?token=${token}` : ''}`;
  return {
    url,
    ...(token ? { token } : {}),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
