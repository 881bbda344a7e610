#!/usr/bin/env node
/**
 * The `rapyer-ts` command line (README, Command line):
 *
 *   rapyer-ts scripts list [--json]
 *   rapyer-ts scripts load --url URL
 *   rapyer-ts inspect KEY --url URL [--limit N] [--json]
 *   rapyer-ts check --url URL [--user NAME] [--model NAME]... [--json]
 *
 * Exit codes: 0 success, 1 failure (connection, a failed check), 2 usage error. Output piped into
 * a reader that stops early (`| head`) ends the process quietly.
 */
import { readFileSync } from 'node:fs';
import { CliError, close, describeError, openClient, print } from './cli/common.js';
import { listScripts, loadScripts } from './cli/scripts.js';
import { formatInspection, inspect } from './cli/inspect.js';
import { check, formatCheck } from './cli/check.js';

const USAGE = `Usage: rapyer-ts <command> [options]

Commands:
  scripts list               Print every embedded Lua script: name, key count, SHA1.
                             Needs no server. "dynamic" means the script takes all of a
                             model's keys (main hash, then one key per collection field).
  scripts load --url URL     SCRIPT LOAD every script on every master (a Cluster when the
                             server reports cluster_enabled:1), print the SHA1s, and verify
                             them with SCRIPT EXISTS.
  inspect KEY --url URL      A model's keys (KEY is its main key, Name:{pk}; then its
                             collection and lock keys), their types and TTLs, and their
                             contents decoded from the storage layout: the CLI does not
                             know your model classes, so values are shown as stored (JSON).
  check --url URL            The server's version and mode, whether every script is loaded
                             on every master, and whether the user's ACL allows every
                             command the library needs (ACL DRYRUN; Redis 7.0+).

Options:
  --url URL        redis://[user:password@]host:port[/db] or rediss://... (default: $REDIS_URL)
  --timeout MS     connect timeout in milliseconds (default: 5000); no retries
  --json           machine-readable output (scripts list, inspect, check)
  --limit N        inspect: entries shown per key (default: 100)
  --user NAME      check: the ACL user to check (default: the connected one, ACL WHOAMI)
  --model NAME     check: also check the user's key patterns for this model (repeatable;
                   with an ioredis keyPrefix, include it: app:Name)
  -V, --version    print the version
  -h, --help       show this help

Exit codes: 0 success, 1 failure (connection, a failed check), 2 usage error.
`;

interface Parsed {
  readonly positional: string[];
  readonly url: string | undefined;
  readonly timeoutMs: number;
  readonly limit: number;
  readonly user: string | undefined;
  readonly models: string[];
  readonly json: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer, got ${JSON.stringify(v)}`, 2);
  return n;
}

function parseArgs(argv: readonly string[]): Parsed {
  const p = {
    positional: [] as string[],
    url: process.env.REDIS_URL || undefined,
    timeoutMs: 5000,
    limit: 100,
    user: undefined as string | undefined,
    models: [] as string[],
    json: false,
    help: false,
    version: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new CliError(`option ${name} needs a value`, 2);
      return v;
    };
    if (name === '-h' || name === '--help') p.help = true;
    else if (name === '-V' || name === '--version') p.version = true;
    else if (name === '--json') p.json = true;
    else if (name === '--url') p.url = value();
    else if (name === '--timeout') p.timeoutMs = positiveInt('--timeout (milliseconds)', value());
    else if (name === '--limit') p.limit = positiveInt('--limit', value());
    else if (name === '--user') p.user = value();
    else if (name === '--model') p.models.push(value());
    else if (name.startsWith('-') && name !== '-') throw new CliError(`unknown option ${name}`, 2);
    else p.positional.push(arg);
  }
  return p;
}

/** The package's version, from the package.json beside src/ or dist/<format>/. */
function version(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rapyer-ts' && pkg.version) return pkg.version;
    } catch {
      // not this one
    }
  }
  return 'unknown';
}

function noMore(rest: readonly string[]): void {
  if (rest.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(rest[0])}`, 2);
}

async function runInspect(p: Parsed, args: readonly string[]): Promise<number> {
  const [key, ...rest] = args;
  if (key === undefined) throw new CliError('inspect needs a key: rapyer-ts inspect Name:{pk} --url URL', 2);
  noMore(rest);
  const { client } = await openClient('inspect', p.url, p.timeoutMs);
  try {
    const r = await inspect(client, key, p.limit, p.timeoutMs);
    print(p.json ? JSON.stringify(r, null, 2) : formatInspection(r));
    return 0;
  } finally {
    close(client);
  }
}

async function runCheck(p: Parsed, args: readonly string[]): Promise<number> {
  noMore(args);
  const { client, shown } = await openClient('check', p.url, p.timeoutMs);
  try {
    const r = await check(client, shown, { user: p.user, models: p.models });
    print(p.json ? JSON.stringify(r, null, 2) : formatCheck(r));
    return r.ok ? 0 : 1;
  } finally {
    close(client);
  }
}

async function run(p: Parsed): Promise<number> {
  const [group, command, ...rest] = p.positional;
  if (p.help || group === 'help') {
    print(USAGE);
    return 0;
  }
  if (p.version) {
    print(version());
    return 0;
  }
  if (group === 'inspect') return runInspect(p, p.positional.slice(1));
  if (group === 'check') return runCheck(p, p.positional.slice(1));
  if (group === undefined) throw new CliError('no command given', 2);
  if (group !== 'scripts') throw new CliError(`unknown command ${JSON.stringify(group)}`, 2);
  noMore(rest);
  if (command === 'list') listScripts(p.json);
  else if (command === 'load') await loadScripts(p);
  else throw new CliError(command === undefined ? 'scripts needs a subcommand: list or load' : `unknown command "scripts ${command}"`, 2);
  return 0;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(parseArgs(argv));
  } catch (e) {
    const message = e instanceof CliError ? e.message : describeError(e);
    process.stderr.write(`rapyer-ts: ${message}\n`);
    if (e instanceof CliError && e.code === 2) process.stderr.write('Run rapyer-ts --help for usage.\n');
    return e instanceof CliError ? e.code : 1;
  }
}

// The reader went away (`rapyer-ts scripts list | head -1`): nothing more to say, and no stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
