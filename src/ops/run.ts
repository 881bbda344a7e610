/**
 * The one road every operation takes: inside a pipeline an operation that queues joins it (its
 * promise resolves at once with the method's local result); otherwise its script runs now and
 * its reply is decoded by its descriptor. Bulk forms send many calls in one round trip per node.
 */
import { runScript, runScripts, type Client, type ScriptCall, type Settled } from '../runtime/scripts.js';
import { enqueue, inPipeline, type Reloadable } from '../runtime/pipeline.js';
import { OPERATIONS, type MethodName, type ResultOf } from './table.js';
import type { Operation } from './operation.js';
import { trace, traced, type OperationTrace } from './trace.js';

/** What a queued call without a local result resolves to: one promise for all (none made per call). */
const QUEUED: Promise<undefined> = Promise.resolve(undefined);

/**
 * Runs (or queues) one operation. `local` gives the result a queued call resolves to (the
 * method's local computation); `owner` is reloaded if the pipeline it joins fails.
 */
export function perform<N extends MethodName>(client: Client, name: N, call: ScriptCall, local?: () => ResultOf<N>, owner?: Reloadable): Promise<ResultOf<N>> {
  const op = OPERATIONS[name];
  if (op.pipeline === 'queue' && enqueue(client, call, owner)) return local ? Promise.resolve(local()) : (QUEUED as Promise<ResultOf<N>>);
  if (traced()) return trace(traceOf(name, call, 1), () => send(client, op, call));
  return send(client, op, call);
}

function send<R>(client: Client, op: Operation<R>, call: ScriptCall): Promise<R> {
  const p = runScript(client, call);
  return (op.decode ? p.then(op.decode) : p) as Promise<R>;
}

function traceOf(operation: string, call: ScriptCall, calls: number): OperationTrace {
  return { operation, script: call.script, key: call.keys[0] ?? '', label: call.label, calls };
}

/**
 * Runs (or queues) one operation per call: outside a pipeline in one round trip per node, each
 * settled on its own and decoded; inside a pipeline (for an operation that queues) every call
 * joins it and settles at once as `queued`.
 */
export async function performMany<N extends MethodName>(
  client: Client,
  name: N,
  calls: readonly ScriptCall[],
  owners: readonly (Reloadable | undefined)[] = [],
): Promise<(Settled & { queued?: boolean })[]> {
  const op = OPERATIONS[name];
  if (op.pipeline === 'queue' && inPipeline()) {
    calls.forEach((c, i) => {
      enqueue(client, c, owners[i]);
    });
    return calls.map(() => ({ ok: true, value: undefined, queued: true }));
  }
  const settled =
    calls.length > 0 && traced() ? await trace(traceOf(name, calls[0]!, calls.length), () => runScripts(client, calls)) : await runScripts(client, calls);
  const decode = op.decode;
  return decode ? settled.map((s) => (s.ok ? { ok: true, value: decode(s.value) } : s)) : settled;
}
