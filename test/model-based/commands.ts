/**
 * The fast-check commands of the model-based tests. Each runs on the real side (the library,
 * against Redis) first, then on the reference, compares the two outcomes (value, or the class
 * of the error), then runs every check of check.ts.
 */
import fc from 'fast-check';
import { expect } from 'chai';
import * as rapyer from '../../src/index.js';
import { RapyerError } from '../../src/index.js';
import { checkStep, type Real } from './check.js';
import { applyRef, checkDictKeys, refDeleteMany, refExists, refFind, refFindKeys, refGet, refSave } from './ref-ops.js';
import { applyReal } from './real-ops.js';
import { RefError } from './python.js';
import type { Ref } from './reference.js';
import { showOp, type Op } from './ops.js';
import { init, op } from './arbitraries.js';
import { ActionGroup } from '../../src/index.js';
import { MbtSession, PKS, align, comparable, valuesOf, type PartialInput, type Pk, type Values } from './schema.js';

/** How many commands of each kind ended how (printed with MBT_STATS=1: is the mix sound?). */
export const STATS = new Map<string, number>();
type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

async function realOutcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (!(e instanceof RapyerError)) throw e; // anything else is a bug in itself
    return { ok: false, error: e.constructor.name };
  }
}

function refOutcome(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!(e instanceof RefError)) throw e;
    return { ok: false, error: e.kind };
  }
}

abstract class Cmd implements fc.AsyncCommand<Ref, Real> {
  abstract check(ref: Readonly<Ref>): boolean;
  abstract real(real: Real): Promise<unknown>;
  abstract ref(ref: Ref): unknown;
  abstract toString(): string;

  kind(): string {
    return this.constructor.name;
  }

  async run(ref: Ref, real: Real): Promise<void> {
    const got = await realOutcome(() => this.real(real));
    ref.popped.push(...real.popped.splice(0));
    const want = refOutcome(() => this.ref(ref));
    const key = `${this.kind()} ${want.ok ? 'ok' : want.error}`;
    STATS.set(key, (STATS.get(key) ?? 0) + 1);
    expect(ref.fuzzy.size > 0 ? align(got, want) : got, `outcome of ${this.toString()}`).to.deep.equal(want);
    await checkStep(ref, real);
  }
}

/** One operation on the live instance of model pk. */
class OpCmd extends Cmd {
  constructor(
    readonly pk: Pk,
    readonly op: Op,
  ) {
    super();
  }
  check(ref: Readonly<Ref>) {
    return ref.local[this.pk] !== null;
  }
  real(real: Real) {
    return applyReal(real.handles[this.pk]!, this.op, real.popped);
  }
  ref(ref: Ref) {
    return applyRef(ref, this.pk, this.op);
  }
  toString() {
    return `${this.pk}.${showOp(this.op)}`;
  }
  override kind() {
    const o = this.op;
    return `op:${o.k === 'list' || o.k === 'dict' || o.k === 'set' || o.k === 'pq' ? `${o.k}.${o.op.m}` : o.k}`;
  }
}

/** The local values a constructor makes of its input (defaults filled in). */
function valuesOfInit(i: PartialInput): Values {
  return {
    count: i.count ?? 0,
    score: i.score ?? 0,
    label: i.label ?? '',
    note: i.note ?? null,
    tags: [...(i.tags ?? [])],
    attrs: new Map(Object.entries(i.attrs ?? {})),
    seen: new Set(i.seen ?? []),
    city: i.address!.city,
    addrTags: [...(i.address!.tags ?? [])],
  };
}

/** `new MbtSession({ id: pk, ...init }).asave()`: the new instance becomes pk's live one. */
class CreateCmd extends Cmd {
  constructor(
    readonly pk: Pk,
    readonly init: PartialInput,
  ) {
    super();
  }
  check() {
    return true;
  }
  async real(real: Real) {
    const h = new MbtSession({ id: this.pk, ...this.init, address: this.init.address! });
    await h.asave();
    real.handles[this.pk] = h;
  }
  ref(ref: Ref) {
    checkDictKeys(Object.keys(this.init.attrs ?? {}));
    ref.local[this.pk] = valuesOfInit(this.init);
    refSave(ref, this.pk);
  }
  toString() {
    return `${this.pk} = new MbtSession(${JSON.stringify({ id: this.pk, ...this.init })}).asave()`;
  }
}

/** `MbtSession.aget(pk)`: the loaded instance becomes pk's live one. */
class GetCmd extends Cmd {
  constructor(readonly pk: Pk) {
    super();
  }
  check() {
    return true;
  }
  async real(real: Real) {
    real.handles[this.pk] = await MbtSession.aget(this.pk);
  }
  ref(ref: Ref) {
    refGet(ref, this.pk);
  }
  toString() {
    return `${this.pk} = MbtSession.aget(${JSON.stringify(this.pk)})`;
  }
}

class ExistsCmd extends Cmd {
  constructor(readonly pk: Pk) {
    super();
  }
  check() {
    return true;
  }
  real() {
    return MbtSession.aexists(this.pk);
  }
  ref(ref: Ref) {
    return refExists(ref, this.pk);
  }
  toString() {
    return `MbtSession.aexists(${JSON.stringify(this.pk)})`;
  }
}

class FindKeysCmd extends Cmd {
  check() {
    return true;
  }
  async real() {
    return (await MbtSession.afindKeys()).sort();
  }
  ref(ref: Ref) {
    return refFindKeys(ref);
  }
  toString() {
    return 'MbtSession.afindKeys()';
  }
}

/** `MbtSession.Meta.refreshTtl = r` in the middle of a sequence: it applies to the next operation. */
class MetaCmd extends Cmd {
  constructor(readonly refreshTtl: boolean | number) {
    super();
  }
  check() {
    return true;
  }
  async real() {
    MbtSession.Meta.refreshTtl = this.refreshTtl;
  }
  ref(ref: Ref) {
    ref.mask = maskOf(this.refreshTtl);
  }
  toString() {
    return `MbtSession.Meta.refreshTtl = ${this.refreshTtl}`;
  }
}

/** `MbtSession.ainsert(...)` of live instances (CREATE only: rule 2 when new, rule 1 or 3 else). */
class InsertCmd extends Cmd {
  constructor(readonly pks: Pk[]) {
    super();
  }
  check() {
    return true;
  }
  async real(real: Real) {
    await MbtSession.ainsert(...this.pks.map((p) => real.handles[p]!));
  }
  ref(ref: Ref) {
    for (const p of this.pks) refSave(ref, p, ActionGroup.CREATE);
  }
  toString() {
    return `MbtSession.ainsert(${this.pks.join(', ')})`;
  }
}

class DeleteManyCmd extends Cmd {
  constructor(readonly pks: Pk[]) {
    super();
  }
  check() {
    return true;
  }
  real() {
    return MbtSession.adeleteMany(...this.pks);
  }
  ref(ref: Ref) {
    return refDeleteMany(ref, this.pks);
  }
  toString() {
    return `MbtSession.adeleteMany(${this.pks.map((p) => JSON.stringify(p)).join(', ')})`;
  }
}

class FindCmd extends Cmd {
  constructor(
    readonly pks: Pk[],
    readonly skipMissing: boolean,
  ) {
    super();
  }
  check() {
    return true;
  }
  async real() {
    const found = await MbtSession.afind(...this.pks, { skipMissing: this.skipMissing });
    return found.map((m) => comparable(valuesOf(m)));
  }
  ref(ref: Ref) {
    return refFind(ref, this.pks, this.skipMissing);
  }
  toString() {
    return `MbtSession.afind(${this.pks.map((p) => JSON.stringify(p)).join(', ')}, { skipMissing: ${this.skipMissing} })`;
  }
}

/** `instance.apipeline(async (m) => { ...ops })`: m is the instance, loaded first. */
class ModelPipelineCmd extends Cmd {
  constructor(
    readonly pk: Pk,
    readonly ops: Op[],
  ) {
    super();
  }
  check(ref: Readonly<Ref>) {
    return ref.local[this.pk] !== null;
  }
  real(real: Real) {
    return real.handles[this.pk]!.apipeline(async (m) => {
      const out: unknown[] = [];
      for (const o of this.ops) out.push(await applyReal(m, o, real.popped));
      return out;
    });
  }
  ref(ref: Ref) {
    const out: unknown[] = [];
    ref.pipeline(() => {
      applyRef(ref, this.pk, { k: 'load' });
      for (const o of this.ops) out.push(applyRef(ref, this.pk, o));
    });
    return out;
  }
  toString() {
    return `${this.pk}.apipeline(m => { ${this.ops.map(showOp).join('; ')} })`;
  }
}

/** `rapyer.apipeline(async () => { ...ops on both instances })`: their local copies may be stale. */
class MultiPipelineCmd extends Cmd {
  constructor(readonly ops: [Pk, Op][]) {
    super();
  }
  check(ref: Readonly<Ref>) {
    return this.ops.every(([pk]) => ref.local[pk] !== null);
  }
  async real(real: Real) {
    const out: unknown[] = [];
    await rapyer.apipeline(async () => {
      for (const [pk, o] of this.ops) out.push(await applyReal(real.handles[pk]!, o, real.popped));
    });
    return out;
  }
  ref(ref: Ref) {
    const out: unknown[] = [];
    ref.pipeline(() => {
      for (const [pk, o] of this.ops) out.push(applyRef(ref, pk, o));
    });
    return out;
  }
  toString() {
    return `rapyer.apipeline(() => { ${this.ops.map(([pk, o]) => `${pk}.${showOp(o)}`).join('; ')} })`;
  }
}

const pk = fc.constantFrom<Pk>(...PKS);
const pks = fc.array(pk, { minLength: 1, maxLength: 3 });

/** The refreshTtl values runs are given: none, all, and groups that split the operations. */
const { READ, FETCH, CREATE, UPDATE, APPEND, ERASE, ARITHMETIC } = ActionGroup;
export const MASKS: (boolean | number)[] = [
  false,
  true,
  READ,
  UPDATE,
  APPEND,
  ERASE,
  ARITHMETIC,
  CREATE,
  READ | FETCH,
  UPDATE | APPEND,
  ERASE | ARITHMETIC,
  FETCH,
];

export function maskOf(r: boolean | number): number {
  return r === true ? ActionGroup.all({ forTtl: true }) : r === false ? 0 : r;
}

/** Every command, weighted (fast-check picks among these uniformly): single operations most, pipelines often. */
export const commands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(pk, init).map(([p, i]): Cmd => new CreateCmd(p, i)),
  pk.map((p): Cmd => new GetCmd(p)),
  fc.oneof(
    pk.map((p): Cmd => new ExistsCmd(p)),
    fc.constant<Cmd>(new FindKeysCmd()),
  ),
  fc.oneof(
    fc.constantFrom(...MASKS).map((r): Cmd => new MetaCmd(r)),
    pks.map((p): Cmd => new InsertCmd(p)),
    pks.map((p): Cmd => new DeleteManyCmd(p)),
    fc.tuple(pks, fc.boolean()).map(([p, skip]): Cmd => new FindCmd(p, skip)),
  ),
  ...Array.from({ length: 10 }, () => fc.tuple(pk, op).map(([p, o]): Cmd => new OpCmd(p, o))),
  ...Array.from({ length: 2 }, () => fc.tuple(pk, fc.array(op, { minLength: 1, maxLength: 6 })).map(([p, ops]): Cmd => new ModelPipelineCmd(p, ops))),
  ...Array.from({ length: 2 }, () => fc.array(fc.tuple(pk, op), { minLength: 1, maxLength: 6 }).map((ops): Cmd => new MultiPipelineCmd(ops))),
];
