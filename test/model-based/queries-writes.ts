/**
 * The write commands of the query model-based tests: asave (new or over a stored model),
 * aupdate, aincrease (plain and upsert), a field's asave (nested too), adelete, adeleteByKey,
 * adeleteMany by keys, aduplicate, agetOrCreate, and pipelines. Each instance is made for the
 * command (`new QmItem({ id, ... })`), so the reference needs no local copies between commands.
 */
import * as rapyer from '../../src/index.js';
import { QCmd } from './queries-cmd.js';
import { keysOf, type QRef } from './queries-ref.js';
import { assignReal, handleOf, realPipeOp, refPipeline, showPipeOp, type PipeOp } from './queries-pipeline.js';
import { QmItem, cloneValues, comparable, show, toInit, toUpdate, valuesOf, type Patch, type Values } from './queries-schema.js';
import type { Assignment } from './queries-arbs.js';

const DEFAULTS: Values = { n: 0, x: null, name: '', flag: false, at: null, role: 'a', note: '', tags: [], city: '', zip: '' };

/** A new instance of pk holding v (the defaults when v is null). */
export const make = (pk: string, v: Values | null) => new QmItem(v === null ? { id: pk } : { id: pk, ...toInit(v) });
export const showMake = (pk: string, v: Values | null) => `new QmItem(${show(v === null ? { id: pk } : { id: pk, ...toInit(v) })})`;

export class SaveCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly v: Values,
  ) {
    super();
  }
  async real() {
    await make(this.pk, this.v).asave();
  }
  ref(ref: QRef) {
    ref.save(this.pk, this.v);
  }
  toString() {
    return `await ${showMake(this.pk, this.v)}.asave()`;
  }
}

export class UpdateCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly patch: Patch,
  ) {
    super();
  }
  async real() {
    await make(this.pk, null).aupdate(toUpdate(this.patch));
  }
  ref(ref: QRef) {
    ref.update(this.pk, this.patch);
  }
  toString() {
    return `await ${showMake(this.pk, null)}.aupdate(${show(toUpdate(this.patch))})`;
  }
}

/** `instance[f].aincrease(by)` (on the stored value), or with `{ upsert: true }` (the instance's values `local` saved when not stored). */
export class IncrCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly f: 'n' | 'x',
    readonly by: number,
    readonly upsert: boolean,
    readonly local: Values,
  ) {
    super();
  }
  async real() {
    const h = make(this.pk, this.upsert ? this.local : null);
    const got = await h[this.f].aincrease(this.by, this.upsert ? { upsert: true } : undefined);
    return got === 0 ? 0 : got;
  }
  ref(ref: QRef) {
    const got = this.upsert ? ref.upsert(this.pk, this.f, this.by, this.local) : ref.arith(this.pk, this.f, 'add', this.by);
    return got === 0 ? 0 : got;
  }
  toString() {
    return `await ${showMake(this.pk, this.upsert ? this.local : null)}.${this.f}.aincrease(${this.by}${this.upsert ? ', { upsert: true }' : ''})`;
  }
}

/** `h.f.value = v; await h.f.asave()` on a new instance (the nested model's field too). */
export class FieldSaveCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly a: Assignment,
  ) {
    super();
  }
  async real() {
    const h = make(this.pk, null);
    assignReal(h, this.a);
    await handleOf(h, this.a.f).asave();
  }
  ref(ref: QRef) {
    ref.assign(this.pk, this.a.f, this.a.value);
  }
  toString() {
    const path = this.a.f === 'city' ? 'address.city' : this.a.f;
    const v = this.a.f === 'at' && this.a.value !== null ? `new Date(${this.a.value})` : show(this.a.value);
    return `h = ${showMake(this.pk, null)}; h.${path}.value = ${v}; await h.${path}.asave()`;
  }
}

export class DeleteCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly byKey: boolean,
  ) {
    super();
  }
  real() {
    return this.byKey ? QmItem.adeleteByKey(this.pk) : make(this.pk, null).adelete();
  }
  ref(ref: QRef) {
    return ref.delete(this.pk);
  }
  toString() {
    return this.byKey ? `await QmItem.adeleteByKey(${show(this.pk)})` : `await ${showMake(this.pk, null)}.adelete()`;
  }
}

export class DeleteManyCmd extends QCmd {
  constructor(readonly pks: string[]) {
    super();
  }
  real() {
    return QmItem.adeleteMany(...this.pks);
  }
  ref(ref: QRef) {
    let modelsDeleted = 0;
    let keysDeleted = 0;
    for (const pk of this.pks) {
      const v = ref.stored.get(pk);
      if (!v) continue;
      modelsDeleted += 1;
      keysDeleted += keysOf(v);
      ref.delete(pk);
    }
    return { modelsDeleted, keysDeleted };
  }
  toString() {
    return `await QmItem.adeleteMany(${this.pks.map(show).join(', ')})`;
  }
}

/** `(await QmItem.aget(pk)).aduplicate()`: the copy has a new pk (taken from the real run). */
export class DuplicateCmd extends QCmd {
  #copy = '';
  constructor(readonly pk: string) {
    super();
  }
  async real() {
    const copy = await (await QmItem.aget(this.pk)).aduplicate();
    this.#copy = copy.pk;
    return valuesOf(copy);
  }
  ref(ref: QRef) {
    const v = ref.get(this.pk);
    ref.save(this.#copy, v);
    return comparable(v);
  }
  toString() {
    return `await (await QmItem.aget(${show(this.pk)})).aduplicate()`;
  }
}

export class GetOrCreateCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly v: Values,
  ) {
    super();
  }
  async real() {
    const { status, model } = await QmItem.agetOrCreate(make(this.pk, this.v));
    return { status, values: valuesOf(model) };
  }
  ref(ref: QRef) {
    const stored = ref.stored.get(this.pk);
    if (stored) return { status: 'found', values: comparable(stored) };
    ref.save(this.pk, this.v);
    return { status: 'created', values: comparable(this.v) };
  }
  toString() {
    return `await QmItem.agetOrCreate(${showMake(this.pk, this.v)})`;
  }
}

/**
 * A pipeline: on one model (`m.apipeline(fn)`, loading it first unless `load` is false) or on
 * several (`rapyer.apipeline(fn)`), each model's instance made from `init` (the defaults when null).
 */
export class PipelineCmd extends QCmd {
  constructor(
    readonly ops: [string, PipeOp][],
    readonly init: Values | null,
    readonly one: { load: boolean } | null,
  ) {
    super();
  }
  async real() {
    const handles = new Map(this.ops.map(([pk]) => [pk, make(pk, this.init)]));
    const body = async () => {
      for (const [pk, op] of this.ops) await realPipeOp(handles.get(pk)!, op);
    };
    if (!this.one) return void (await rapyer.apipeline(body));
    const pk = this.ops[0]![0];
    await handles.get(pk)!.apipeline(
      async (m) => {
        handles.set(pk, m);
        await body();
      },
      { load: this.one.load },
    );
  }
  ref(ref: QRef) {
    const locals = new Map(this.ops.map(([pk]) => [pk, cloneValues(this.init ?? DEFAULTS)]));
    if (this.one?.load) locals.set(this.ops[0]![0], cloneValues(ref.get(this.ops[0]![0]))); // KeyNotFound: nothing runs
    refPipeline(ref, locals, this.ops);
  }
  toString() {
    const body = this.ops.map(([pk, op]) => (this.one ? showPipeOp(op) : showPipeOp(op).replace(/\bm\b/g, `h[${show(pk)}]`))).join('; ');
    if (!this.one) {
      const each = showMake('p', this.init).replace('id: "p"', 'id: p');
      return `for (const p of ${show([...new Set(this.ops.map(([pk]) => pk))])}) h[p] = ${each}; await rapyer.apipeline(async () => { ${body} })`;
    }
    const pk = this.ops[0]![0];
    return `await ${showMake(pk, this.init)}.apipeline(async (m) => { ${body} }, { load: ${this.one.load} })`;
  }
}
