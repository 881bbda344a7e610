/**
 * Pipelines (README "Pipelines"). Inside `apipeline(fn)` writes are queued instead of sent; the
 * context follows async calls (AsyncLocalStorage), so concurrent pipelines never see each
 * other's operations. When fn returns, the queued calls travel as ONE script, pipeline/batch,
 * which applies them all or none: on a single server one script for the whole pipeline, every
 * model in it; on a Cluster one script per hash slot (a script cannot cross slots). If fn
 * throws, nothing is sent (the local copies keep what the callback did to them). If a batch
 * fails, the models whose operations were queued are reloaded, so their local copies read as
 * stored.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { runScript, type Client, type ScriptCall } from './scripts.js';
import { isCluster } from './client.js';

/** What a pipeline reloads after a failure: the models whose operations it queued. */
export interface Reloadable {
  reload(): Promise<unknown>;
}

interface Queued {
  readonly client: Client;
  readonly call: ScriptCall;
}

class PipelineContext {
  readonly queue: Queued[] = [];
  readonly owners = new Set<Reloadable>();
  closed = false;
}

const storage = new AsyncLocalStorage<PipelineContext>();
/**
 * How many pipelines are open (their fn has not returned). While none is, the storage is
 * disabled: an enabled AsyncLocalStorage keeps Node's promise hooks on, which slows every
 * promise of the process (13-18% on unrelated calls), and current() need not look it up.
 */
let open = 0;

/** The open pipeline of the current async context, if any. */
function current(): PipelineContext | null {
  if (open === 0) return null;
  const ctx = storage.getStore();
  return ctx && !ctx.closed ? ctx : null;
}

export function inPipeline(): boolean {
  return current() !== null;
}

/** Queues a call in the current pipeline; false when there is none (the caller runs it). */
export function enqueue(client: Client, call: ScriptCall, owner?: Reloadable): boolean {
  const ctx = current();
  if (!ctx) return false;
  ctx.queue.push({ client, call });
  if (owner) ctx.owners.add(owner);
  return true;
}

/** Runs fn with a pipeline open, then applies what it queued. A nested call joins the outer one. */
export async function runPipeline<T>(fn: () => Promise<T>): Promise<T> {
  if (current()) return fn();
  const ctx = new PipelineContext();
  let result: T;
  open += 1;
  try {
    result = await storage.run(ctx, fn); // if fn throws, nothing is sent
  } finally {
    ctx.closed = true;
    open -= 1;
    if (open === 0) storage.disable(); // the next run() enables it again
  }
  try {
    await flush(ctx.queue);
  } catch (error) {
    // The local copies computed what the failed operations would have done: read them back.
    await Promise.allSettled([...ctx.owners].map((o) => o.reload()));
    throw error;
  }
  return result;
}

/** The hash tag of a call's first key: calls with one tag share a slot. */
function slotTag(call: ScriptCall): string {
  const key = call.keys[0] ?? '';
  return /\{([^}]*)\}/.exec(key)?.[1] ?? key;
}

/**
 * Sends one pipeline/batch script per client on a single server, per (client, slot) on a
 * Cluster, all at once; throws the first failure.
 */
async function flush(queue: readonly Queued[]): Promise<void> {
  const groups = new Map<Client, Map<string, ScriptCall[]>>();
  for (const { client, call } of queue) {
    const bySlot = groups.get(client) ?? new Map<string, ScriptCall[]>();
    groups.set(client, bySlot);
    const tag = isCluster(client) ? slotTag(call) : '';
    const list = bySlot.get(tag) ?? [];
    list.push(call);
    bySlot.set(tag, list);
  }
  const sends: Promise<unknown>[] = [];
  for (const [client, bySlot] of groups) {
    for (const calls of bySlot.values()) sends.push(runScript(client, batchCall(calls)));
  }
  const settled = await Promise.allSettled(sends);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The pipeline/batch call of some calls: the union of their keys, then each operation. */
export function batchCall(calls: readonly ScriptCall[]): ScriptCall {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const args: string[] = [String(calls.length)];
  for (const c of calls) {
    args.push(c.script, c.label, String(c.keys.length));
    for (const k of c.keys) {
      let i = index.get(k);
      if (i === undefined) {
        keys.push(k);
        i = keys.length;
        index.set(k, i);
      }
      args.push(String(i));
    }
    args.push(String(c.args.length), ...c.args);
  }
  return { script: 'pipeline/batch', keys, args, label: `pipeline of ${calls.length} operations on ${keys[0]}` };
}
