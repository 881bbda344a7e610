/**
 * The operations of the model-based tests, as data: each one is run by two interpreters, the
 * real one (real-ops.ts, on a live instance) and the reference (ref-ops.ts).
 */
import type { FloatOp, IntOp } from './python.js';
import type { ListPath, PartialInput } from './schema.js';

export type ListOp =
  | { m: 'aappend'; x: string }
  | { m: 'aextend'; xs: string[] }
  | { m: 'ainsert'; i: number; x: string }
  | { m: 'apop'; i?: number }
  | { m: 'aclear' }
  | { m: 'append'; x: string }
  | { m: 'extend'; xs: string[] }
  | { m: 'iadd'; xs: string[] }
  | { m: 'insert'; i: number; x: string }
  | { m: 'setItem'; i: number; x: string }
  | { m: 'removeRange'; start?: number; end?: number }
  | { m: 'clear' };

export type DictOp =
  | { m: 'asetItem'; k: string; v: number }
  | { m: 'adelItem'; k: string }
  | { m: 'aupdate'; entries: [string, number][] }
  | { m: 'apop'; k: string; fallback?: number }
  | { m: 'apopitem' }
  | { m: 'aclear' }
  | { m: 'setItem'; k: string; v: number }
  | { m: 'update'; entries: [string, number][] }
  | { m: 'clear' };

export type SetOp =
  | { m: 'aadd'; x: string }
  | { m: 'aremove'; x: string }
  | { m: 'apop' }
  | { m: 'aclear' }
  | { m: 'acontains'; x: string }
  | { m: 'asize' }
  | { m: 'add'; x: string }
  | { m: 'delete'; x: string }
  | { m: 'clear' }
  | { m: 'amembers' }
  | { m: 'aaddMany'; xs: string[] }
  | { m: 'adiscard'; x: string }
  | { m: 'discard'; x: string }
  | { m: 'update'; xs: string[] }
  /** Set algebra of the set with itself (another model's set may be in another Cluster slot). */
  | { m: 'aunion' | 'aintersect' | 'adifference' | 'aunionUpdate' | 'aintersectUpdate' | 'adifferenceUpdate' };

export type PqOp =
  | { m: 'apush'; v: string; p: number }
  | { m: 'apushMany'; items: { value: string; priority: number }[] }
  | { m: 'apop' }
  | { m: 'apeek' }
  | { m: 'asize' }
  | { m: 'aitems' }
  | { m: 'aremove'; v: string }
  | { m: 'aclear' };

export type FieldPath = 'count' | 'score' | 'label' | 'note' | 'tags' | 'attrs' | 'seen' | 'jobs' | 'address' | 'address.city' | 'address.tags';

/** An operation on one model's live instance (usable inside a pipeline). */
export type Op =
  | { k: 'save' }
  | { k: 'load' }
  | { k: 'update'; partial: PartialInput }
  | { k: 'setTtl'; seconds: number | null }
  | { k: 'delete' }
  | { k: 'incr'; field: 'count' | 'score'; by: number }
  | { k: 'intOp'; op: IntOp; n: number }
  | { k: 'floatOp'; op: FloatOp; n: number }
  | { k: 'strAdd'; field: 'label' | 'note'; text: string }
  | { k: 'strMul'; n: number }
  | { k: 'assign'; field: 'label' | 'note' | 'city' | 'count' | 'score'; value: string | number | null }
  | { k: 'fieldLoad'; path: FieldPath }
  | { k: 'fieldSave'; path: FieldPath }
  | { k: 'list'; path: ListPath; op: ListOp }
  | { k: 'dict'; op: DictOp }
  | { k: 'set'; op: SetOp }
  | { k: 'pq'; op: PqOp };

/** A compact rendering for counter-examples: `tags.ainsert(-1,"a")`. */
export function showOp(op: Op): string {
  const args = (o: object, skip: string[]) =>
    Object.entries(o)
      .filter(([k]) => !skip.includes(k))
      .map(([, v]) => JSON.stringify(v))
      .join(',');
  switch (op.k) {
    case 'list':
      return `${op.path}.${op.op.m}(${args(op.op, ['m'])})`;
    case 'dict':
      return `attrs.${op.op.m}(${args(op.op, ['m'])})`;
    case 'set':
      return `seen.${op.op.m}(${args(op.op, ['m'])})`;
    case 'pq':
      return `jobs.${op.op.m}(${args(op.op, ['m'])})`;
    case 'intOp':
      return `count.i${op.op}(${op.n})`;
    case 'floatOp':
      return `score.i${op.op}(${op.n})`;
    case 'strAdd':
      return `${op.field}.iadd(${JSON.stringify(op.text)})`;
    case 'strMul':
      return `label.imul(${op.n})`;
    case 'assign':
      return `${op.field === 'city' ? 'address.city' : op.field}.value=${JSON.stringify(op.value)}`;
    case 'incr':
      return `${op.field}.aincrease(${op.by})`;
    case 'fieldLoad':
      return `${op.path}.aload()`;
    case 'fieldSave':
      return `${op.path}.asave()`;
    case 'update':
      return `aupdate(${JSON.stringify(op.partial)})`;
    case 'setTtl':
      return `asetTtl(${op.seconds})`;
    default:
      return `a${op.k}()`;
  }
}
