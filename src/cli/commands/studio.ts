import { spawn } from 'node:child_process';
import { type Command, Option } from 'commander';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';

export interface StudioOptions {
  db?: string;
  clickhouse?: string;
  port?: string;
  host?: string;
  open?: boolean;
  catalog?: string;
}

const examples = (lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** `routefit studio [FILE]`: the local web workbench over the same engine. */
export function registerStudioCommand(program: Command, io: Io, setCode: (c: number) => void): void {
  program
    .command('studio')
    .description('open the Studio: a local web workbench that reads and writes workload files and recomputes in the browser')
    .argument('[file]', 'workload or fleet YAML (its folder is the Studio\'s), or a folder; default: the current folder')
    .addOption(new Option('--db <path>', 'trace store (DuckDB file) for the Traces view').conflicts('clickhouse'))
    .option('--clickhouse <url>', 'ClickHouse trace store for the Traces view: http://HOST:PORT[/DATABASE]')
    .option('--port <n>', 'port to listen on (default: a free port)')
    .option('--host <host>', 'listen on this address instead of 127.0.0.1 (a token is then required; it is printed in the URL)')
    .option('--open', 'open the URL in a browser')
    .option('--catalog <dir>', 'use this catalog directory instead of the bundled one')
    .addHelpText(
      'after',
      examples([
        'routefit studio examples/saas-chat.yaml',
        'routefit studio examples/fleet.yaml --db traces.duckdb --open',
        'routefit studio . --port 4173',
      ]) + '\nListens on 127.0.0.1 only unless --host is given. Stop with Ctrl-C.\n',
    )
    .action(async (file: string | undefined, opts: StudioOptions) => setCode(await studioCommand(file, opts, io)));
}

export async function studioCommand(file: string | undefined, opts: StudioOptions, io: Io): Promise<number> {
  const port = opts.port === undefined ? undefined : Number(opts.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new CliUsageError(`--port must be a whole number 0–65535; got "${opts.port}"`);
  const { startStudio, StudioUsageError } = await import('../../studio/start.js');
  let studio;
  try {
    studio = await startStudio({
      ...(file ? { file } : {}),
      ...(opts.db ? { db: opts.db } : {}),
      ...(opts.clickhouse ? { clickhouse: opts.clickhouse } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.catalog ? { catalog: opts.catalog } : {}),
      today: io.today,
    });
  } catch (err) {
    if (err instanceof StudioUsageError) throw new CliUsageError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new CliUsageError(`cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0} (${code})`);
    throw err;
  }
  io.out(`routefit Studio: ${studio.url}\n`);
  if (studio.token) io.out('Listening beyond loopback: the token in this URL is required; share it only with people who may edit these files.\n');
  io.out('Stop with Ctrl-C.\n');
  if (opts.open) {
    const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    spawn(cmd, [studio.url], { stdio: 'ignore', detached: true }).on('error', () => io.err(`routefit: could not run ${cmd}; open ${studio.url} yourself\n`)).unref();
  }
  const stop = () => void studio.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return EXIT_OK;
}
