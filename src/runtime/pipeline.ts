/**
 * Pipelines (SPEC §6). Inside `apipeline(fn)` writes are queued instead of sent; the context
 * follows async calls (AsyncLocalStorage), so concurrent pipelines never see each other's
 * operations. When fn returns, the queued calls of each hash slot travel as ONE script,
 * pipeline/batch, which applies them all or none. If fn throws, nothing is sent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { runScript, type Client, type ScriptCall } from './scripts.js';

interface Queued {
  readonly client: Client;
  readonly call: ScriptCall;
}

class PipelineContext {
  readonly queue: Queued[] = [];
  closed = false;
}

const storage = new AsyncLocalStorage<PipelineContext>();

/** The open pipeline of the current async context, if any. */
function current(): PipelineContext | null {
  const ctx = storage.getStore();
  return ctx && !ctx.closed ? ctx : null;
}

export function inPipeline(): boolean {
  return current() !== null;
}

/** Queues a call in the current pipeline; false when there is none (the caller runs it). */
export function enqueue(client: Client, call: ScriptCall): boolean {
  const ctx = current();
  if (!ctx) return false;
  ctx.queue.push({ client, call });
  return true;
}

/** Runs fn with a pipeline open, then applies what it queued. A nested call joins the outer one. */
export async function runPipeline<T>(fn: () => Promise<T>): Promise<T> {
  if (current()) return fn();
  const ctx = new PipelineContext();
  let result: T;
  try {
    result = await storage.run(ctx, fn);
  } finally {
    ctx.closed = true;
  }
  await flush(ctx.queue);
  return result;
}

/** The hash tag of a call's first key: calls with one tag share a slot. */
function slotTag(call: ScriptCall): string {
  const key = call.keys[0] ?? '';
  return /\{([^}]*)\}/.exec(key)?.[1] ?? key;
}

/** Sends one pipeline/batch script per (client, slot), all at once; throws the first failure. */
async function flush(queue: readonly Queued[]): Promise<void> {
  const groups = new Map<Client, Map<string, ScriptCall[]>>();
  for (const { client, call } of queue) {
    const bySlot = groups.get(client) ?? new Map<string, ScriptCall[]>();
    groups.set(client, bySlot);
    const list = bySlot.get(slotTag(call)) ?? [];
    list.push(call);
    bySlot.set(slotTag(call), list);
  }
  const sends: Promise<unknown>[] = [];
  for (const [client, bySlot] of groups) {
    for (const calls of bySlot.values()) sends.push(runScript(client, batchCall(calls)));
  }
  const settled = await Promise.allSettled(sends);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The pipeline/batch call of some calls of one slot: the union of their keys, then each op. */
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

/** What a queued call's promise resolves to: the result is not known until the pipeline runs. */
export const QUEUED: unique symbol = Symbol('queued in a pipeline');

const WRITES = 4 | 8 | 16 | 32 | 64 | 128; // CREATE UPDATE APPEND DELETE ERASE ARITHMETIC

/**
 * Whether a method queues inside a pipeline: writes do; reads, and removals that must return a
 * stored item (apop, apopitem) or say whether it was stored (aremove), run at once, as in the
 * reference; so do duplicates, which return the copies.
 */
export function queuesInPipeline(method: string, groups: number): boolean {
  if ((groups & WRITES) === 0) return false;
  return !/\.(apop|apopitem|aremove|aduplicate|aduplicateMany)$/.test(method);
}
