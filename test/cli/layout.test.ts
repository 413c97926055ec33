import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/program.js';
import { cli } from '../helpers/cli.js';
import { importGraph, staticClosure, staticCycles } from '../helpers/imports.js';

const SRC = join(__dirname, '..', '..', 'src');
const graph = importGraph(SRC);
const cliFiles = [...graph.keys()].filter((f) => f.startsWith(join(SRC, 'cli')));

describe('CLI layout (issue 10)', () => {
  it('has no import cycle inside src/cli', () => {
    expect(staticCycles(graph, join(SRC, 'cli'))).toEqual([]);
  });

  it('holds no SQL: queries live in src/traces as library functions', () => {
    const sql = cliFiles.filter((f) => /\b(SELECT|INSERT INTO|COPY \(|CREATE TABLE)\b|\.conn\.(run|query|stream)/.test(readFileSync(f, 'utf8')));
    expect(sql).toEqual([]);
  });

  it('parses numbers only through src/cli/flags.ts', () => {
    const raw = cliFiles.filter((f) => !f.endsWith('flags.ts') && /\bNumber\(\s*(?:opts|text|parts|answer|v\b(?!\.toPrecision))|parseFloat\(|parseInt\(|\.map\(Number\)/.test(readFileSync(f, 'utf8')));
    expect(raw).toEqual([]);
  });

  it('registers one module per command, and every module loads and declares its options under their commander names', async () => {
    expect(new Set(COMMANDS.map((c) => c.name)).size).toBe(COMMANDS.length);
    for (const c of COMMANDS) {
      const r = await cli(...c.name.split(' '), '--help');
      expect({ command: c.name, code: r.code, stderr: r.stderr }).toEqual({ command: c.name, code: 0, stderr: '' });
      expect(r.stdout).toContain('Usage: routefit');
    }
  });

  it('lists every command in --help without loading any command module', async () => {
    const help = (await cli('--help')).stdout;
    for (const group of ['compare', 'catalog', 'traces', 'plan', 'sweep']) expect(help).toContain(group);
    const traces = (await cli('traces', '--help')).stdout;
    for (const sub of COMMANDS.filter((c) => c.name.startsWith('traces ')).map((c) => c.name.split(' ')[1]!)) expect(traces).toContain(sub);
    // Start-up: program.ts reaches no engine, schema, catalog or store module through static imports.
    const closure = [...staticClosure(graph, join(SRC, 'cli', 'program.ts'))].map((f) => f.slice(SRC.length + 1));
    expect(closure.filter((f) => !/^(cli\/(program|command|options|flags|io)\.ts|engine\/errors\.ts|io\/input-error\.ts)$/.test(f))).toEqual([]);
  });

  it('refuses a bad number flag the same way in every command: flag, what was typed, what is allowed, exit 2', async () => {
    const cases: [string[], string][] = [
      [['compare', 'examples/saas-chat.yaml', '--uncertainty', '--samples', '1e9'], '--samples is "1e9"; allowed a whole number 1 ≤ value ≤ 1000000'],
      [['size', '--model', 'llama-3.3-70b', '--gpu', 'h100-sxm', '--precision', 'fp16', '--context', '12abc'], '--context is "12abc"; allowed 1 ≤ value ≤ 10000000'],
      [['traces', 'summarize', '--slo-ttft-ms', '-5'], '--slo-ttft-ms is "-5"; allowed 0 ≤ value'],
      [['self-managed', '--gpus', '2.5', '--self', 'lambda/h100-sxm', '--managed', 'fireworks/h100'], '--gpus is "2.5"; allowed a whole number 1 ≤ value ≤ 1000000'],
      [['traces', 'generate', '--workload', 'examples/saas-chat.yaml', '--out', 'x.csv', '--malformed', '150%'], '--malformed is "150%"; allowed 0 ≤ value ≤ 1'],
      [['explain', 'examples/saas-chat.yaml', '--route', 'x', '--as-of', '2026-02-30'], '--as-of must be a date YYYY-MM-DD that exists on the calendar; got "2026-02-30"'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: `routefit: ${message}\n` });
    }
  });
});
