/**
 * The real interpreter: runs an operation on a live MbtSession instance (the library under
 * test) and returns its result in the comparable form of ref-ops.ts. Set pops are random: their
 * answers are recorded in `popped` for the reference to follow.
 */
import type { RedisList } from '../../src/index.js';
import { num, type Session } from './schema.js';
import type { DictOp, FieldPath, ListOp, Op, PqOp, SetOp } from './ops.js';

const sortedPairs = (o: Record<string, number>) => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

export async function applyReal(h: Session, op: Op, popped: (string | null)[]): Promise<unknown> {
  switch (op.k) {
    case 'save':
      await h.asave();
      return undefined;
    case 'load':
      await h.aload();
      return undefined;
    case 'update':
      await h.aupdate(op.partial);
      return undefined;
    case 'setTtl':
      await h.asetTtl(op.seconds);
      return undefined;
    case 'delete':
      return h.adelete();
    case 'incr':
      return num(await h[op.field].aincrease(op.by));
    case 'intOp': {
      const f = h.count;
      const fns = { add: f.iadd, sub: f.isub, mul: f.imul, floordiv: f.ifloordiv, mod: f.imod, pow: f.ipow };
      fns[op.op].call(f, op.n);
      return undefined;
    }
    case 'floatOp': {
      const f = h.score;
      const fns = { add: f.iadd, sub: f.isub, mul: f.imul, truediv: f.itruediv, floordiv: f.ifloordiv, mod: f.imod, pow: f.ipow };
      fns[op.op].call(f, op.n);
      return undefined;
    }
    case 'strAdd':
      h[op.field].iadd(op.text);
      return undefined;
    case 'strMul':
      h.label.imul(op.n);
      return undefined;
    case 'assign':
      assign(h, op.field, op.value);
      return undefined;
    case 'fieldLoad':
      return loadField(h, op.path);
    case 'fieldSave':
      await handleAt(h, op.path).asave();
      return undefined;
    case 'list':
      return listOp(op.path === 'tags' ? h.tags : h.address.tags, op.op);
    case 'dict':
      return dictOp(h, op.op);
    case 'set':
      return setOp(h, op.op, popped);
    case 'pq':
      return pqOp(h, op.op);
  }
}

function assign(h: Session, field: 'label' | 'note' | 'city' | 'count' | 'score', value: string | number | null): void {
  switch (field) {
    case 'label':
      h.label.value = value as string;
      break;
    case 'note':
      h.note.value = value as string | null;
      break;
    case 'city':
      h.address.city.value = value as string;
      break;
    case 'count':
      h.count.value = value as number;
      break;
    case 'score':
      h.score.value = value as number;
      break;
  }
}

function handleAt(h: Session, path: FieldPath): { asave(): Promise<unknown>; aload(): Promise<unknown> } {
  switch (path) {
    case 'address':
      return h.address;
    case 'address.city':
      return h.address.city;
    case 'address.tags':
      return h.address.tags;
    default:
      return h[path];
  }
}

async function loadField(h: Session, path: FieldPath): Promise<unknown> {
  const got = await handleAt(h, path).aload();
  switch (path) {
    case 'attrs':
      return sortedPairs(got as Record<string, number>);
    case 'seen':
      return [...(got as string[])].sort();
    case 'score':
      return num(got as number);
    case 'address':
      return undefined;
    case 'jobs':
      return (got as { value: string; priority: number }[]).map((i) => [i.value, num(i.priority)]);
    default:
      return got;
  }
}

async function listOp(l: RedisList<string>, op: ListOp): Promise<unknown> {
  switch (op.m) {
    case 'aappend':
      await l.aappend(op.x);
      return undefined;
    case 'aextend':
      await l.aextend(op.xs);
      return undefined;
    case 'ainsert':
      await l.ainsert(op.i, op.x);
      return undefined;
    case 'apop':
      return op.i === undefined ? l.apop() : l.apop(op.i);
    case 'aclear':
      await l.aclear();
      return undefined;
    case 'append':
      l.append(op.x);
      return undefined;
    case 'extend':
      l.extend(op.xs);
      return undefined;
    case 'iadd':
      l.iadd(op.xs);
      return undefined;
    case 'insert':
      l.insert(op.i, op.x);
      return undefined;
    case 'setItem':
      l.setItem(op.i, op.x);
      return undefined;
    case 'removeRange':
      l.removeRange(op.start, op.end);
      return undefined;
    case 'clear':
      l.clear();
      return undefined;
  }
}

async function dictOp(h: Session, op: DictOp): Promise<unknown> {
  const d = h.attrs;
  switch (op.m) {
    case 'asetItem':
      await d.asetItem(op.k, op.v);
      return undefined;
    case 'adelItem':
      await d.adelItem(op.k);
      return undefined;
    case 'aupdate':
      await d.aupdate(new Map(op.entries));
      return undefined;
    case 'apop':
      return op.fallback === undefined ? d.apop(op.k) : d.apop(op.k, op.fallback);
    case 'apopitem':
      return d.apopitem();
    case 'aclear':
      await d.aclear();
      return undefined;
    case 'setItem':
      d.setItem(op.k, op.v);
      return undefined;
    case 'update':
      d.update(new Map(op.entries));
      return undefined;
    case 'clear':
      d.clear();
      return undefined;
  }
}

async function setOp(h: Session, op: SetOp, popped: (string | null)[]): Promise<unknown> {
  const s = h.seen;
  switch (op.m) {
    case 'aadd':
      await s.aadd(op.x);
      return undefined;
    case 'aremove':
      return s.aremove(op.x);
    case 'apop': {
      const m = await s.apop();
      popped.push(m);
      return m;
    }
    case 'aclear':
      await s.aclear();
      return undefined;
    case 'acontains':
      return s.acontains(op.x);
    case 'asize':
      return s.asize();
    case 'add':
      s.add(op.x);
      return undefined;
    case 'delete':
      return s.delete(op.x);
    case 'clear':
      s.clear();
      return undefined;
    case 'adiscard':
      await s.adiscard(op.x);
      return undefined;
    case 'discard':
      s.discard(op.x);
      return undefined;
    case 'update':
      s.update(op.xs);
      return undefined;
    case 'amembers':
      return s.amembers();
    case 'aaddMany':
      await s.aaddMany(op.xs);
      return undefined;
    case 'aunion':
      return s.aunion(s);
    case 'aintersect':
      return s.aintersect(s);
    case 'adifference':
      return s.adifference(s);
    case 'aunionUpdate':
      await s.aunionUpdate(s);
      return undefined;
    case 'aintersectUpdate':
      await s.aintersectUpdate(s);
      return undefined;
    case 'adifferenceUpdate':
      await s.adifferenceUpdate(s);
      return undefined;
  }
}

async function pqOp(h: Session, op: PqOp): Promise<unknown> {
  const q = h.jobs;
  switch (op.m) {
    case 'apush':
      await q.apush(op.v, op.p);
      return undefined;
    case 'apushMany':
      await q.apushMany(op.items);
      return undefined;
    case 'apop':
      return q.apop();
    case 'apeek':
      return q.apeek();
    case 'asize':
      return q.asize();
    case 'aitems':
      return (await q.aitems()).map((i) => [i.value, num(i.priority)]);
    case 'aremove':
      return q.aremove(op.v);
    case 'aclear':
      await q.aclear();
      return undefined;
  }
}
