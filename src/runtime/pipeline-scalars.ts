/**
 * The short form of a pipeline batch (README "Pipelines"): when every queued operation of a
 * batch is a numeric field operation (int/op, float/op, int/incr, float/incr), the batch is sent
 * as lua/pipeline/scalars.lua instead of pipeline/batch. Each operation keeps its own script's
 * checks, errors and TTL step; the arguments are compact: each model's keys, mask and TTL once,
 * each field once, then one line per operation (`field op operand groups`).
 */
import type { ScriptCall } from './scripts.js';

/** What the short form needs of a read-back (pipeline.ts's ReadBack). */
interface Read {
  readonly keys: readonly string[];
  readonly paths?: readonly string[] | undefined;
}

interface Model {
  readonly index: number;
  readonly keys: readonly string[];
  readonly mask: string;
  readonly ttl: string;
  readonly fields: Map<string, Field>;
}

interface Field {
  readonly slot: number;
  readonly model: number;
  readonly path: string;
  readonly kind: string;
  readonly def: string;
  /** The limit of its int/op calls; null while only incr calls (which have none) use it. */
  limit: string | null;
}

/** The short batch of some calls, and how to split its reply into the reads' replies. */
export interface ScalarBatch {
  readonly call: ScriptCall;
  /** The reply of each read, as pipeline/batch gives it (model/load's form). */
  split(reply: unknown): unknown[];
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** An operation's parts in the short form, or null when its script has none. */
function partsOf(call: ScriptCall): { kind: string; op: string; operand: string; def: string; limit: string | null } | null {
  const a = call.args;
  switch (call.script) {
    case 'int/op': return { kind: 'int', op: a[4]!, operand: a[5]!, def: a[6]!, limit: a[7] ?? '' };
    case 'float/op': return { kind: 'float', op: a[4]!, operand: a[5]!, def: a[6]!, limit: '' };
    case 'int/incr': return { kind: 'int', op: 'incr', operand: a[4]!, def: a[5]!, limit: null };
    case 'float/incr': return { kind: 'float', op: 'incr', operand: a[4]!, def: a[5]!, limit: null };
    default: return null;
  }
}

/** A model of the batch (keys, mask and TTL the same in all its calls), or null when they differ. */
function modelOf(models: Map<string, Model>, call: ScriptCall, keys: string[], head: string[]): Model | null {
  const main = call.keys[0]!;
  const [, mask, ttl] = call.args as [string, string, string];
  const known = models.get(main);
  if (known) return known.mask === mask && known.ttl === ttl && sameKeys(known.keys, call.keys) ? known : null;
  const m: Model = { index: models.size + 1, keys: call.keys, mask, ttl, fields: new Map() };
  models.set(main, m);
  for (const k of call.keys) keys.push(k);
  head.push(String(call.keys.length), mask, ttl);
  return m;
}

/**
 * The short batch of the calls, or null when one of them has no short form, or a read reads
 * something other than fields they write (then pipeline/batch runs them).
 */
export function scalarBatch(calls: readonly ScriptCall[], reads: readonly Read[]): ScalarBatch | null {
  const models = new Map<string, Model>();
  const keys: string[] = [];
  const head: string[] = [];
  const fields: Field[] = [];
  let ops = '';
  for (const call of calls) {
    const p = partsOf(call);
    if (!p || /\s/.test(p.operand)) return null;
    const m = modelOf(models, call, keys, head);
    if (!m) return null;
    const path = call.args[3]!;
    let f = m.fields.get(path);
    if (!f) {
      f = { slot: fields.length + 1, model: m.index, path, kind: p.kind, def: p.def, limit: p.limit };
      m.fields.set(path, f);
      fields.push(f);
    } else if (f.kind !== p.kind || f.def !== p.def) {
      return null;
    } else if (p.limit !== null) {
      if (f.limit === null) f.limit = p.limit;
      else if (f.limit !== p.limit) return null;
    }
    ops += `${f.slot} ${p.op} ${p.operand} ${call.args[0]!}\n`;
  }
  const slots: number[][] = [];
  for (const r of reads) {
    const m = models.get(r.keys[0]!);
    if (!r.paths || !m) return null;
    const at: number[] = [];
    for (const path of r.paths) {
      const f = m.fields.get(path);
      if (!f) return null;
      at.push(f.slot - 1);
    }
    slots.push(at);
  }
  const args = [String(models.size)].concat(head, [String(fields.length)]); // no spread: calls may be many
  for (const f of fields) args.push(String(f.model), f.kind, f.path, f.def, f.limit ?? '');
  args.push(ops);
  return {
    call: { script: 'pipeline/scalars', keys, args, label: `pipeline of ${calls.length} operations on ${keys[0]}` },
    split: (reply) => {
      const values = reply as unknown[];
      return slots.map((at) => [at.map((i) => values[i])]);
    },
  };
}
