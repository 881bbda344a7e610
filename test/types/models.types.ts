/**
 * Type tests (README, Models and fields): checked by `tsc -p tsconfig.json`, never run (mocha's spec is
 * test/**\/*.test.ts). Positive assertions first, then deliberate misuses, each marked
 * `// @ts-expect-error`: if a misuse stops being an error, tsc fails on the unused directive.
 */
import { ActionGroup } from '../../src/actions.js';
import {
  defineModel,
  field,
  type RedisInt,
  type RedisStr,
  type RedisFloat,
  type RedisBytes,
  type RedisDatetime,
  type RedisEnum,
  type JsonValue,
} from '../../src/index.js';

/** true when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
function assertType<T extends true>(_proof?: T): void {}

const TypesAddress = defineModel('TypesAddress', {
  city: field.str(),
  zip: field.str({ optional: true }),
});

class TypesSession extends defineModel(
  'TypesSession',
  {
    userId: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    score: field.float({ default: 0 }),
    active: field.bool({ default: true }),
    avatar: field.bytes({ optional: true }),
    lastSeen: field.datetime({ optional: true }),
    extra: field.json({ optional: true }),
    color: field.enum(['red', 'blue'] as const, { default: 'red' }),
    address: field.model(TypesAddress),
  },
  { ttl: 1800, refreshTtl: ActionGroup.UPDATE | ActionGroup.APPEND },
) {
  label(): string {
    return `${this.userId.value}:${this.visits.value}`;
  }
}

const TypesOther = defineModel('TypesOther', { other: field.int() });

export async function positives(): Promise<void> {
  const s = new TypesSession({ userId: 'u1', address: { city: 'Paris' } });
  const a = new TypesAddress({ city: 'Paris' });

  const n: number = s.visits.value;
  const f: number = s.score.value;
  const b: boolean = s.active.value;
  const z: string | null = a.zip.value;
  const city: string = s.address.city.value;
  const bytes: Uint8Array | null = s.avatar.value;
  const when: Date | null = s.lastSeen.value;
  const extra: JsonValue | null = s.extra.value;
  const color: 'red' | 'blue' = s.color.value;
  const visits: RedisInt<number> = s.visits;
  const score: RedisFloat<number> = s.score;
  const uid: RedisStr<string> = s.userId;
  const avatar: RedisBytes<Uint8Array | null> = s.avatar;
  const seen: RedisDatetime<Date | null> = s.lastSeen;
  const col: RedisEnum<'red' | 'blue'> = s.color;
  void [n, f, b, z, city, bytes, when, extra, color, visits, score, uid, avatar, seen, col];

  assertType<Equal<typeof s.visits.value, number>>();
  assertType<Equal<typeof a.zip.value, string | null>>();
  assertType<Equal<typeof s.color.value, 'red' | 'blue'>>();
  assertType<Equal<IsAny<typeof s.extra.value>, false>>();
  assertType<Equal<IsAny<typeof s.address>, false>>();

  const inc: number = await s.visits.aincrease(2);
  const finc: number = await s.score.aincrease(0.5);
  s.visits.value = 3;
  a.zip.value = null;
  s.visits.iadd(1).imul(2).ifloordiv(3).imod(2).ipow(2).isub(1);
  s.score.itruediv(2);
  s.userId.iadd('x');
  s.lastSeen.iadd(1000);
  void [inc, finc];

  const got: TypesSession = await TypesSession.aget('u1');
  const label: string = got.label();
  const found: TypesSession[] = await TypesSession.afind('u1', 'u2', { skipMissing: true });
  const one: TypesSession | null = await TypesSession.afindOne();
  const keys: string[] = await TypesSession.afindKeys({ maxResults: 3 });
  const exists: boolean = await TypesSession.aexists(s);
  const copies: TypesSession[] = await got.aduplicateMany(2);
  const updated = await s.aupdate({ visits: 4, address: { city: 'Lyon' } });
  const after: number = updated.visits.value;
  const deleted: { modelsDeleted: number; keysDeleted: number } = await TypesSession.adeleteMany('u1', s);
  void [label, found, one, keys, exists, copies, after, deleted];

  TypesSession.Meta.refreshTtl = true;
  TypesSession.Meta.refreshTtl = ActionGroup.all({ forTtl: true });
  TypesSession.Meta.ttl = null;
  const mask: boolean | number = TypesSession.Meta.refreshTtl;
  const read: 1 = ActionGroup.READ;
  const arith: 128 = ActionGroup.ARITHMETIC;
  void [mask, read, arith];

  // constructors with every optional field left out, or given
  void new TypesAddress({ city: 'x', zip: null });
  void new TypesSession({
    userId: 'u2',
    visits: 1,
    score: 1.5,
    active: false,
    avatar: new Uint8Array(),
    lastSeen: new Date(),
    extra: { a: [1, 'b', null] },
    color: 'blue',
    address: { city: 'y', zip: '75001' },
  });
}

export async function misuses(): Promise<void> {
  const s = new TypesSession({ userId: 'u1', address: { city: 'Paris' } });

  // @ts-expect-error wrong field type in the constructor
  void new TypesSession({ userId: 'u1', visits: 'many', address: { city: 'Paris' } });
  // @ts-expect-error missing required field (address)
  void new TypesSession({ userId: 'u1' });
  // @ts-expect-error missing required field (city) in a nested model
  void new TypesSession({ userId: 'u1', address: {} });
  // @ts-expect-error unknown field
  void new TypesSession({ userId: 'u1', address: { city: 'x' }, nope: 1 });
  // @ts-expect-error an enum value outside the list
  void new TypesSession({ userId: 'u1', address: { city: 'x' }, color: 'green' });
  // @ts-expect-error bytes must be a Uint8Array
  void new TypesSession({ userId: 'u1', address: { city: 'x' }, avatar: [1, 2] });
  // @ts-expect-error null for a field that is not optional
  void new TypesAddress({ city: null });

  // @ts-expect-error assigning a string to an int's .value
  s.visits.value = 'x';
  // @ts-expect-error null into a non-optional field
  s.visits.value = null;
  // @ts-expect-error a number into a str's .value
  s.userId.value = 5;

  // @ts-expect-error aupdate with a wrong type
  await s.aupdate({ visits: 'x' });
  // @ts-expect-error aupdate with an unknown field
  await s.aupdate({ nope: 1 });

  // @ts-expect-error aincrease exists on int and float handles only
  await s.userId.aincrease(1);
  // @ts-expect-error itruediv is a float method, not an int one
  s.visits.itruediv(2);
  // @ts-expect-error a bool has no arithmetic
  s.active.iadd(1);

  // @ts-expect-error TypesSession.aget answers a TypesSession, not another model
  const wrong: InstanceType<typeof TypesOther> = await TypesSession.aget('u1');
  // @ts-expect-error the result is a TypesSession: no such method
  (await TypesSession.aget('u1')).nope();

  // @ts-expect-error refreshTtl is boolean | number
  TypesSession.Meta.refreshTtl = 'READ';
  // @ts-expect-error ActionGroup.READ is the literal 1
  const notRead: 2 = ActionGroup.READ;
  // @ts-expect-error ActionGroup members are read-only
  ActionGroup.READ = 2;
  void [wrong, notRead];
}
