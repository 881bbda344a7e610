/**
 * The short form of a pipeline batch (README "Pipelines"): when every queued operation of a
 * batch is a numeric field operation (int/op, float/op, int/incr, float/incr), the batch is sent
 * first as lua/pipeline/scalars.lua, which applies it only when every operation succeeds (each
 * with its own script's checks, arithmetic and TTL step) and otherwise writes nothing and replies
 * nil: then pipeline/batch runs it and fails it with the failing operation's error. The argument
 * is one JSON text (a command of ~140 short strings cost the client more than the script cost
 * Redis): each model's key count, mask, TTL and field count, then each field with its operations
 * in queue order as runs of equal ones (fields do not affect one another).
 */
import type { ScriptCall } from './scripts.js';

/** What the short form needs of a read-back (pipeline.ts's ReadBack). */
interface Read {
  readonly main: string;
  readonly paths?: readonly string[] | undefined;
}

interface Model {
  readonly keys: readonly string[];
  readonly mask: string;
  readonly maskNumber: number;
  readonly ttl: string;
  readonly fields: Map<string, Field>;
}

interface Field {
  readonly kind: number; // 1 int, 0 float
  readonly def: string;
  /** The limit of its int/op calls; null while only incr calls (which have none) use it. */
  limit: string | null;
  /** Its runs: op, operand, groups, count, … */
  readonly runs: (string | number)[];
  /** Its place in the reply, once the batch is described. */
  slot: number;
}

/** The short batch of some calls, and how to split its reply into the reads' replies. */
export interface ScalarBatch {
  readonly call: ScriptCall;
  /** The reply of each read, as pipeline/batch gives it (model/load's form); null: the short script applied nothing. */
  split(reply: unknown): unknown[] | null;
}

/** A UTF-16 surrogate without its pair (in u mode a pair is one code point, not matched). */
const LONE_SURROGATE = /\p{Cs}/u;
/** Fields of one model in one short batch, at most (Lua's unpack of its HMGET and HSET). */
const MAX_FIELDS = 1000;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The scripts that have a short form, and where their parts are in a call's args (0-based; 0 to
 * 3 are groups, mask, TTL and the path): the field's kind, whether args[4] is the op (else the
 * call is an increment), then the indexes of the operand, the default and the limit (-1: none).
 */
const SHAPES = new Map<string, readonly [kind: string, hasOp: boolean, operand: number, def: number, limit: number]>([
  ['int/op', ['int', true, 5, 6, 7]],
  ['float/op', ['float', true, 5, 6, -1]],
  ['int/incr', ['int', false, 4, 5, -1]],
  ['float/incr', ['float', false, 4, 5, -1]],
]);

/** A model of the batch (keys, mask and TTL the same in all its calls), or null when they differ. */
function modelOf(models: Map<string, Model>, call: ScriptCall): Model | null {
  const [, mask, ttl] = call.args as [string, string, string];
  const known = models.get(call.keys[0]!);
  if (known) return known.mask === mask && known.ttl === ttl && sameKeys(known.keys, call.keys) ? known : null;
  const maskNumber = Number(mask);
  if (!Number.isSafeInteger(maskNumber)) return null;
  const m: Model = { keys: call.keys, mask, maskNumber, ttl, fields: new Map() };
  models.set(call.keys[0]!, m);
  return m;
}

/** The field of a call (created at its first call), or null when its calls disagree on its kind, default or limit. */
function fieldOf(m: Model, path: string, kind: number, def: string, limit: string | null): Field | null {
  const f = m.fields.get(path);
  if (!f) {
    if (LONE_SURROGATE.test(path) || LONE_SURROGATE.test(def)) return null; // JSON escapes a lone surrogate, which Lua's cjson refuses
    if (m.fields.size >= MAX_FIELDS) return null;
    const made: Field = { kind, def, limit, runs: [], slot: -1 };
    m.fields.set(path, made);
    return made;
  }
  if (f.kind !== kind || f.def !== def) return null;
  if (limit !== null) {
    if (f.limit === null) f.limit = limit;
    else if (f.limit !== limit) return null;
  }
  return f;
}

/** Appends an operation to a field's runs: one more of its last run when equal. */
function addRun(runs: (string | number)[], op: string, operand: string, groups: number): void {
  const n = runs.length;
  if (n > 0 && runs[n - 4] === op && runs[n - 3] === operand && runs[n - 2] === groups) runs[n - 1] = (runs[n - 1] as number) + 1;
  else runs.push(op, operand, groups, 1);
}

/** The models' and the fields' arrays of the script's JSON, and the keys; numbers each field's slot. */
function describe(models: Map<string, Model>): { keys: string[]; json: string } {
  const keys: string[] = [];
  const ms: unknown[] = [];
  const fs: unknown[] = [];
  let slot = 0;
  for (const m of models.values()) {
    for (const k of m.keys) keys.push(k);
    ms.push(m.keys.length, m.maskNumber, m.ttl, m.fields.size);
    for (const [path, f] of m.fields) {
      f.slot = slot;
      slot += 1;
      fs.push(f.kind, path, f.def, f.limit ?? '', f.runs.length / 4);
      for (const x of f.runs) fs.push(x);
    }
  }
  return { keys, json: JSON.stringify([ms, fs]) };
}

/**
 * The short batch of the calls, or null when one of them has no short form, or a read reads
 * something other than fields they write (then pipeline/batch runs them).
 */
export function scalarBatch(calls: readonly ScriptCall[], reads: readonly Read[]): ScalarBatch | null {
  const models = new Map<string, Model>();
  let m: Model | null = null;
  let groupsText = '';
  let groups = 0;
  for (const call of calls) {
    const shape = SHAPES.get(call.script);
    if (!shape) return null;
    const a = call.args;
    if (a[0] !== groupsText) {
      groupsText = a[0]!;
      groups = Number(groupsText);
      if (!Number.isSafeInteger(groups)) return null;
    }
    // a run of calls on one model (its keys array, mask and TTL): no lookup
    if (m === null || m.keys !== call.keys || m.mask !== a[1] || m.ttl !== a[2]) m = modelOf(models, call);
    if (!m) return null;
    const [kind, hasOp, operandAt, defAt, limitAt] = shape;
    const f = fieldOf(m, a[3]!, kind === 'int' ? 1 : 0, a[defAt]!, limitAt < 0 ? null : (a[limitAt] ?? ''));
    if (!f) return null;
    addRun(f.runs, hasOp ? a[4]! : 'incr', a[operandAt]!, groups);
  }
  const { keys, json } = describe(models);
  const slots: number[][] = [];
  for (const r of reads) {
    const fields = models.get(r.main)?.fields;
    if (!r.paths || !fields) return null;
    const at: number[] = [];
    for (const path of r.paths) {
      const f = fields.get(path);
      if (!f) return null;
      at.push(f.slot);
    }
    slots.push(at);
  }
  return {
    call: { script: 'pipeline/scalars', keys, args: [json], label: `pipeline of ${calls.length} operations on ${keys[0]}` },
    split: (reply) => {
      if (reply === null) return null;
      const values = reply as unknown[];
      return slots.map((at) => [at.map((i) => values[i])]);
    },
  };
}
