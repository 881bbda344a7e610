#!/usr/bin/env node
/**
 * The `rapyer-ts` command line: lists the embedded Lua scripts, and preloads them on a server
 * (every master of a Cluster) with SCRIPT LOAD, then verifies them with SCRIPT EXISTS.
 *
 *   rapyer-ts scripts list
 *   rapyer-ts scripts load --url redis://host:port [--timeout ms]
 *
 * Exit codes: 0 success, 1 failure (connection, load, verification), 2 usage error.
 */
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import { SCRIPT_NAMES, scriptSource, type ScriptName } from './runtime/scripts.js';
import { preloadNode } from './runtime/connection.js';
import { masters } from './runtime/client.js';
import { ConnectionLostError } from './errors.js';

const USAGE = `Usage: rapyer-ts <command> [options]

Commands:
  scripts list               Print every embedded Lua script: name, key count, SHA1.
                             Needs no server. "dynamic" means the script takes all of a
                             model's keys (main hash, then one key per collection field).
  scripts load --url URL     SCRIPT LOAD every script on every master (a Cluster when the
                             server reports cluster_enabled:1), print the SHA1s, and verify
                             them with SCRIPT EXISTS.

Options:
  --url URL        redis://[user:password@]host:port[/db] or rediss://... (default: $REDIS_URL)
  --timeout MS     connect timeout in milliseconds (default: 5000); no retries
  -h, --help       show this help

Exit codes: 0 success, 1 failure, 2 usage error.
`;

/** A usage error (exit 2) or a failure (exit 1), reported as one clear line. */
class CliError extends Error {
  constructor(message: string, readonly code: 1 | 2) {
    super(message);
  }
}

interface Parsed {
  readonly positional: string[];
  readonly url: string | undefined;
  readonly timeoutMs: number;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): Parsed {
  const positional: string[] = [];
  let url = process.env.REDIS_URL || undefined;
  let timeoutMs = 5000;
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new CliError(`option ${name} needs a value`, 2);
      return v;
    };
    if (name === '-h' || name === '--help') help = true;
    else if (name === '--url') url = value();
    else if (name === '--timeout') {
      const v = value();
      timeoutMs = Number(v);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new CliError(`--timeout must be a positive integer of milliseconds, got ${JSON.stringify(v)}`, 2);
    } else if (name.startsWith('-')) throw new CliError(`unknown option ${name}`, 2);
    else positional.push(arg);
  }
  return { positional, url, timeoutMs, help };
}

/** How many keys a script takes, read from its header: a number, or 'dynamic'. */
export function keyCount(name: ScriptName): string {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(scriptSource(name).lua)?.[1] ?? '';
  const lines = header.split('\n').map((l) => l.trim()).filter((l) => /^KEYS(\[|\s)/.test(l));
  if (lines.length === 0) return '0';
  // `KEYS[2..n]`, `KEYS[c+1..]` or a bare `KEYS  every key ...`: the count depends on the call.
  if (lines.some((l) => !/^KEYS\[\d+\]/.test(l) || /^KEYS\[[^\]]*\.\./.test(l))) return 'dynamic';
  return String(new Set(lines.map((l) => /^KEYS\[(\d+)\]/.exec(l)?.[1])).size);
}

function listScripts(): void {
  const width = Math.max(...SCRIPT_NAMES.map((n) => n.length), 'SCRIPT'.length);
  const out = [`${'SCRIPT'.padEnd(width)}  ${'KEYS'.padEnd(7)}  SHA1`];
  for (const name of SCRIPT_NAMES) out.push(`${name.padEnd(width)}  ${keyCount(name).padEnd(7)}  ${scriptSource(name).sha}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Checks a --url value and turns it into ioredis options (connect timeout, no retries). */
function connectionOptions(url: string | undefined, timeoutMs: number): { host: string; port: number; options: RedisOptions } {
  if (!url) throw new CliError('scripts load needs --url redis://host:port (or REDIS_URL)', 2);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CliError(`invalid --url ${JSON.stringify(url)}: expected redis://host:port`, 2);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new CliError(`invalid --url ${JSON.stringify(url)}: the scheme must be redis:// or rediss://`, 2);
  if (!u.hostname) throw new CliError(`invalid --url ${JSON.stringify(url)}: no host`, 2);
  const port = u.port ? Number(u.port) : 6379;
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new CliError(`invalid --url ${JSON.stringify(url)}: the database must be a number`, 2);
  const options: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    connectTimeout: timeoutMs,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { host: options.host!, port, options };
}

function describeError(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err.code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED): is a Redis server listening there?';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `unknown host (${err.code})`;
  if (err.code === 'ETIMEDOUT' || /timeout/i.test(err.message ?? '')) return `connect timed out (${err.message ?? 'ETIMEDOUT'})`;
  return err.message ?? String(e);
}

/** disconnect(), except on a client that already ended (ioredis would then wait disconnectTimeout). */
function close(client: Redis | Cluster): void {
  if (client.status !== 'end') client.disconnect();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_r, reject) => { timer = setTimeout(() => reject(new ConnectionLostError(`${what} timed out after ${ms} ms`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Connects, and switches to a Cluster client when the server says it is one. */
async function connectTo(url: string, host: string, port: number, options: RedisOptions, timeoutMs: number): Promise<Redis | Cluster> {
  const single = new Redis(options);
  let socketError: unknown = null;
  single.on('error', (e: unknown) => { socketError ??= e; });
  try {
    await withTimeout(single.connect(), timeoutMs, 'connect').catch((e: unknown) => { throw socketError ?? e; });
    const info = await single.info('cluster');
    if (!/cluster_enabled:1/.test(info)) return single;
  } catch (e) {
    close(single);
    throw new CliError(`cannot connect to ${url}: ${describeError(e)}`, 1);
  }
  close(single);
  const { host: _h, port: _p, lazyConnect: _l, retryStrategy: _r, enableOfflineQueue: _q, db: _d, ...redisOptions } = options;
  const cluster = new Cluster([{ host, port }], { redisOptions, lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null });
  let clusterError: unknown = null;
  cluster.on('error', (e: unknown) => { clusterError ??= e; });
  try {
    await withTimeout(cluster.connect(), timeoutMs, 'cluster connect').catch((e: unknown) => { throw clusterError ?? e; });
  } catch (e) {
    close(cluster);
    throw new CliError(`cannot connect to the cluster at ${url}: ${describeError(e)}`, 1);
  }
  return cluster;
}

/** Loads every script on one master, then checks SCRIPT EXISTS; returns the missing names. */
async function loadOn(node: Redis): Promise<{ address: string; missing: ScriptName[] }> {
  const address = `${node.options.host}:${node.options.port}`;
  try {
    await preloadNode(node);
    const shas = SCRIPT_NAMES.map((n) => scriptSource(n).sha);
    const exists = (await node.script('EXISTS', ...shas)) as number[];
    return { address, missing: SCRIPT_NAMES.filter((_n, i) => exists[i] !== 1) };
  } catch (e) {
    throw new CliError(`${address}: ${describeError(e)}`, 1);
  }
}

async function loadScripts(parsed: Parsed): Promise<void> {
  const { host, port, options } = connectionOptions(parsed.url, parsed.timeoutMs);
  const url = parsed.url!.replace(/\/\/[^@/]*@/, '//***@');
  const client = await connectTo(url, host, port, options, parsed.timeoutMs);
  try {
    const nodes = await withTimeout(masters(client), parsed.timeoutMs, 'finding the masters');
    const kind = client instanceof Cluster ? `cluster, ${nodes.length} master(s)` : 'single server';
    process.stdout.write(`${url} (${kind})\n`);
    const results = await Promise.all(nodes.map(loadOn));
    const width = Math.max(...SCRIPT_NAMES.map((n) => n.length));
    for (const name of SCRIPT_NAMES) process.stdout.write(`  ${name.padEnd(width)}  ${scriptSource(name).sha}\n`);
    let failed = false;
    for (const r of results) {
      const ok = SCRIPT_NAMES.length - r.missing.length;
      process.stdout.write(`${r.address}: ${ok}/${SCRIPT_NAMES.length} scripts loaded and verified (SCRIPT EXISTS)\n`);
      if (r.missing.length > 0) {
        failed = true;
        process.stderr.write(`rapyer-ts: ${r.address}: SCRIPT EXISTS answered 0 for ${r.missing.join(', ')}\n`);
      }
    }
    if (failed) throw new CliError('verification failed', 1);
  } finally {
    close(client);
  }
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const parsed = parseArgs(argv);
    const [group, command, ...rest] = parsed.positional;
    if (parsed.help || group === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (group === undefined) throw new CliError('no command given', 2);
    if (group !== 'scripts') throw new CliError(`unknown command ${JSON.stringify(group)}`, 2);
    if (rest.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(rest[0])}`, 2);
    if (command === 'list') listScripts();
    else if (command === 'load') await loadScripts(parsed);
    else throw new CliError(command === undefined ? 'scripts needs a subcommand: list or load' : `unknown command "scripts ${command}"`, 2);
    return 0;
  } catch (e) {
    const message = e instanceof CliError ? e.message : describeError(e);
    process.stderr.write(`rapyer-ts: ${message}\n`);
    if (e instanceof CliError && e.code === 2) process.stderr.write('Run rapyer-ts --help for usage.\n');
    return e instanceof CliError ? e.code : 1;
  }
}

void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
