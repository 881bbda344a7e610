/**
 * Pipelines of the query model-based tests: operations queued on instances of QmItem (numeric
 * in-place methods, aincrease, `field.value = v`, asave, aupdate, adelete, adeleteByKey, and an
 * ifloordiv(0) that throws at the call), on the real side and on the reference. The reference
 * follows README, Pipelines: the callback changes the local copies and queues; a throw in it
 * sends nothing; the batch is applied in order, all or nothing (the whole pipeline on one server,
 * each hash slot on its own on a Cluster).
 */
import fc from 'fast-check';
import { QmItem, cloneValues, patched, show, toUpdate, type Item, type Patch, type Values } from './queries-schema.js';
import { RefError, type QRef } from './queries-ref.js';
import { assignment, floatBy, intBy, msBy, patch, type Assignment } from './queries-arbs.js';

export type PipeOp =
  | { k: 'arith'; f: 'n' | 'x' | 'at'; op: 'add' | 'mul'; by: number }
  | { k: 'incr'; by: number }
  | { k: 'assign'; a: Assignment }
  | { k: 'save' }
  | { k: 'update'; patch: Patch }
  | { k: 'delete' }
  | { k: 'deleteByKey' }
  | { k: 'floordiv0' };

export const pipeOp: fc.Arbitrary<PipeOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.record({ k: fc.constant('arith' as const), f: fc.constant('n' as const), op: fc.constantFrom('add' as const, 'mul' as const), by: intBy }),
      fc.record({ k: fc.constant('arith' as const), f: fc.constant('x' as const), op: fc.constantFrom('add' as const, 'mul' as const), by: floatBy }),
      fc.record({ k: fc.constant('arith' as const), f: fc.constant('at' as const), op: fc.constant('add' as const), by: msBy }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('incr' as const), by: intBy }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('assign' as const), a: assignment }) },
  { weight: 2, arbitrary: fc.constant<PipeOp>({ k: 'save' }) },
  { weight: 2, arbitrary: patch.map((p): PipeOp => ({ k: 'update', patch: p })) },
  { weight: 1, arbitrary: fc.constantFrom<PipeOp>({ k: 'delete' }, { k: 'deleteByKey' }) },
  { weight: 1, arbitrary: fc.constant<PipeOp>({ k: 'floordiv0' }) },
);

/** `field.value = v` on the real instance (a datetime from its ms). */
export function assignReal(h: Item, a: Assignment): void {
  const v = a.value;
  switch (a.f) {
    case 'n':
      h.n.value = v as number;
      break;
    case 'x':
      h.x.value = v as number | null;
      break;
    case 'name':
      h.name.value = v as string;
      break;
    case 'flag':
      h.flag.value = v as boolean;
      break;
    case 'at':
      h.at.value = v === null ? null : new Date(v as number);
      break;
    case 'role':
      h.role.value = v as Item['role']['value'];
      break;
    case 'city':
      h.address.city.value = v as string;
      break;
  }
}

/** The handle of a field that `assignment` names (for its own asave). */
export function handleOf(h: Item, f: Assignment['f']): { asave(): Promise<unknown> } {
  return f === 'city' ? h.address.city : h[f];
}

export async function realPipeOp(h: Item, op: PipeOp): Promise<void> {
  switch (op.k) {
    case 'arith':
      if (op.f === 'at') h.at.iadd(op.by);
      else if (op.op === 'add') h[op.f].iadd(op.by);
      else h[op.f].imul(op.by);
      return;
    case 'incr':
      await h.n.aincrease(op.by);
      return;
    case 'assign':
      assignReal(h, op.a);
      return;
    case 'save':
      await h.asave();
      return;
    case 'update':
      await h.aupdate(toUpdate(op.patch));
      return;
    case 'delete':
      await h.adelete();
      return;
    case 'deleteByKey':
      await QmItem.adeleteByKey(h.pk);
      return;
    case 'floordiv0':
      h.n.ifloordiv(0);
      return;
  }
}

export function showPipeOp(op: PipeOp): string {
  switch (op.k) {
    case 'arith':
      return `m.${op.f}.${op.op === 'add' ? 'iadd' : 'imul'}(${show(op.by)})`;
    case 'incr':
      return `await m.n.aincrease(${op.by})`;
    case 'assign':
      return `m.${op.a.f === 'city' ? 'address.city' : op.a.f}.value = ${op.a.f === 'at' && op.a.value !== null ? `new Date(${op.a.value})` : show(op.a.value)}`;
    case 'save':
      return 'await m.asave()';
    case 'update':
      return `await m.aupdate(${show(toUpdate(op.patch))})`;
    case 'delete':
      return 'await m.adelete()';
    case 'deleteByKey':
      return 'await QmItem.adeleteByKey(m.pk)';
    case 'floordiv0':
      return 'm.n.ifloordiv(0)';
  }
}

type Queued = [pk: string, run: (r: QRef) => void];

/** The callback on the reference: local copies change, writes queue; a RefError here means nothing is sent. */
function callback(locals: Map<string, Values>, ops: readonly [string, PipeOp][]): Queued[] {
  const queue: Queued[] = [];
  for (const [pk, op] of ops) {
    const l = locals.get(pk)!;
    switch (op.k) {
      case 'arith': {
        const v = l[op.f];
        if (v === null) throw new RefError('ValidationError'); // checked at the call, on the local value
        l[op.f] = (op.op === 'add' ? v + op.by : v * op.by) + 0;
        queue.push([pk, (r) => r.arith(pk, op.f, op.op, op.by)]);
        break;
      }
      case 'incr':
        l.n += op.by;
        queue.push([pk, (r) => r.arith(pk, 'n', 'add', op.by)]);
        break;
      case 'assign':
        (l as unknown as Record<string, unknown>)[op.a.f] = op.a.value;
        queue.push([pk, (r) => r.assign(pk, op.a.f, op.a.value)]);
        break;
      case 'save': {
        const snapshot = cloneValues(l);
        queue.push([pk, (r) => r.save(pk, snapshot)]);
        break;
      }
      case 'update':
        Object.assign(l, patched(l, op.patch));
        queue.push([pk, (r) => r.update(pk, op.patch)]);
        break;
      case 'delete':
      case 'deleteByKey':
        queue.push([pk, (r) => r.delete(pk)]);
        break;
      case 'floordiv0':
        throw new RefError('ZeroDivisionError');
    }
  }
  return queue;
}

/**
 * A pipeline on the reference, given each instance's local values. Throws the RefError of the
 * failure; on a Cluster, when several slots failed, any of their errors may be the one thrown.
 */
export function refPipeline(ref: QRef, locals: Map<string, Values>, ops: readonly [string, PipeOp][]): void {
  const queue = callback(locals, ops);
  const kinds: string[] = [];
  for (const slot of new Set(queue.map(([pk]) => ref.slotOf(pk)))) {
    const mine = queue.filter(([pk]) => ref.slotOf(pk) === slot);
    const before = new Map(mine.map(([pk]) => [pk, ref.stored.get(pk) && cloneValues(ref.stored.get(pk)!)] as const));
    try {
      for (const [, run] of mine) run(ref);
    } catch (e) {
      if (!(e instanceof RefError)) throw e;
      for (const [pk, v] of before) {
        if (v) ref.stored.set(pk, v);
        else ref.stored.delete(pk);
      }
      kinds.push(e.kind);
    }
  }
  if (kinds.length > 0) throw new RefError(kinds[0]!, kinds);
}
