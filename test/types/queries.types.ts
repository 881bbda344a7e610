/**
 * Type tests of queries (README, Queries): checked by `tsc -p tsconfig.json`, never run. Positive
 * forms first, then misuses marked `// @ts-expect-error` (tsc fails when a misuse stops being an
 * error).
 */
import { defineModel, field, type DeleteResult, type WhereOf, type OrderByOf, type FindQueryOf } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

class TypesQAddress extends defineModel('TypesQAddress', {
  city: field.str({ index: true, default: '' }),
  zip: field.str({ index: true, optional: true }),
  street: field.str({ default: '' }),
}) {}

const TypesQPlain = defineModel('TypesQPlain', { note: field.str({ default: '' }) });

class TypesQUser extends defineModel('TypesQUser', {
  id: field.str({ key: true }),
  name: field.str({ index: true }),
  nick: field.str({ index: true, optional: true }),
  age: field.int({ index: true, default: 0 }),
  score: field.float({ index: true, optional: true }),
  active: field.bool({ index: true, default: true }),
  joined: field.datetime({ index: true, optional: true }),
  role: field.enum(['admin', 'user'], { index: true, default: 'user' }),
  bio: field.str({ default: '' }),
  tags: field.list(field.str()),
  address: field.model(TypesQAddress),
  extra: field.model(TypesQPlain),
}) {
  hello(): string {
    return `hi ${this.name.value}`;
  }
}

type UserShape = NonNullable<(typeof TypesQUser)['__shape']>;

export async function positives(): Promise<void> {
  const all: TypesQUser[] = await TypesQUser.afind({ where: {} });
  await TypesQUser.afind({ where: { name: 'Ann' } });
  await TypesQUser.afind({ where: { name: { startsWith: 'A', ne: 'Al' } }, orderBy: { age: 'desc' }, maxResults: 10, offset: 5 });
  await TypesQUser.afind({ where: { age: { gt: 1, lte: 9 }, score: { gte: 0.5, lt: 2 }, nick: null } });
  await TypesQUser.afind({ where: { joined: { gte: new Date(0) }, active: false, role: 'admin' } });
  await TypesQUser.afind({ where: { joined: new Date(0), score: { in: [1, null] }, nick: { ne: null } } });
  await TypesQUser.afind({ where: { role: { in: ['admin', 'user'] }, active: { ne: true } } });
  await TypesQUser.afind({ where: { address: { city: 'Paris', zip: null } }, orderBy: { address: { city: 'asc' } } });
  await TypesQUser.afind({ where: { name: { gt: 'a', lt: 'b' } }, orderBy: { name: 'asc' } });
  await TypesQUser.afind({ where: { OR: [{ age: 1 }, { AND: [{ age: 2 }, { NOT: { name: 'x' } }] }], active: true } });
  await TypesQUser.afind({ where: { address: { OR: [{ city: 'Paris' }, { city: 'Lyon' }] } } });
  await TypesQUser.afind({ where: { age: { in: [] } }, orderBy: { joined: 'desc' } });
  const ids = ['a', 'b'] as const;
  await TypesQUser.afind({ where: { name: { in: ids } } });

  const one: TypesQUser | null = await TypesQUser.afindOne({ where: { age: 3 }, orderBy: { score: 'asc' } });
  const label: string | undefined = one?.hello();
  const n: number = await TypesQUser.acount({ where: { active: true } });
  const everyone: number = await TypesQUser.acount();
  const gone: DeleteResult = await TypesQUser.adeleteMany({ where: { age: { lt: 18 } } });
  const reindexed: number = await TypesQUser.areindex({ batchSize: 100, onProgress: (done) => void done });
  await TypesQUser.areindex();
  void [all, label, n, everyone, gone, reindexed];

  // the key forms still work
  const byKeys: TypesQUser[] = await TypesQUser.afind('u1', 'u2', { skipMissing: true });
  const first: TypesQUser | null = await TypesQUser.afindOne('u1');
  const none: TypesQUser | null = await TypesQUser.afindOne();
  const deleted: DeleteResult = await TypesQUser.adeleteMany('u1');
  void [byKeys, first, none, deleted];

  // a where built ahead, typed by the exported types
  const w: WhereOf<UserShape> = { age: { gte: 18 } };
  const o: OrderByOf<UserShape> = { address: { city: 'desc' } };
  const q: FindQueryOf<UserShape> = { where: w, orderBy: o };
  await TypesQUser.afind(q);
  assertType<Equal<keyof WhereOf<UserShape>, 'name' | 'nick' | 'age' | 'score' | 'active' | 'joined' | 'role' | 'address' | 'AND' | 'OR' | 'NOT'>>();
}

export async function misuses(): Promise<void> {
  // @ts-expect-error bio is not indexed
  await TypesQUser.afind({ where: { bio: 'x' } });
  // @ts-expect-error a key field is not indexed unless it says so
  await TypesQUser.afind({ where: { id: 'u1' } });
  // @ts-expect-error a collection is never indexed
  await TypesQUser.afind({ where: { tags: 'x' } });
  // @ts-expect-error no such field
  await TypesQUser.afind({ where: { nope: 1 } });
  // @ts-expect-error street is not indexed in the nested model
  await TypesQUser.afind({ where: { address: { street: 'x' } } });
  // @ts-expect-error a nested model without indexed fields cannot be named
  await TypesQUser.afind({ where: { extra: {} } });
  // @ts-expect-error age is an int
  await TypesQUser.afind({ where: { age: 'x' } });
  // @ts-expect-error joined is a Date
  await TypesQUser.afind({ where: { joined: 5 } });
  // @ts-expect-error role is one of its values
  await TypesQUser.afind({ where: { role: 'owner' } });
  // @ts-expect-error in takes an array of the field's values
  await TypesQUser.afind({ where: { age: { in: ['1'] } } });
  // @ts-expect-error no ranges on a bool
  await TypesQUser.afind({ where: { active: { gt: false } } });
  // @ts-expect-error no ranges on an enum
  await TypesQUser.afind({ where: { role: { lt: 'user' } } });
  // @ts-expect-error startsWith is for str fields
  await TypesQUser.afind({ where: { age: { startsWith: '1' } } });
  // @ts-expect-error startsWith takes a string
  await TypesQUser.afind({ where: { name: { startsWith: 1 } } });
  // @ts-expect-error null on a field that is not optional
  await TypesQUser.afind({ where: { age: null } });
  // @ts-expect-error ne null on a field that is not optional
  await TypesQUser.afind({ where: { name: { ne: null } } });
  // @ts-expect-error a range never takes null, even on an optional field
  await TypesQUser.afind({ where: { score: { gt: null } } });
  // @ts-expect-error unknown operator
  await TypesQUser.afind({ where: { age: { between: [1, 2] } } });
  // @ts-expect-error OR takes an array
  await TypesQUser.afind({ where: { OR: { age: 1 } } });
  // @ts-expect-error a sub-query names indexed fields too
  await TypesQUser.afind({ where: { NOT: { bio: 'x' } } });
  // @ts-expect-error orderBy on a bool
  await TypesQUser.afind({ where: {}, orderBy: { active: 'asc' } });
  // @ts-expect-error orderBy on an enum
  await TypesQUser.afind({ where: {}, orderBy: { role: 'asc' } });
  // @ts-expect-error orderBy on a field that is not indexed
  await TypesQUser.afind({ where: {}, orderBy: { bio: 'asc' } });
  // @ts-expect-error orderBy names one field
  await TypesQUser.afind({ where: {}, orderBy: { age: 'asc', name: 'desc' } });
  // @ts-expect-error a direction is 'asc' or 'desc'
  await TypesQUser.afind({ where: {}, orderBy: { age: 'up' } });
  // @ts-expect-error maxResults is a number
  await TypesQUser.afind({ where: {}, maxResults: '3' });
  // @ts-expect-error afind needs where
  await TypesQUser.afind({ orderBy: { age: 'asc' } });
  // @ts-expect-error afindOne takes no maxResults
  await TypesQUser.afindOne({ where: {}, maxResults: 1 });
  // @ts-expect-error acount takes no orderBy
  await TypesQUser.acount({ where: {}, orderBy: { age: 'asc' } });
  // @ts-expect-error adeleteMany checks its where too
  await TypesQUser.adeleteMany({ where: { bio: 'x' } });
  // @ts-expect-error areindex's batchSize is a number
  await TypesQUser.areindex({ batchSize: 'all' });
}
