/**
 * The reference semantics of the collection methods (docs/collections.md): Python list rules,
 * dict and set semantics, priority-queue order. Local effects happen at the call; script effects
 * now, or at the end of a pipeline for writes. Results are in the comparable form of real-ops.ts.
 */
import { QUEUED, type Ref, type ScriptCtx } from './reference.js';
import { RefError, byteOrder, delSlice, indexAt, insertAt } from './python.js';
import { KEY_OF_PATH, num, type ListPath, type Pk, type Stored } from './schema.js';
import type { DictOp, ListOp, PqOp, SetOp } from './ops.js';

const R = 1,
  U = 8,
  A = 16,
  E = 64;

/** Dict keys travel raw (UTF-8): one with a lone surrogate is refused before anything is sent. */
export function checkDictKeys(keys: Iterable<string>): void {
  for (const k of keys) if (/[\uD800-\uDFFF]/u.test(k)) throw new RefError('ValidationError', `dict key ${JSON.stringify(k)}`);
}

export function refList(ref: Ref, pk: Pk, path: ListPath, op: ListOp): unknown {
  const k = KEY_OF_PATH[path];
  const f = path === 'tags' ? 'tags' : 'addrTags';
  const local = ref.localOf(pk);
  const push = (xs: string[]) =>
    ref.script(pk, U | A, true, (c) => {
      c.s[f].push(...xs);
      c.afterWrite(k);
      return c.s[f].length;
    });
  switch (op.m) {
    case 'aappend':
      push([op.x]);
      local[f].push(op.x);
      return undefined;
    case 'aextend':
      push(op.xs);
      local[f].push(...op.xs);
      return undefined;
    case 'append':
      local[f].push(op.x);
      ref.queueOnly(pk, U | A, (c) => {
        c.s[f].push(op.x);
        c.afterWrite(k);
      });
      return undefined;
    case 'extend':
    case 'iadd':
      local[f].push(...op.xs);
      if (op.xs.length > 0)
        ref.queueOnly(pk, U | A, (c) => {
          c.s[f].push(...op.xs);
          c.afterWrite(k);
        });
      return undefined;
    case 'ainsert': {
      const r = ref.script(pk, U | A, true, (c) => insertInto(c, f, k, op.i, op.x));
      const at = r === QUEUED ? insertAt(op.i, local[f].length) : Math.min(r, local[f].length);
      local[f].splice(at, 0, op.x);
      return undefined;
    }
    case 'insert':
      local[f].splice(insertAt(op.i, local[f].length), 0, op.x);
      ref.queueOnly(pk, U | A, (c) => insertInto(c, f, k, op.i, op.x));
      return undefined;
    case 'apop':
      return listPop(ref, pk, f, op.i ?? -1);
    case 'aclear':
    case 'clear':
      if (op.m === 'aclear')
        ref.script(pk, U | E, true, (c) => {
          c.s[f] = [];
          c.refresh();
        });
      else
        ref.queueOnly(pk, U | E, (c) => {
          c.s[f] = [];
          c.refresh();
        });
      local[f] = [];
      return undefined;
    case 'setItem':
      listSetItem(ref, pk, f, op.i, op.x);
      return undefined;
    case 'removeRange':
      delSlice(local[f], op.start, op.end);
      ref.queueOnly(pk, U | E, (c) => {
        delSlice(c.s[f], op.start, op.end);
        c.refresh();
      });
      return undefined;
  }
}

type ListField = 'tags' | 'addrTags';

/** `apop(i)`: runs at once; the local copy drops the item Redis returned (at its place, else its first copy). */
function listPop(ref: Ref, pk: Pk, f: ListField, i: number): string | null {
  const local = ref.localOf(pk);
  const r = ref.script(pk, R | U | E, false, (c) => {
    const xs = c.s[f];
    if (xs.length === 0) {
      c.refresh();
      return null;
    }
    const p = indexAt(i, xs.length);
    if (p === null) throw new RefError('KeyError', `index ${i}`);
    const [x] = xs.splice(p, 1);
    c.refresh();
    return [p, x!] as const;
  });
  if (r === null || r === QUEUED) {
    local[f] = [];
    return null;
  }
  const [at, x] = r;
  const j = at < local[f].length && local[f][at] === x ? at : local[f].indexOf(x);
  if (j >= 0) local[f].splice(j, 1);
  return x;
}

/** `setItem(i, x)`: KeyError out of the local copy's range; queued, KeyError out of the stored one's. */
function listSetItem(ref: Ref, pk: Pk, f: ListField, i: number, x: string): void {
  const local = ref.localOf(pk);
  const p = indexAt(i, local[f].length);
  if (p === null) throw new RefError('KeyError', `index ${i}`);
  local[f][p] = x;
  ref.queueOnly(pk, U, (c) => {
    const q = indexAt(i, c.s[f].length);
    if (q === null) throw new RefError('KeyError', `stored index ${i}`);
    c.s[f][q] = x;
    c.refresh();
  });
}

export function insertInto(c: ScriptCtx, f: 'tags' | 'addrTags', k: number, i: number, x: string): number {
  const xs = c.s[f];
  const p = insertAt(i, xs.length);
  xs.splice(p, 0, x);
  c.afterWrite(k);
  return p;
}

export function refDict(ref: Ref, pk: Pk, op: DictOp): unknown {
  const local = ref.localOf(pk).attrs;
  if ('k' in op) checkDictKeys([op.k]);
  if ('entries' in op) checkDictKeys(op.entries.map(([k]) => k));
  const setAll = (entries: [string, number][]) => (c: ScriptCtx) => {
    const attrs = c.s.attrs; // KeyNotFound first, even with nothing to write
    for (const [key, v] of entries) attrs.set(key, v);
    c.afterWrite(2);
  };
  switch (op.m) {
    case 'asetItem':
      ref.script(pk, U, true, setAll([[op.k, op.v]]));
      local.set(op.k, op.v);
      return undefined;
    case 'setItem':
      local.set(op.k, op.v);
      ref.queueOnly(pk, U, setAll([[op.k, op.v]]));
      return undefined;
    case 'aupdate':
    case 'update': {
      const entries = [...new Map(op.entries)];
      if (op.m === 'aupdate') ref.script(pk, U, true, setAll(entries));
      else if (entries.length > 0) ref.queueOnly(pk, U, setAll(entries));
      for (const [key, v] of entries) local.set(key, v);
      return undefined;
    }
    case 'adelItem':
      dictDelItem(ref, pk, op.k);
      return undefined;
    case 'apop': {
      const r = ref.script(pk, R | U | E, false, (c) => {
        const v = c.s.attrs.get(op.k);
        if (v === undefined && op.fallback === undefined) throw new RefError('KeyError', op.k);
        c.s.attrs.delete(op.k);
        c.refresh();
        return v ?? null;
      });
      local.delete(op.k);
      return r === null ? op.fallback : r;
    }
    case 'apopitem':
      return dictPopItem(ref, pk);
    case 'aclear':
    case 'clear': {
      const fn = (c: ScriptCtx) => {
        c.s.attrs = new Map();
        c.refresh();
      };
      if (op.m === 'aclear') ref.script(pk, U | E, true, fn);
      else ref.queueOnly(pk, U | E, fn);
      local.clear();
      return undefined;
    }
  }
}

/** `adelItem(k)`: KeyError when not stored; the local copy drops k then too. */
function dictDelItem(ref: Ref, pk: Pk, k: string): void {
  const local = ref.localOf(pk).attrs;
  try {
    ref.script(pk, U | E, true, (c) => {
      if (!c.s.attrs.delete(k)) throw new RefError('KeyError', k);
      c.refresh();
    });
  } catch (e) {
    if (e instanceof RefError && e.kind === 'KeyError') local.delete(k);
    throw e;
  }
  local.delete(k);
}

/** `apopitem()`: the oldest key of a small dict (a listpack keeps insertion order); KeyError when empty. */
function dictPopItem(ref: Ref, pk: Pk): [string, number] {
  const local = ref.localOf(pk).attrs;
  let r: [string, number] | typeof QUEUED;
  try {
    r = ref.script(pk, R | U | E, false, (c) => {
      const first = [...c.s.attrs][0];
      if (!first) throw new RefError('KeyError', 'empty');
      c.s.attrs.delete(first[0]);
      c.refresh();
      return first;
    });
  } catch (e) {
    if (e instanceof RefError && e.kind === 'KeyError') local.clear();
    throw e;
  }
  if (r === QUEUED) throw new Error('apopitem never queues');
  local.delete(r[0]);
  return r;
}

export function refSet(ref: Ref, pk: Pk, op: SetOp): unknown {
  const local = ref.localOf(pk).seen;
  const add = (x: string) => (c: ScriptCtx) => {
    c.s.seen.add(x);
    c.afterWrite(3);
  };
  const remove = (x: string) => (c: ScriptCtx) => {
    const had = c.s.seen.delete(x);
    c.refresh();
    return had;
  };
  const clear = (c: ScriptCtx) => {
    c.s.seen = new Set();
    c.refresh();
  };
  switch (op.m) {
    case 'aadd':
      ref.script(pk, U | A, true, add(op.x));
      local.add(op.x);
      return undefined;
    case 'add':
      local.add(op.x);
      ref.queueOnly(pk, U | A, add(op.x));
      return undefined;
    case 'aremove': {
      // answers from the stored set: runs at once, even inside a pipeline
      const r = ref.script(pk, U | E, false, remove(op.x));
      local.delete(op.x);
      return r;
    }
    case 'delete':
      ref.queueOnly(pk, U | E, remove(op.x));
      return local.delete(op.x);
    case 'apop': {
      const r = ref.script(pk, R | U | E, false, (c) => {
        const m = ref.nextPopped(c.s.seen);
        if (m !== null) c.s.seen.delete(m);
        c.refresh();
        return m;
      });
      if (r === null || r === QUEUED) local.clear();
      else local.delete(r);
      return r;
    }
    case 'aclear':
      ref.script(pk, U | E, true, clear);
      local.clear();
      return undefined;
    case 'clear':
      local.clear();
      ref.queueOnly(pk, U | E, clear);
      return undefined;
    case 'acontains':
      return ref.script(pk, R, false, (c) => {
        const has = c.s.seen.has(op.x);
        c.refresh();
        return has;
      });
    case 'asize':
      return ref.script(pk, R, false, (c) => {
        const n = c.s.seen.size;
        c.refresh();
        return n;
      });
    case 'adiscard':
      ref.script(pk, U | E, true, remove(op.x));
      local.delete(op.x);
      return undefined;
    case 'discard':
      ref.queueOnly(pk, U | E, remove(op.x));
      local.delete(op.x);
      return undefined;
    case 'update': // nothing to add: nothing is queued
      for (const x of op.xs) local.add(x);
      if (op.xs.length > 0)
        ref.queueOnly(pk, U | A, (c) => {
          for (const x of op.xs) c.s.seen.add(x);
          c.afterWrite(3);
        });
      return undefined;
    case 'amembers': {
      const r = ref.script(pk, R, false, (c) => {
        const m = new Set(c.s.seen);
        c.refresh();
        return m;
      }) as Set<string>;
      local.clear();
      for (const x of r) local.add(x);
      return r;
    }
    case 'aaddMany': // nothing to add: nothing is sent
      if (op.xs.length > 0)
        ref.script(pk, U | A, true, (c) => {
          for (const x of op.xs) c.s.seen.add(x);
          c.afterWrite(3);
        });
      for (const x of op.xs) local.add(x);
      return undefined;
    case 'aunion':
    case 'aintersect':
    case 'adifference':
      return ref.script(pk, R, false, (c) => {
        const stored = c.s.seen; // KeyNotFound when the model is not stored
        const r = op.m === 'adifference' ? new Set<string>() : new Set(stored);
        c.refresh();
        return r;
      });
    case 'aunionUpdate':
    case 'aintersectUpdate':
    case 'adifferenceUpdate': {
      // *STORE rewrites the key: its TTL goes
      const groups = op.m === 'aunionUpdate' ? U | A : U | E;
      const r = ref.script(pk, groups, false, (c) => {
        if (op.m === 'adifferenceUpdate') c.s.seen = new Set();
        c.rewritten(3);
        c.afterWrite(3);
        return new Set(c.s.seen);
      }) as Set<string>;
      local.clear();
      for (const x of r) local.add(x);
      return undefined;
    }
  }
}

/** The queue's items in pop order: lowest priority first, ties in the byte order of the JSON texts. */
export function pqItems(s: Stored): [string, number][] {
  return [...s.jobs].sort(([va, pa], [vb, pb]) => pa - pb || byteOrder(JSON.stringify(va), JSON.stringify(vb)));
}

export function pqRead<T>(ref: Ref, pk: Pk, fn: (s: Stored) => T): T {
  return ref.script(pk, R, false, (c) => {
    const r = fn(c.s);
    c.refresh();
    return r;
  }) as T;
}

export function refPq(ref: Ref, pk: Pk, op: PqOp): unknown {
  const push = (items: [string, number][]) => (c: ScriptCtx) => {
    const jobs = c.s.jobs; // KeyNotFound first, even with nothing to push
    for (const [v, p] of items) jobs.set(v, p);
    c.afterWrite(4);
  };
  switch (op.m) {
    case 'apush':
      ref.script(pk, U | A, true, push([[op.v, op.p]]));
      return undefined;
    case 'apushMany':
      ref.script(pk, U | A, true, push(op.items.map((i) => [i.value, i.priority])));
      return undefined;
    case 'apop':
      return ref.script(pk, R | U | E, false, (c) => {
        const top = pqItems(c.s)[0];
        if (top) c.s.jobs.delete(top[0]);
        c.refresh();
        return top ? top[0] : null;
      });
    case 'apeek':
      return pqRead(ref, pk, (s) => pqItems(s)[0]?.[0] ?? null);
    case 'asize':
      return pqRead(ref, pk, (s) => s.jobs.size);
    case 'aitems':
      return pqRead(ref, pk, (s) => pqItems(s).map(([v, p]) => [v, num(p)]));
    case 'aremove': // answers from the stored queue: runs at once, even inside a pipeline
      return ref.script(pk, U | E, false, (c) => {
        const had = c.s.jobs.delete(op.v);
        c.refresh();
        return had;
      });
    case 'aclear':
      ref.script(pk, U | E, true, (c) => {
        c.s.jobs = new Map();
        c.refresh();
      });
      return undefined;
  }
}
