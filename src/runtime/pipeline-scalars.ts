/**
 * The short form of a pipeline batch (README "Pipelines"): when every queued operation of a
 * batch is a numeric field operation (int/op, float/op, int/incr, float/incr), the batch is sent
 * as lua/pipeline/scalars.lua instead of pipeline/batch. Each operation keeps its own script's
 * checks, errors and TTL step. The arguments are one JSON text (a command of ~140 short strings
 * cost the client more than the script cost Redis): each model's key count, mask and TTL once,
 * each field once, then each operation as field, op, operand, groups.
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

/** A UTF-16 surrogate without its pair (in u mode a pair is one code point, not matched). */
const LONE_SURROGATE = /\p{Cs}/u;

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
function modelOf(models: Map<string, Model>, call: ScriptCall, keys: string[], head: unknown[]): Model | null {
  const main = call.keys[0]!;
  const [, mask, ttl] = call.args as [string, string, string];
  const known = models.get(main);
  if (known) return known.mask === mask && known.ttl === ttl && sameKeys(known.keys, call.keys) ? known : null;
  const maskNumber = Number(mask);
  if (!Number.isSafeInteger(maskNumber)) return null;
  const m: Model = { index: models.size + 1, keys: call.keys, mask, ttl, fields: new Map() };
  models.set(main, m);
  for (const k of call.keys) keys.push(k);
  head.push(call.keys.length, maskNumber, ttl);
  return m;
}

/**
 * The short batch of the calls, or null when one of them has no short form, or a read reads
 * something other than fields they write (then pipeline/batch runs them).
 */
export function scalarBatch(calls: readonly ScriptCall[], reads: readonly Read[]): ScalarBatch | null {
  const models = new Map<string, Model>();
  const keys: string[] = [];
  const head: unknown[] = [];
  const ops: unknown[] = [];
  const fields: Field[] = [];
  for (const call of calls) {
    const p = partsOf(call);
    const groups = Number(call.args[0]);
    if (!p || !Number.isSafeInteger(groups)) return null;
    const m = modelOf(models, call, keys, head);
    if (!m) return null;
    const path = call.args[3]!;
    let f = m.fields.get(path);
    if (!f) {
      if (LONE_SURROGATE.test(path) || LONE_SURROGATE.test(p.def)) return null; // JSON escapes a lone surrogate, which Lua's cjson refuses
      f = { slot: fields.length + 1, model: m.index, path, kind: p.kind, def: p.def, limit: p.limit };
      m.fields.set(path, f);
      fields.push(f);
    } else if (f.kind !== p.kind || f.def !== p.def) {
      return null;
    } else if (p.limit !== null) {
      if (f.limit === null) f.limit = p.limit;
      else if (f.limit !== p.limit) return null;
    }
    ops.push(f.slot, p.op, p.operand, groups);
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
  const described: unknown[] = [];
  for (const f of fields) described.push(f.model, f.kind === 'int' ? 1 : 0, f.path, f.def, f.limit ?? '');
  const args = [JSON.stringify([head, described, ops])];
  return {
    call: { script: 'pipeline/scalars', keys, args, label: `pipeline of ${calls.length} operations on ${keys[0]}` },
    split: (reply) => {
      const values = reply as unknown[];
      return slots.map((at) => [at.map((i) => values[i])]);
    },
  };
}
