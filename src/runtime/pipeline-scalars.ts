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
  readonly main: string;
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

/**
 * Where each script that has a short form keeps its parts in ARGV (0-based, after groups, mask,
 * TTL and the path): its kind, whether ARGV[5] is its op (else it is an increment), the operand,
 * the default, and the limit (-1: none).
 */
const SHAPES: Readonly<Record<string, readonly [kind: string, hasOp: boolean, operand: number, def: number, limit: number]>> = {
  'int/op': ['int', true, 5, 6, 7],
  'float/op': ['float', true, 5, 6, -1],
  'int/incr': ['int', false, 4, 5, -1],
  'float/incr': ['float', false, 4, 5, -1],
};

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
  let m: Model | null = null;
  let groupsText = '';
  let groups = 0;
  for (const call of calls) {
    const shape = SHAPES[call.script];
    if (!shape) return null;
    const a = call.args;
    if (a[0] !== groupsText) {
      groupsText = a[0]!;
      groups = Number(groupsText);
      if (!Number.isSafeInteger(groups)) return null;
    }
    // a run of calls on one model (its keys array, mask and TTL): no lookup
    if (m === null || m.keys !== call.keys || m.mask !== a[1] || m.ttl !== a[2]) m = modelOf(models, call, keys, head);
    if (!m) return null;
    const [kind, hasOp, operandAt, defAt, limitAt] = shape;
    const path = a[3]!;
    const def = a[defAt]!;
    const limit = limitAt < 0 ? null : (a[limitAt] ?? '');
    let f = m.fields.get(path);
    if (!f) {
      if (LONE_SURROGATE.test(path) || LONE_SURROGATE.test(def)) return null; // JSON escapes a lone surrogate, which Lua's cjson refuses
      f = { slot: fields.length + 1, model: m.index, path, kind, def, limit };
      m.fields.set(path, f);
      fields.push(f);
    } else if (f.kind !== kind || f.def !== def) {
      return null;
    } else if (limit !== null) {
      if (f.limit === null) f.limit = limit;
      else if (f.limit !== limit) return null;
    }
    ops.push(f.slot, hasOp ? a[4] : 'incr', a[operandAt], groups);
  }
  const slots: number[][] = [];
  for (const r of reads) {
    const m = models.get(r.main);
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
