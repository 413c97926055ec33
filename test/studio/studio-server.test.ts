import { readFileSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Studio, exampleDir, startStudio } from './helpers.js';

const MAX = 1_000_000;
let dir: string;
let studio: Studio;
let base: URL;

beforeAll(async () => {
  dir = exampleDir('saas-chat.yaml', 'fleet.yaml');
  writeFileSync(join(dir, '..', 'outside-secret.yaml'), 'secret: 1\n');
  symlinkSync(join(dir, '..', 'outside-secret.yaml'), join(dir, 'link.yaml'));
  studio = await startStudio([join(dir, 'saas-chat.yaml')]);
  base = new URL(studio.url);
}, 60_000);
afterAll(async () => studio?.stop());

const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, base), { headers });
const put = (body: string, headers: Record<string, string> = {}) => fetch(new URL('api/file', base), { method: 'PUT', body, headers: { 'content-type': 'application/json', ...headers } });

describe('routefit studio: server', () => {
  it('listens on 127.0.0.1 on an ephemeral port and prints the URL', () => {
    expect(base.hostname).toBe('127.0.0.1');
    expect(Number(base.port)).toBeGreaterThan(1024);
    expect(studio.output()).toContain('routefit Studio: http://127.0.0.1:');
  });

  it('serves the built app and the session', async () => {
    const html = await (await get('/')).text();
    expect(html).toMatch(/<script type="module"[^>]+src="\.\/assets\/index-[\w-]+\.js"/);
    const s = (await (await get('api/session')).json()) as { file: string; files: string[] };
    expect(s.file).toBe('saas-chat.yaml');
    // A symlink is not listed (it may lead anywhere); it is refused when named, below.
    expect(s.files).toEqual(['fleet.yaml', 'saas-chat.yaml']);
  });

  it('refuses path traversal, absolute paths, symlinks out of the folder and non-YAML files', async () => {
    for (const p of ['../outside-secret.yaml', '..%2Foutside-secret.yaml', '/etc/passwd.yaml', 'link.yaml', '../../../../etc/hosts', 'saas-chat.yaml%00.txt']) {
      const r = await get(`api/file?path=${p.includes('%') ? p : encodeURIComponent(p)}`);
      expect(r.status, p).toBe(403);
      const body = (await r.json()) as { error: string };
      expect(body.error.length).toBeGreaterThan(10);
    }
    const w = await put(JSON.stringify({ path: '../evil.yaml', text: 'name: x\n' }));
    expect(w.status).toBe(403);
    const asset = await get('assets/..%2F..%2Fpackage.json');
    expect(asset.status).toBe(404);
  });

  it('refuses an oversized body with 413 and a reason, and keeps serving', async () => {
    const r = await put('x'.repeat(MAX + 10));
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: string }).error).toContain('over 1000000 bytes');
    expect((await get('api/session')).status).toBe(200);
  });

  it('survives malformed requests and says why', async () => {
    const bad = await put('{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not JSON/);
    const noEdits = await put(JSON.stringify({ path: 'saas-chat.yaml' }));
    expect(noEdits.status).toBe(400);
    const badEdit = await put(JSON.stringify({ path: 'saas-chat.yaml', edits: [{ path: 'x', value: 1 }] }));
    expect(badEdit.status).toBe(422);
    const unknown = await get('api/nope');
    expect(unknown.status).toBe(404);
    expect((await get('api/session')).status).toBe(200);
  });

  it('checks Host (DNS rebinding) and Origin (cross-site writes)', async () => {
    // fetch() will not forge Host; node:http does.
    const { request } = await import('node:http');
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port: base.port, path: '/api/session', headers: { Host: `attacker.example:${base.port}` } }, (res) => ok(res.statusCode!));
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(421);
    const cross = await put(JSON.stringify({ path: 'saas-chat.yaml', edits: [] }), { Origin: 'http://attacker.example' });
    expect(cross.status).toBe(403);
    const same = await put(JSON.stringify({ path: 'saas-chat.yaml', edits: [] }), { Origin: `http://127.0.0.1:${base.port}` });
    expect(same.status).toBe(200);
  });

  it('saves edits back with the comments kept, and writes nothing when the result would not load', async () => {
    const file = join(dir, 'saas-chat.yaml');
    const before = readFileSync(file, 'utf8');
    const ok = await put(JSON.stringify({ path: 'saas-chat.yaml', edits: [{ path: ['requests_per_month'], value: 750000 }, { path: ['routes', 2, 'label'], value: 'DeepSeek' }] }));
    expect(ok.status).toBe(200);
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('requests_per_month: 750000');
    expect(after).toMatch(/- route: together\/deepseek-v3\n\s+label: DeepSeek/);
    // Every comment line of the original survives.
    for (const line of before.split('\n').filter((l) => l.startsWith('#'))) expect(after).toContain(line);
    const bad = await put(JSON.stringify({ path: 'saas-chat.yaml', edits: [{ path: ['quality_pass_rate'], value: 95 }] }));
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { problems: { field: string; message: string }[] };
    expect(body.problems[0]!.field).toBe('quality_pass_rate');
    expect(body.problems[0]!.message).toContain('out of range');
    expect(readFileSync(file, 'utf8')).toBe(after);
  });
});

describe('routefit studio --host', () => {
  it('beyond loopback, every request needs the printed token', async () => {
    const dir2 = exampleDir('saas-chat.yaml');
    const s = await startStudio([join(dir2, 'saas-chat.yaml'), '--host', '0.0.0.0']);
    try {
      const u = new URL(s.url);
      const token = u.searchParams.get('token');
      expect(token).toMatch(/^[\w-]{20,}$/);
      expect(s.output()).toContain('token');
      // The Host header must still be one this server answers to: 0.0.0.0:port is, as given.
      const hosted = (path: string, t?: string) => fetch(`http://127.0.0.1:${u.port}${path}`, { headers: t ? { 'x-routefit-token': t } : {} });
      expect((await hosted('/api/session')).status).toBe(401);
      expect((await hosted('/api/session', 'wrong')).status).toBe(401);
      expect((await hosted('/api/session', token!)).status).toBe(200);
      const page = await fetch(`http://127.0.0.1:${u.port}/?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('set-cookie')).toMatch(/routefit_token=.*HttpOnly.*SameSite=Strict/i);
    } finally {
      await s.stop();
    }
  }, 60_000);
});
