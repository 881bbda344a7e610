/**
 * The one module that runs scripts. Scripts are preloaded by init() (SCRIPT LOAD) and run with
 * EVALSHA; a NOSCRIPT reply (after SCRIPT FLUSH, a restart, a fail-over) means the script did
 * not run, so it is sent again once with EVAL, which also loads it: exactly-once either way.
 */
import type { Cluster, Redis } from 'ioredis';
import { LUA_SCRIPTS } from './lua-scripts.generated.js';
import { fromScriptError } from '../errors.js';

export type Client = Redis | Cluster;
export type ScriptName = keyof typeof LUA_SCRIPTS;

export interface ScriptCall {
  readonly script: ScriptName;
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** Names the operation in error messages, e.g. `Session:{u1} RedisInt.aincrease`. */
  readonly label: string;
}

export type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

export function scriptSource(name: ScriptName): { lua: string; sha: string } {
  return LUA_SCRIPTS[name];
}

export const SCRIPT_NAMES = Object.keys(LUA_SCRIPTS) as ScriptName[];

const isNoScript = (e: unknown) => e instanceof Error && e.message.startsWith('NOSCRIPT');

/** Runs one script call: one EVALSHA (plus one EVAL after a NOSCRIPT). */
export async function runScript(client: Client, call: ScriptCall): Promise<unknown> {
  const { lua, sha } = LUA_SCRIPTS[call.script];
  try {
    return await client.evalsha(sha, call.keys.length, ...call.keys, ...call.args);
  } catch (e) {
    if (!isNoScript(e)) throw fromScriptError(e, call.label);
    try {
      return await client.eval(lua, call.keys.length, ...call.keys, ...call.args);
    } catch (e2) {
      throw fromScriptError(e2, call.label);
    }
  }
}

/**
 * Runs many script calls in as few round trips as the topology allows: one ioredis pipeline
 * (not MULTI) on a single server, one per node on a Cluster. Calls that met NOSCRIPT are sent
 * again with EVAL. Results come back in the callers' order, each settled on its own.
 */
export async function runScripts(client: Client, calls: readonly ScriptCall[]): Promise<Settled[]> {
  if (calls.length === 0) return [];
  const groups = groupByNode(client, calls);
  const out: Settled[] = new Array(calls.length);
  await Promise.all(groups.map(async (idx) => {
    const pipe = client.pipeline();
    for (const i of idx) {
      const c = calls[i]!;
      pipe.evalsha(LUA_SCRIPTS[c.script].sha, c.keys.length, ...c.keys, ...c.args);
    }
    const replies = (await pipe.exec()) ?? [];
    const retry: number[] = [];
    idx.forEach((i, n) => {
      const [err, value] = replies[n] ?? [new Error('no reply'), null];
      if (err && isNoScript(err)) retry.push(i);
      else out[i] = err ? { ok: false, error: fromScriptError(err, calls[i]!.label) } : { ok: true, value };
    });
    await Promise.all(retry.map(async (i) => {
      try {
        out[i] = { ok: true, value: await runScript(client, calls[i]!) };
      } catch (error) {
        out[i] = { ok: false, error };
      }
    }));
  }));
  return out;
}

/** Indexes of the calls grouped so that each group can travel in one pipeline. */
function groupByNode(client: Client, calls: readonly ScriptCall[]): number[][] {
  if (!('isCluster' in client && client.isCluster)) return [calls.map((_c, i) => i)];
  // Cluster: one pipeline per slot owner. The cluster issue groups by node; until then, by slot.
  const bySlot = new Map<string, number[]>();
  calls.forEach((c, i) => {
    const tag = /\{([^}]*)\}/.exec(c.keys[0] ?? '')?.[1] ?? c.keys[0] ?? '';
    const list = bySlot.get(tag) ?? [];
    list.push(i);
    bySlot.set(tag, list);
  });
  return [...bySlot.values()];
}
