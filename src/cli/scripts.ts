/**
 * `rapyer-ts scripts list|load`: the embedded Lua scripts, and preloading them on a server (every
 * master of a Cluster) with SCRIPT LOAD, verified with SCRIPT EXISTS.
 */
import { Cluster, type Redis } from 'ioredis';
import { SCRIPT_NAMES, scriptSource, type ScriptName } from '../runtime/scripts.js';
import { preloadNode } from '../runtime/connection.js';
import { masters } from '../runtime/client.js';
import { CliError, close, describeError, openClient, print, withTimeout } from './common.js';

/** How many keys a script takes, read from its header: a number, or 'dynamic'. */
export function keyCount(name: ScriptName): string {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(scriptSource(name).lua)?.[1] ?? '';
  const lines = header
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^KEYS(\[|\s)/.test(l));
  if (lines.length === 0) return '0';
  // `KEYS[2..n]`, `KEYS[c+1..]` or a bare `KEYS  every key ...`: the count depends on the call.
  if (lines.some((l) => !/^KEYS\[\d+\]/.test(l) || /^KEYS\[[^\]]*\.\./.test(l))) return 'dynamic';
  return String(new Set(lines.map((l) => /^KEYS\[(\d+)\]/.exec(l)?.[1])).size);
}

export function listScripts(json: boolean): void {
  if (json) {
    print(
      JSON.stringify(
        SCRIPT_NAMES.map((name) => ({ name, keys: keyCount(name), sha: scriptSource(name).sha })),
        null,
        2,
      ),
    );
    return;
  }
  const width = Math.max(...SCRIPT_NAMES.map((n) => n.length), 'SCRIPT'.length);
  const out = [`${'SCRIPT'.padEnd(width)}  ${'KEYS'.padEnd(7)}  SHA1`];
  for (const name of SCRIPT_NAMES) out.push(`${name.padEnd(width)}  ${keyCount(name).padEnd(7)}  ${scriptSource(name).sha}`);
  process.stdout.write(`${out.join('\n')}\n`);
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

export async function loadScripts(parsed: { url: string | undefined; timeoutMs: number }): Promise<void> {
  const { client, shown: url } = await openClient('scripts load', parsed.url, parsed.timeoutMs);
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
