/**
 * Type tests of the collection fields (README, Models and fields, §4): checked by `tsc -p tsconfig.json`, never
 * run. Positive assertions first, then misuses marked `// @ts-expect-error` (tsc fails when a
 * misuse stops being an error).
 */
import { defineModel, field, type RedisList, type RedisDict, type RedisSet, type RedisPriorityQueue, type PriorityItem } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
function assertType<T extends true>(_proof?: T): void {}

const TypesCollAddress = defineModel('TypesCollAddress', {
  city: field.str(),
  tags: field.list(field.str()),
});

class TypesColl extends defineModel('TypesColl', {
  userId: field.str({ key: true }),
  tags: field.list(field.str()),
  attrs: field.dict(field.int()),
  seen: field.set(field.int()),
  jobs: field.priorityQueue(field.str()),
  dates: field.list(field.datetime()),
  maybe: field.list(field.str({ optional: true })),
  address: field.model(TypesCollAddress),
}) {}

export async function positives(): Promise<void> {
  const s = new TypesColl({ userId: 'u1', address: { city: 'Paris' } });
  new TypesColl({ userId: 'u1', tags: ['a'], attrs: { x: 1 }, seen: [1, 2], address: { city: 'P', tags: ['n'] } });
  new TypesColl({ userId: 'u1', attrs: new Map([['x', 1]]), seen: new Set([1]), address: { city: 'P' } });
  const ro: readonly string[] = ['a'];
  new TypesColl({ userId: 'u1', tags: ro, address: { city: 'P' } });

  assertType<Equal<typeof s.tags, RedisList<string>>>();
  assertType<Equal<typeof s.attrs, RedisDict<number>>>();
  assertType<Equal<typeof s.seen, RedisSet<number>>>();
  assertType<Equal<typeof s.jobs, RedisPriorityQueue<string>>>();
  assertType<Equal<typeof s.dates, RedisList<Date>>>();
  assertType<Equal<typeof s.maybe, RedisList<string | null>>>();
  assertType<Equal<typeof s.address.tags, RedisList<string>>>();
  assertType<Equal<ReturnType<typeof s.attrs.get>, number | undefined>>();
  assertType<Equal<(typeof s.tags)[0], string>>();
  assertType<IsAny<(typeof s.tags)[0]> extends false ? true : false>();

  assertType<Equal<Awaited<ReturnType<typeof s.tags.apop>>, string | null>>();
  assertType<Equal<Awaited<ReturnType<typeof s.tags.aload>>, string[]>>();
  const popped = await s.attrs.apop('x');
  assertType<Equal<typeof popped, number>>();
  const withDefault = await s.attrs.apop('x', 'none' as const);
  assertType<Equal<typeof withDefault, number | 'none'>>();
  assertType<Equal<Awaited<ReturnType<typeof s.attrs.apopitem>>, [string, number]>>();
  assertType<Equal<Awaited<ReturnType<typeof s.seen.apop>>, number | null>>();
  assertType<Equal<Awaited<ReturnType<typeof s.seen.acontains>>, boolean>>();
  assertType<Equal<Awaited<ReturnType<typeof s.jobs.apop>>, string | null>>();
  assertType<Equal<Awaited<ReturnType<typeof s.jobs.aitems>>, PriorityItem<string>[]>>();

  await s.tags.aappend('x');
  await s.tags.aextend(['y', 'z']);
  await s.tags.ainsert(-1, 'w');
  s.tags.iadd(['a']).append('b');
  s.tags.removeRange(0, -1);
  await s.attrs.aupdate({ a: 1 });
  await s.attrs.aupdate(new Map([['b', 2]]));
  s.attrs.setItem('c', 3);
  await s.seen.aadd(4);
  await s.jobs.apush('j', 1);
  await s.jobs.apushMany([{ value: 'k', priority: 2 }]);
  await s.aupdate({ tags: ['n'], attrs: { y: 2 }, seen: [1] });
  const mapped: string[] = s.tags.map((t) => t.toUpperCase());
  void mapped;
}

export async function misuses(): Promise<void> {
  const s = new TypesColl({ userId: 'u1', address: { city: 'Paris' } });
  // @ts-expect-error a list of strings takes strings
  new TypesColl({ userId: 'u1', tags: [1], address: { city: 'P' } });
  // @ts-expect-error dict values are ints
  new TypesColl({ userId: 'u1', attrs: { x: 'one' }, address: { city: 'P' } });
  // @ts-expect-error a priority queue takes no constructor value
  new TypesColl({ userId: 'u1', jobs: ['a'], address: { city: 'P' } });
  // @ts-expect-error the nested list takes strings
  new TypesColl({ userId: 'u1', address: { city: 'P', tags: [false] } });
  // @ts-expect-error item type
  await s.tags.aappend(1);
  // @ts-expect-error index is a number
  await s.tags.apop('0');
  // @ts-expect-error dict keys are strings
  await s.attrs.asetItem(1, 1);
  // @ts-expect-error dict values are ints
  s.attrs.setItem('x', 'y');
  // @ts-expect-error set members are ints
  await s.seen.aadd('x');
  // @ts-expect-error queue values are strings
  await s.jobs.apush(1, 1);
  // @ts-expect-error a priority is a number
  await s.jobs.apush('a', 'high');
  // @ts-expect-error aupdate cannot write a priority queue
  await s.aupdate({ jobs: [] });
  // @ts-expect-error the inner field must be a scalar field
  field.list(field.model(TypesCollAddress));
  // @ts-expect-error no list of lists
  field.list(field.list(field.str()));
}
