/**
 * Type tests of agetOrCreate and aincrease's options (README, "Get or create, and counters that
 * come back"): checked by `tsc -p tsconfig.json`, never run. Misuses are marked
 * `// @ts-expect-error`: if one stops being an error, tsc fails on the unused directive.
 */
import * as rapyer from '../../src/index.js';
import { defineModel, field, type GetOrCreateResult, type IncreaseOptions } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
function assertType<T extends true>(_proof?: T): void {}

class TypesGocUser extends defineModel('TypesGocUser', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  x: field.float({ default: 0 }),
}) {
  greet(): string {
    return this.id.value;
  }
}
const TypesGocPlain = defineModel('TypesGocPlain', { id: field.str({ key: true }) });

export async function positives(): Promise<void> {
  const draft = new TypesGocUser({ id: 'u1' });
  const p = TypesGocUser.agetOrCreate(draft);
  assertType<Equal<typeof p, Promise<GetOrCreateResult<TypesGocUser>>>>();
  const r = await p;
  assertType<Equal<typeof r.status, 'found' | 'created'>>();
  assertType<Equal<typeof r.model, TypesGocUser>>();
  const greeting: string = r.model.greet();
  const n: number = r.model.n.value;

  const plain = await TypesGocPlain.agetOrCreate(new TypesGocPlain({ id: 'p' }));
  assertType<Equal<typeof plain.model, InstanceType<typeof TypesGocPlain>>>();
  assertType<Equal<IsAny<typeof plain.model>, false>>();

  const m = await rapyer.agetOrCreate(draft);
  assertType<Equal<typeof m, GetOrCreateResult<TypesGocUser>>>();
  assertType<Equal<typeof m.model, TypesGocUser>>();

  const opts: IncreaseOptions = { upsert: true };
  const i: number = await draft.n.aincrease(1, opts);
  const f: number = await draft.x.aincrease(0.5, { upsert: true });
  const plainIncrease: number = await draft.n.aincrease();
  assertType<Equal<Awaited<ReturnType<typeof draft.n.aincrease>>, number>>();
  void [greeting, n, i, f, plainIncrease];
}

export async function misuses(): Promise<void> {
  const draft = new TypesGocUser({ id: 'u1' });
  // @ts-expect-error a draft of another class
  await TypesGocUser.agetOrCreate(new TypesGocPlain({ id: 'p' }));
  // @ts-expect-error a plain object is not a draft
  await TypesGocUser.agetOrCreate({ id: 'u1' });
  // @ts-expect-error rapyer.agetOrCreate takes a model
  await rapyer.agetOrCreate({ id: 'u1' });
  const r = await TypesGocUser.agetOrCreate(draft);
  // @ts-expect-error status is 'found' | 'created'
  const s: 'found' = r.status;
  // @ts-expect-error upsert is a boolean
  await draft.n.aincrease(1, { upsert: 'yes' });
  // @ts-expect-error no other option
  await draft.x.aincrease(1, { upsertt: true });
  void s;
}
