/**
 * The reference interpreter: what each operation does to the reference (reference.ts), written
 * from the documented semantics (README, API-§6, docs/collections.md), not from the library's code.
 * Local effects happen at the call, script effects now or (writes in a pipeline) at the end.
 * Results are returned in the comparable form real-ops.ts also returns.
 */
import { QUEUED, type Ref } from './reference.js';
import { RefError, pyFloat, pyInt } from './python.js';
import { checkDictKeys, pqItems, pqRead, refDict, refList, refPq, refSet } from './ref-collections.js';
import { MAIN, comparable, num, type PartialInput, type Pk, type Stored, type Values } from './schema.js';
import type { FieldPath, Op } from './ops.js';

const R = 1,
  F = 2,
  C = 4,
  U = 8,
  A = 16,
  D = 32,
  AR = 128;

type VField = keyof Values;

const FIELDS_OF: Record<FieldPath, VField[]> = {
  count: ['count'],
  score: ['score'],
  label: ['label'],
  note: ['note'],
  tags: ['tags'],
  attrs: ['attrs'],
  seen: ['seen'],
  jobs: [],
  address: ['city', 'addrTags'],
  'address.city': ['city'],
  'address.tags': ['addrTags'],
};

const KEY_OF_FIELD: Partial<Record<VField, number>> = { tags: 1, attrs: 2, seen: 3, addrTags: 5 };

/** A dict written from a local copy goes through toJSON: a plain object's key order. */
function objectOrder(m: Map<string, number>): Map<string, number> {
  return new Map(Object.entries(Object.fromEntries(m)));
}

function copyField(to: Values, from: Values, f: VField): void {
  const v = from[f];
  (to as unknown as Record<string, unknown>)[f] = v instanceof Map ? objectOrder(v) : v instanceof Set ? new Set(v) : Array.isArray(v) ? [...v] : v;
}

/** model/update (aupdate, a field's asave, `value =` in a pipeline) of some fields from `from`. */
function writeFields(ref: Ref, pk: Pk, fields: VField[], from: Values, groups = U): unknown {
  const payload = {} as Values;
  for (const f of fields) copyField(payload, from, f);
  return ref.script(pk, groups, true, (c) => {
    const s = c.s;
    const main = c.slot.ttl[MAIN]!;
    for (const f of fields) {
      copyField(s, payload, f);
      const k = KEY_OF_FIELD[f];
      if (k !== undefined) c.rewritten(k);
    }
    if (!c.refresh() && main > 0)
      c.slot.ttl.forEach((t, i) => {
        if (i > 0 && t === -1) c.slot.ttl[i] = main;
      });
  });
}

/** model/save of the whole local copy (never the priority queue). */
export function refSave(ref: Ref, pk: Pk, groups = C | U): void {
  const payload = {} as Values;
  const local = ref.localOf(pk);
  for (const f of Object.keys(local) as VField[]) copyField(payload, local, f);
  ref.script(pk, groups, true, (c) => {
    const created = !c.slot.stored;
    const before = c.slot.ttl[MAIN] ?? -2;
    c.slot.stored = { ...payload, jobs: c.slot.stored?.jobs ?? new Map() };
    for (const k of [1, 2, 3, 5]) c.rewritten(k);
    if (!c.refresh(created) && before > 0)
      c.slot.ttl.forEach((t, i) => {
        if (t !== undefined) c.slot.ttl[i] = before;
      });
  });
}

function loadFields(ref: Ref, pk: Pk, fields: VField[], groups = R): void {
  const got = ref.script(pk, groups, false, (c) => {
    const s = c.s;
    c.refresh();
    return s;
  }) as Stored;
  const local = ref.localOf(pk);
  for (const f of fields) copyField(local, got, f);
  // a loaded dict keeps the stored order, not an object's
  if (fields.includes('attrs')) local.attrs = new Map(got.attrs);
}

export function fieldResult(v: Values, path: FieldPath, s?: Stored): unknown {
  switch (path) {
    case 'attrs':
      return [...v.attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    case 'seen':
      return [...v.seen].sort();
    case 'score':
      return num(v.score);
    case 'address':
      return undefined;
    case 'address.city':
      return v.city;
    case 'address.tags':
      return [...v.addrTags];
    case 'jobs':
      return pqItems(s!).map(([value, p]) => [value, num(p)]);
    case 'tags':
      return [...v.tags];
    default:
      return v[path];
  }
}

export function applyRef(ref: Ref, pk: Pk, op: Op): unknown {
  const local = ref.localOf(pk);
  switch (op.k) {
    case 'save':
      refSave(ref, pk);
      return undefined;
    case 'load':
      loadFields(ref, pk, Object.keys(local) as VField[]);
      return undefined;
    case 'update':
      return refUpdate(ref, pk, op.partial);
    case 'setTtl':
      ref.script(pk, U, true, (c) => {
        void c.s;
        c.slot.ttl.forEach((t, i) => {
          if (t !== undefined) c.slot.ttl[i] = op.seconds === null ? -1 : Math.round(op.seconds * 1000);
        });
      });
      return undefined;
    case 'delete': {
      const r = ref.script(pk, D, true, (c) => {
        const had = c.slot.stored !== null;
        c.slot.stored = null;
        return had;
      });
      return r === QUEUED ? true : r;
    }
    case 'incr':
      return refIncr(ref, pk, op.field, op.by);
    case 'intOp': {
      local.count = pyInt(local.count, op.op, op.n);
      ref.queueOnly(pk, U | AR, (c) => {
        c.s.count = pyInt(c.s.count, op.op, op.n);
        c.refresh();
      });
      return undefined;
    }
    case 'floatOp': {
      if (op.op === 'pow') ref.fuzzy.add(pk);
      local.score = pyFloat(local.score, op.op, op.n);
      ref.queueOnly(pk, U | AR, (c) => {
        c.s.score = pyFloat(c.s.score, op.op, op.n);
        c.refresh();
      });
      return undefined;
    }
    case 'strAdd': {
      const cur = local[op.field];
      if (cur === null) throw new RefError('ValidationError', 'the value is null');
      local[op.field] = cur + op.text;
      ref.queueOnly(pk, U | A, (c) => {
        const v = c.s[op.field];
        if (v === null) throw new RefError('ValidationError', 'stored null');
        c.s[op.field] = v + op.text;
        c.refresh();
      });
      return undefined;
    }
    case 'strMul':
      local.label = local.label.repeat(op.n);
      ref.queueOnly(pk, U, (c) => {
        c.s.label = c.s.label.repeat(op.n);
        c.refresh();
      });
      return undefined;
    case 'assign': {
      const f = op.field;
      (local as unknown as Record<string, unknown>)[f] = op.value;
      if (ref.inPipeline) writeFields(ref, pk, [f], local);
      return undefined;
    }
    case 'fieldLoad': {
      if (op.path === 'jobs') return pqRead(ref, pk, (s) => fieldResult(s, 'jobs', s));
      loadFields(ref, pk, FIELDS_OF[op.path]);
      return fieldResult(local, op.path);
    }
    case 'fieldSave':
      writeFields(ref, pk, FIELDS_OF[op.path], local);
      return undefined;
    case 'list':
      return refList(ref, pk, op.path, op.op);
    case 'dict':
      return refDict(ref, pk, op.op);
    case 'set':
      return refSet(ref, pk, op.op);
    case 'pq':
      return refPq(ref, pk, op.op);
  }
}

function refUpdate(ref: Ref, pk: Pk, p: PartialInput): undefined {
  checkDictKeys(Object.keys(p.attrs ?? {}));
  const given = { ...ref.localOf(pk) } as Values;
  const fields: VField[] = [];
  const set = <K extends VField>(f: K, v: Values[K]) => {
    given[f] = v;
    fields.push(f);
  };
  if (p.count !== undefined) set('count', p.count);
  if (p.score !== undefined) set('score', p.score);
  if (p.label !== undefined) set('label', p.label);
  if (p.note !== undefined) set('note', p.note);
  if (p.tags !== undefined) set('tags', [...p.tags]);
  if (p.attrs !== undefined) set('attrs', new Map(Object.entries(p.attrs)));
  if (p.seen !== undefined) set('seen', new Set(p.seen));
  if (p.address !== undefined) {
    set('city', p.address.city);
    set('addrTags', [...(p.address.tags ?? [])]);
  }
  writeFields(ref, pk, fields, given);
  const local = ref.localOf(pk);
  for (const f of fields) copyField(local, given, f);
  return undefined;
}

function refIncr(ref: Ref, pk: Pk, field: 'count' | 'score', by: number): number {
  const add = (x: number) => (field === 'count' ? pyInt(x, 'add', by) : pyFloat(x, 'add', by));
  const r = ref.script(pk, U | AR, true, (c) => {
    const n = add(c.s[field]);
    c.s[field] = n;
    c.refresh();
    return n;
  });
  const local = ref.localOf(pk);
  const n = r === QUEUED ? add(local[field]) : r;
  local[field] = n;
  return num(n);
}

/** Class-level reads of the commands (not inside pipelines). */
export function refGet(ref: Ref, pk: Pk): void {
  ref.script(pk, R | F, false, (c) => {
    void c.s;
    c.refresh();
  });
  ref.local[pk] = ref.loadedValues(pk);
}

export function refExists(ref: Ref, pk: Pk): boolean {
  return ref.script(pk, R, false, (c) => {
    if (!c.slot.stored) return false;
    c.refresh();
    return true;
  }) as boolean;
}

/** `afind(...pks, { skipMissing })`: every model is loaded (and refreshed) before a missing one throws. */
export function refFind(ref: Ref, pks: Pk[], skipMissing: boolean): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  let missing = false;
  for (const pk of pks) {
    ref.script(pk, R | F, false, (c) => {
      if (c.slot.stored) c.refresh();
    });
    const v = ref.loadedValues(pk);
    if (v) found.push(comparable(v));
    else missing = true;
  }
  if (missing && !skipMissing) throw new RefError('KeyNotFound', 'afind');
  return found;
}

/** `adeleteMany(...pks)`: one delete script per key, in order. */
export function refDeleteMany(ref: Ref, pks: Pk[]): { modelsDeleted: number; keysDeleted: number } {
  let modelsDeleted = 0;
  let keysDeleted = 0;
  for (const pk of pks) {
    ref.script(pk, D, false, (c) => {
      if (c.slot.stored) modelsDeleted += 1;
      keysDeleted += c.slot.ttl.filter((t) => t !== undefined).length;
      c.slot.stored = null;
    });
  }
  return { modelsDeleted, keysDeleted };
}

export function refFindKeys(ref: Ref): string[] {
  const keys = ref.storedKeys();
  if (ref.mask & R && ref.ttlMs !== null) for (const pk of ['a', 'b'] as const) refExists(ref, pk);
  return keys;
}

export { checkDictKeys, pqItems };
