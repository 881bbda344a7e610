/**
 * The one module that runs scripts. Scripts are preloaded by init() (SCRIPT LOAD) and run with
 * EVALSHA; a NOSCRIPT reply (after SCRIPT FLUSH, a restart, a fail-over) means the script did
 * not run, so it is sent again once with EVAL, which also loads it: exactly-once either way.
 */
import { LUA_SCRIPTS } from './lua-scripts.generated.js';
import { ConnectionLostError, RedisError, fromScriptError } from '../errors.js';
import { isCluster, type Client } from './client.js';
import { nodeGroupOf, slotOf } from './topology.js';

export type { Client } from './client.js';
export type ScriptName = keyof typeof LUA_SCRIPTS;

export interface ScriptCall {
  readonly script: ScriptName;
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** Names the operation in error messages, e.g. `Session:{u1} RedisInt.aincrease`. */
  readonly label: string;
  /**
   * Running it twice is harmless (see Operation.idempotent): when its connection closes before
   * the reply, it is sent again (up to 3 times) instead of failing with ConnectionLostError.
   */
  readonly idempotent?: boolean;
}

export type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

export function scriptSource(name: ScriptName): { lua: string; sha: string } {
  return LUA_SCRIPTS[name];
}

export const SCRIPT_NAMES = Object.keys(LUA_SCRIPTS) as ScriptName[];

const isNoScript = (e: unknown) => e instanceof Error && e.message.startsWith('NOSCRIPT');
/**
 * Cluster replies that mean the script did not run on this node (a slot moved, a fail-over):
 * ioredis follows them for single commands but not inside a pipeline, so runScripts sends those
 * calls again one by one.
 */
const isRedirect = (e: unknown) => e instanceof Error && /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /.test(e.message);

/**
 * Runs one script call: one EVALSHA (plus one EVAL after a NOSCRIPT). Written with `.catch`
 * rather than async/await: this is the path of every operation, and each await is a tick.
 */
export function runScript(client: Client, call: ScriptCall, attempt = 0): Promise<unknown> {
  const { lua, sha } = LUA_SCRIPTS[call.script];
  return evalOne(client, sha, call).catch((e: unknown) => {
    if (!isNoScript(e)) {
      const err = fromScriptError(e, call.label);
      if (!(err instanceof ConnectionLostError) || attempt >= 3 || call.idempotent !== true) throw err;
      return new Promise((r) => setTimeout(r, 20 * 2 ** attempt)).then(() => runScript(client, call, attempt + 1));
    }
    return evalOne(client, lua, call, 'eval').catch((e2: unknown) => {
      throw fromScriptError(e2, call.label);
    });
  });
}

type Evaluator = Pick<Client, 'evalsha' | 'eval'>;
type EvalArgs = (sha: string, numkeys: number, keys: readonly string[], args: readonly string[]) => Promise<unknown>;

/**
 * EVALSHA (or EVAL) of a call on a client or a pipeline. Keys and args go as two arrays, which
 * ioredis flattens once (`args.flat()`): no copy of ours, and no spread into the call (~120,000
 * arguments would overflow V8's stack).
 */
function evalOne(target: Evaluator, shaOrLua: string, call: ScriptCall, command: 'evalsha' | 'eval' = 'evalsha'): Promise<unknown> {
  return (target[command] as unknown as EvalArgs).call(target, shaOrLua, call.keys.length, call.keys, call.args);
}

/**
 * A bulk operation's calls travel in pipelines of at most this many calls, all in flight at once:
 * ioredis writes a pipeline in one write at exec(), so with one pipeline of 1,000 calls Redis
 * starts only once every call is encoded, and the client decodes only once Redis answered them
 * all; chunks let the two sides work at the same time.
 */
export const PIPELINE_CHUNK = 100;

/**
 * Runs many script calls in ioredis pipelines (not MULTI), all sent at once: on a single server
 * the calls in order, on a Cluster grouped by node, in pipelines of PIPELINE_CHUNK calls. Calls that met NOSCRIPT, or a
 * Cluster redirection, did not run: they are sent again one by one. Results come back in the callers' order, each settled on its own.
 */
export async function runScripts(client: Client, calls: readonly ScriptCall[]): Promise<Settled[]> {
  if (calls.length === 0) return [];
  const out: Settled[] = new Array(calls.length);
  const chunks: number[][] = [];
  for (const idx of groupByNode(client, calls)) {
    for (let at = 0; at < idx.length; at += PIPELINE_CHUNK) chunks.push(idx.slice(at, at + PIPELINE_CHUNK));
  }
  await Promise.all(chunks.map((idx) => runChunk(client, calls, idx, out)));
  return out;
}

/** One pipeline of the calls at `idx` (one node's), settled into `out`. */
async function runChunk(client: Client, calls: readonly ScriptCall[], idx: readonly number[], out: Settled[]): Promise<void> {
  const pipe = client.pipeline();
  for (const i of idx) {
    const c = calls[i]!;
    void evalOne(pipe as unknown as Evaluator, LUA_SCRIPTS[c.script].sha, c);
  }
  let replies: [Error | null, unknown][];
  try {
    replies = (await pipe.exec()) ?? [];
  } catch (error) {
    if (isRefusedPipeline(error)) {
      // ioredis sent nothing: send the calls one by one
      await Promise.all(
        idx.map(async (i) => {
          out[i] = await settle(runScript(client, calls[i]!));
        }),
      );
      return;
    }
    // the connection closed: each call applied once or not at all
    for (const i of idx) out[i] = { ok: false, error: fromScriptError(error, calls[i]!.label) };
    return;
  }
  const retry: number[] = [];
  idx.forEach((i, n) => {
    const [err, value] = replies[n] ?? [new RedisError(`${calls[i]!.label}: no reply`), null];
    if (err && (isNoScript(err) || isRedirect(err))) retry.push(i);
    else out[i] = err ? { ok: false, error: fromScriptError(err, calls[i]!.label) } : { ok: true, value };
  });
  await Promise.all(
    retry.map(async (i) => {
      out[i] = await settle(runScript(client, calls[i]!));
    }),
  );
}

function settle(p: Promise<unknown>): Promise<Settled> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** ioredis refuses (before sending) a Cluster pipeline whose keys it maps to several node groups. */
const isRefusedPipeline = (e: unknown) => e instanceof Error && /should belong to the same slot/.test(e.message);

/**
 * Indexes of the calls grouped so that each group travels in one pipeline, to one node: on a
 * Cluster, by the nodes serving the slot of the call's keys (see nodeGroupOf: ioredis refuses a
 * pipeline whose slots are served by different nodes); before the slot map is known, by slot.
 */
function groupByNode(client: Client, calls: readonly ScriptCall[]): number[][] {
  if (!isCluster(client)) return [calls.map((_c, i) => i)];
  const groups = new Map<string, number[]>();
  calls.forEach((c, i) => {
    const slot = slotOf(client, c.keys[0] ?? '');
    const node = nodeGroupOf(client, slot) ?? `slot ${slot}`;
    const list = groups.get(node) ?? [];
    list.push(i);
    groups.set(node, list);
  });
  return [...groups.values()];
}
