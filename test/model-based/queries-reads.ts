/**
 * The query commands of the query model-based tests (afind, afindOne, acount and adeleteMany
 * with `where`, each against the brute force of the reference), the expiry commands, and the
 * weighted list of every command.
 */
import fc from 'fast-check';
import { QCmd, realOutcome, sleep, type Outcome } from './queries-cmd.js';
import type { FindQuery, QRef, Where } from './queries-ref.js';
import { QmItem, comparable, show, valuesOf, type Values } from './queries-schema.js';
import { assignment, findQuery, floatBy, intBy, patch, pk, values, walkQuery, where } from './queries-arbs.js';
import { pipeOp } from './queries-pipeline.js';
import {
  DeleteCmd,
  DeleteManyCmd,
  DuplicateCmd,
  FieldSaveCmd,
  GetOrCreateCmd,
  IncrCmd,
  PipelineCmd,
  SaveCmd,
  UpdateCmd,
  make,
  showMake,
} from './queries-writes.js';

const rows = (ms: InstanceType<typeof QmItem>[]) => ms.map((m) => [m.pk, valuesOf(m)]);

export class FindCmd extends QCmd {
  override readonly query = true;
  override readonly writes = false;
  constructor(readonly q: FindQuery) {
    super();
  }
  async real() {
    return rows(await QmItem.afind(this.q as never));
  }
  ref(ref: QRef) {
    return ref.find(this.q).map(([p, v]) => [p, comparable(v)]);
  }
  toString() {
    return `await QmItem.afind(${show(this.q)})`;
  }
}

export class FindOneCmd extends QCmd {
  override readonly query = true;
  override readonly writes = false;
  constructor(readonly q: FindQuery) {
    super();
  }
  async real() {
    const m = await QmItem.afindOne(this.q as never);
    return m === null ? [] : rows([m]);
  }
  ref(ref: QRef) {
    return ref.find({ ...this.q, maxResults: 1 }).map(([p, v]) => [p, comparable(v)]);
  }
  toString() {
    return `await QmItem.afindOne(${show(this.q)})`;
  }
}

export class CountCmd extends QCmd {
  override readonly query = true;
  override readonly writes = false;
  constructor(readonly where: Where) {
    super();
  }
  real() {
    return QmItem.acount({ where: this.where } as never);
  }
  ref(ref: QRef) {
    return ref.ordered(this.where).length;
  }
  toString() {
    return `await QmItem.acount({ where: ${show(this.where)} })`;
  }
}

export class DeleteWhereCmd extends QCmd {
  override readonly query = true;
  constructor(readonly where: Where) {
    super();
  }
  real() {
    return QmItem.adeleteMany({ where: this.where } as never);
  }
  ref(ref: QRef) {
    return ref.deleteWhere(this.where);
  }
  toString() {
    return `await QmItem.adeleteMany({ where: ${show(this.where)} })`;
  }
}

/** `asetTtl(0.02)` on some models, then 45 ms pass: they have expired (their index entries are left behind). */
export class ExpireCmd extends QCmd {
  constructor(readonly pks: string[]) {
    super();
  }
  async real() {
    const out: Outcome[] = [];
    for (const p of this.pks) out.push(await realOutcome(() => make(p, null).asetTtl(0.02)));
    await sleep(45);
    return out;
  }
  ref(ref: QRef) {
    const out = this.pks.map((p): Outcome => (ref.stored.has(p) ? { ok: true, value: undefined } : { ok: false, error: 'KeyNotFound' }));
    for (const p of this.pks) ref.expire(p);
    return out;
  }
  toString() {
    return `${this.pks.map((p) => `await ${showMake(p, null)}.asetTtl(0.02)`).join('; ')}; await sleep(45)`;
  }
}

/**
 * An operation run with Meta.ttl = 0.06 (asave, aincrease upsert or agetOrCreate): a model it
 * creates, or refreshes (refreshTtl true), gets 60 ms, and its ~expiry entry that time. With
 * `rescue`, `tags.aappend('r')` follows at once with Meta.ttl back, refreshing the model when
 * the run's refreshTtl and ttl allow (then the ~expiry entry is stale: the sweep must update
 * it, not drop the model). Then 80 ms pass. Whether the append came in time is a race: the
 * reference takes its outcome from the real run, and checks it is possible.
 */
export class ShortTtlCmd extends QCmd {
  constructor(
    readonly pk: string,
    readonly how: 'save' | 'upsert' | 'getOrCreate',
    readonly v: Values,
    readonly rescue: boolean,
  ) {
    super();
  }
  async real() {
    const before = QmItem.Meta.ttl;
    QmItem.Meta.ttl = 0.06;
    let result: unknown;
    try {
      const h = make(this.pk, this.v);
      if (this.how === 'save') await h.asave();
      else if (this.how === 'upsert') result = await h.n.aincrease(1, { upsert: true });
      else result = (await QmItem.agetOrCreate(h)).status;
    } finally {
      QmItem.Meta.ttl = before;
    }
    const rescue = this.rescue ? await realOutcome(() => make(this.pk, null).tags.aappend('r')) : null;
    await sleep(80);
    return { result, rescue };
  }
  ref(ref: QRef, got: Outcome) {
    const existed = ref.stored.has(this.pk);
    let result: unknown;
    if (this.how === 'save') ref.save(this.pk, this.v);
    else if (this.how === 'upsert') result = ref.upsert(this.pk, 'n', 1, this.v);
    else {
      result = existed ? 'found' : 'created';
      if (!existed) ref.save(this.pk, this.v);
    }
    const short = !existed || ref.refresh;
    let alive = !short;
    let rescue: Outcome | null = null;
    if (this.rescue) {
      const real = got.ok ? (got.value as { rescue: Outcome }).rescue : null;
      if (real && !real.ok && real.error === 'KeyNotFound' && short)
        rescue = real; // too late: it had expired
      else {
        rescue = { ok: true, value: undefined };
        ref.get(this.pk).tags.push('r');
        alive ||= ref.refresh && ref.ttl !== null;
      }
    }
    if (!alive) ref.expire(this.pk);
    return { result, rescue };
  }
  toString() {
    const call = { save: 'h.asave()', upsert: 'h.n.aincrease(1, { upsert: true })', getOrCreate: 'QmItem.agetOrCreate(h)' }[this.how];
    const rescue = this.rescue ? `; await ${showMake(this.pk, null)}.tags.aappend('r')` : '';
    return `QmItem.Meta.ttl = 0.06; h = ${showMake(this.pk, this.v)}; await ${call}; QmItem.Meta.ttl = <run's>${rescue}; await sleep(80)`;
  }
}

const many = (n: number, arb: fc.Arbitrary<QCmd>) => Array.from({ length: n }, () => arb);
const distinct = fc.uniqueArray(pk, { minLength: 1, maxLength: 3 });

/** Every command, weighted (fast-check picks among these uniformly): queries about a third. */
export const commands: fc.Arbitrary<QCmd>[] = [
  ...many(
    4,
    fc.tuple(pk, values).map(([p, v]): QCmd => new SaveCmd(p, v)),
  ),
  ...many(
    2,
    fc.tuple(pk, patch).map(([p, x]): QCmd => new UpdateCmd(p, x)),
  ),
  ...many(
    2,
    fc.oneof(
      fc.tuple(pk, intBy, fc.boolean(), values).map(([p, by, up, v]): QCmd => new IncrCmd(p, 'n', by, up, v)),
      fc.tuple(pk, floatBy, fc.boolean(), values).map(([p, by, up, v]): QCmd => new IncrCmd(p, 'x', by, up, v)),
    ),
  ),
  ...many(
    2,
    fc.tuple(pk, assignment).map(([p, a]): QCmd => new FieldSaveCmd(p, a)),
  ),
  fc.oneof(
    fc.tuple(pk, fc.boolean()).map(([p, byKey]): QCmd => new DeleteCmd(p, byKey)),
    distinct.map((ps): QCmd => new DeleteManyCmd(ps)),
  ),
  pk.map((p): QCmd => new DuplicateCmd(p)),
  fc.tuple(pk, values).map(([p, v]): QCmd => new GetOrCreateCmd(p, v)),
  fc.oneof(
    distinct.map((ps): QCmd => new ExpireCmd(ps)),
    fc
      .tuple(pk, fc.constantFrom('save' as const, 'upsert' as const, 'getOrCreate' as const), values, fc.boolean())
      .map(([p, how, v, rescue]): QCmd => new ShortTtlCmd(p, how, v, rescue)),
  ),
  ...many(
    3,
    fc.oneof(
      fc.tuple(pk, fc.array(pipeOp, { minLength: 1, maxLength: 5 }), fc.option(values, { nil: null }), fc.boolean()).map(
        ([p, ops, init, load]): QCmd =>
          new PipelineCmd(
            ops.map((o) => [p, o]),
            init,
            { load },
          ),
      ),
      fc
        .tuple(fc.array(fc.tuple(pk, pipeOp), { minLength: 1, maxLength: 6 }), fc.option(values, { nil: null }))
        .map(([ops, init]): QCmd => new PipelineCmd(ops, init, null)),
    ),
  ),
  ...many(
    5,
    findQuery.map((q): QCmd => new FindCmd(q)),
  ),
  ...many(
    3,
    walkQuery.map((q): QCmd => new FindCmd(q)),
  ),
  findQuery.map(({ where: w, orderBy }): QCmd => new FindOneCmd(orderBy ? { where: w, orderBy } : { where: w })),
  ...many(
    2,
    where.map((w): QCmd => new CountCmd(w)),
  ),
  where.map((w): QCmd => new DeleteWhereCmd(w)),
];
