import { spawn } from 'node:child_process';
import { type OptionValues, defineCommand, opt } from '../command.js';
import { CliUsageError, EXIT_OK, type Io } from '../io.js';

const options = {
  // No default store: the Traces view is shown only when one is given.
  db: opt.string('--db <path>', 'trace store (DuckDB file) for the Traces view').conflicts('clickhouse'),
  clickhouse: opt.string('--clickhouse <url>', 'ClickHouse trace store for the Traces view: http://HOST:PORT[/DATABASE]'),
  port: opt.number('--port <n>', 'port to listen on (default: a free port)', { min: 0, max: 65535, integer: true }),
  host: opt.string('--host <host>', 'listen on this address instead of 127.0.0.1 (then the printed token is required)'),
  open: opt.flag('--open', 'open the URL in a browser'),
  catalog: opt.catalog(),
};

async function studio(file: string | undefined, opts: OptionValues<typeof options>, io: Io): Promise<number> {
  const { startStudio, StudioUsageError } = await import('../../studio/start.js');
  let running;
  try {
    running = await startStudio({
      ...(file ? { file } : {}),
      ...(opts.db ? { db: opts.db } : {}),
      ...(opts.clickhouse ? { clickhouse: opts.clickhouse } : {}),
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.catalog ? { catalog: opts.catalog } : {}),
      today: io.today,
    });
  } catch (err) {
    if (err instanceof StudioUsageError) throw new CliUsageError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new CliUsageError(`cannot listen on ${opts.host ?? '127.0.0.1'}:${opts.port ?? 0} (${code}); pick another --port or --host`);
    throw err;
  }
  const { url, token, close } = running;
  io.out(`routefit Studio: ${url}\n`);
  if (token) io.out('Listening beyond loopback: the token in this URL is required; share it only with people who may edit these files.\n');
  io.out('Stop with Ctrl-C.\n');
  if (opts.open) {
    const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
    spawn(cmd, [url], { stdio: 'ignore', detached: true })
      .on('error', () => io.err(`routefit: could not run ${cmd}; open ${url} yourself\n`))
      .unref();
  }
  const stop = () => void close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The server keeps the process alive; the command itself is done.
  return EXIT_OK;
}

export default defineCommand({
  description: 'open the Studio: a local web workbench that reads and writes workload files and recomputes every number in the browser with the same engine',
  args: [{ name: '[file]', description: "workload or fleet YAML (its folder is the Studio's), or a folder; default: the current folder" }],
  options,
  examples: ['routefit studio examples/saas-chat.yaml', 'routefit studio examples/fleet.yaml --db traces.duckdb --open', 'routefit studio . --port 4173'],
  notes:
    'Listens on 127.0.0.1 only unless --host is given (then a token printed in the URL is required). Reads and writes only .yaml/.yml files in the workload folder. Stop with Ctrl-C.',
  run: (opts, { args, io }) => studio(args[0], opts, io),
});
