/**
 * Pipelines (README "Pipelines"). Inside `apipeline(fn)` writes are queued instead of sent; the
 * context follows async calls (AsyncLocalStorage), so concurrent pipelines never see each
 * other's operations. When fn returns, the queued calls travel as ONE script, pipeline/batch,
 * which applies them all or none: on a single server one script for the whole pipeline, every
 * model in it; on a Cluster one script per hash slot (a script cannot cross slots). If fn
 * throws, nothing is sent (the local copies keep what the callback did to them). A batch reads
 * back, in the same script, what its operations touched of each model whose operations were
 * queued, and that state is applied to the local copies. If a batch fails, those models are
 * reloaded, so their local copies read as stored.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { runScript, type Client, type ScriptCall } from './scripts.js';
import { isCluster } from './client.js';
import { scalarBatch } from './pipeline-scalars.js';

/** What a batch reads back of a model: its keys, model/load's ARGV from [4] on, and how to apply the reply. */
export interface ReadBack {
  /** The model's main hash (keys[0]). */
  readonly main: string;
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** When it reads only fields of the main hash: their paths (its reply is then `[[value, …]]`). */
  readonly paths?: readonly string[] | undefined;
  apply(reply: unknown): void;
}

/** What a pipeline reads back, or reloads after a failure: the models whose operations it queued. */
export interface Reloadable {
  reload(): Promise<unknown>;
  /** What to read back after a batch that runs these calls (those on its keys concern it); null: nothing. */
  readBack?(calls: readonly ScriptCall[]): ReadBack | null;
}

interface Queued {
  readonly client: Client;
  readonly call: ScriptCall;
  readonly owner?: Reloadable | undefined;
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
  ctx.queue.push({ client, call, owner });
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
  await flush(ctx.queue);
  return result;
}

/** The hash tag of a call's first key: calls with one tag share a slot. */
function slotTag(call: ScriptCall): string {
  const key = call.keys[0] ?? '';
  return /\{([^}]*)\}/.exec(key)?.[1] ?? key;
}

/** One batch: the calls of one client and slot, and the models whose calls they are. */
interface Batch {
  readonly client: Client;
  readonly calls: ScriptCall[];
  readonly owners: Set<Reloadable>;
}

/**
 * Sends one pipeline/batch script per client on a single server, per (client, slot) on a
 * Cluster, all at once; applies what each read back, reloads the models of a failed one, and
 * throws the first failure.
 */
async function flush(queue: readonly Queued[]): Promise<void> {
  if (queue.length === 0) return;
  const one = oneBatch(queue);
  if (one) return sendBatch(one);
  const batches = new Map<Client, Map<string, Batch>>();
  for (const { client, call, owner } of queue) {
    const bySlot = batches.get(client) ?? new Map<string, Batch>();
    batches.set(client, bySlot);
    const tag = isCluster(client) ? slotTag(call) : '';
    const batch = bySlot.get(tag) ?? { client, calls: [], owners: new Set<Reloadable>() };
    bySlot.set(tag, batch);
    batch.calls.push(call);
    if (owner) batch.owners.add(owner);
  }
  const all = [...batches.values()].flatMap((bySlot) => [...bySlot.values()]);
  const settled = await Promise.allSettled(all.map(sendBatch));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The one batch of a queue whose calls all go to one server (the common case), else null. */
function oneBatch(queue: readonly Queued[]): Batch | null {
  const client = queue[0]!.client;
  if (isCluster(client)) return null;
  const calls: ScriptCall[] = [];
  const owners = new Set<Reloadable>();
  for (const q of queue) {
    if (q.client !== client) return null;
    calls.push(q.call);
    if (q.owner) owners.add(q.owner);
  }
  return { client, calls, owners };
}

/**
 * Runs one batch and applies what it read back to the local copies; when it fails, the models
 * in it are reloaded (the local copies computed what the failed operations would have done).
 */
async function sendBatch(batch: Batch): Promise<void> {
  const reads: ReadBack[] = [];
  for (const owner of batch.owners) {
    const read = owner.readBack?.(batch.calls);
    if (read) reads.push(read);
  }
  let replies: unknown[];
  try {
    // numeric field operations only: the short script, which applies nothing when one would fail
    const short = scalarBatch(batch.calls, reads);
    const applied = short ? short.split(await runScript(batch.client, short.call)) : null;
    replies = applied ?? ((await runScript(batch.client, batchCall(batch.calls, reads))) as unknown[]);
  } catch (error) {
    await Promise.allSettled([...batch.owners].map((o) => o.reload()));
    throw named(error, batch.calls);
  }
  let first: unknown = null;
  reads.forEach((read, i) => {
    try {
      read.apply(replies[i]);
    } catch (error) {
      first ??= error;
    }
  });
  if (first) throw first;
}

/** The batch names the failing operation by its number: the error gets its label, `[operation 3: Doc:{a} RedisInt.iadd]`. */
function named(error: unknown, calls: readonly ScriptCall[]): unknown {
  if (error instanceof Error) {
    error.message = error.message.replace(/\[operation (\d+)\]/, (m, n: string) => {
      const call = calls[Number(n) - 1];
      return call ? `[operation ${n}: ${call.label}]` : m;
    });
  }
  return error;
}

/**
 * The pipeline/batch call of some calls, then of the models to read back: the union of their
 * keys, then each operation, then each read (lua/pipeline/batch.lua).
 */
export function batchCall(calls: readonly ScriptCall[], reads: readonly ReadBack[] = []): ScriptCall {
  const keys: string[] = [];
  const index = new Map<string, number>();
  const at = (k: string): string => {
    let i = index.get(k);
    if (i === undefined) {
      keys.push(k);
      i = keys.length;
      index.set(k, i);
    }
    return String(i);
  };
  const args: string[] = [String(calls.length), String(reads.length)];
  for (const c of calls) {
    args.push(c.script, String(c.keys.length));
    for (const k of c.keys) args.push(at(k));
    args.push(String(c.args.length));
    for (const a of c.args) args.push(a);
  }
  for (const r of reads) {
    args.push(String(r.keys.length));
    for (const k of r.keys) args.push(at(k));
    for (const a of r.args) args.push(a);
  }
  return { script: 'pipeline/batch', keys, args, label: `pipeline of ${calls.length} operations on ${keys[0]}` };
}
