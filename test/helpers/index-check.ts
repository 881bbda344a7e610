/**
 * Checks that the indexes of a model class equal its stored data (README, Queries; the storage of
 * QUERIES-DESIGN): computed from the main hashes as Redis holds them, compared with the raw
 * index keys, and compared with what queries answer. Reads through a client without keyPrefix
 * (the test client by default), so the prefix is spelled out here.
 */
import { expect } from 'chai';
import { Cluster, type Redis } from 'ioredis';
import { bucketOf, parseMainKey } from '../../src/keys.js';
import type { ModelSchema } from '../../src/model/schema.js';
import { mastersOf } from './cluster.js';
import { testClient } from './hooks.js';

/** What these checks need of a model class (any ModelClass). */
export interface IndexedClass {
  readonly modelName: string;
  readonly schema: ModelSchema;
  acount(query?: never): Promise<number>;
  afind(query: never): Promise<{ pk: string }[]>;
}

/** A raw client (no keyPrefix) and the prefix the library's client adds. */
export interface RawView {
  readonly raw: Redis | Cluster;
  readonly prefix: string;
}

const defaultView = (): RawView => ({ raw: testClient(), prefix: '' });

/** UTF-8 byte order (Buffer.compare), the order of pks in every answer. */
export const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Every key matching a glob on every master of the raw client. */
export async function rawKeys(view: RawView, pattern: string): Promise<string[]> {
  const nodes = view.raw instanceof Cluster ? await mastersOf(view.raw) : [view.raw];
  return (await Promise.all(nodes.map((n) => n.keys(pattern)))).flat().sort();
}

/** The stored models of a bucketed class: pk -> (indexed path -> stored text, default when absent). */
export async function storedIndexed(cls: IndexedClass, view: RawView = defaultView()): Promise<Map<string, Map<string, string>>> {
  const name = cls.modelName;
  const out = new Map<string, Map<string, string>>();
  for (const full of await rawKeys(view, `${view.prefix}${name}:{${name}#*}:{*}`)) {
    const parsed = parseMainKey(full.slice(view.prefix.length));
    if (!parsed || parsed.model !== name || parsed.bucket === undefined) continue;
    expect(parsed.bucket, `${full}: the bucket of its pk`).to.equal(bucketOf(parsed.pk));
    const paths = cls.schema.indexed.map((l) => l.path);
    const raws = await view.raw.hmget(full, ...paths);
    out.set(parsed.pk, new Map(cls.schema.indexed.map((l, i) => [l.path, raws[i] ?? (l.spec.encodedDefault() || 'null')])));
  }
  return out;
}

/** The index member and score of a stored text (lua/includes/index.lua rapyer_ix_entry). */
function entry(kind: string, raw: string, pk: string): [string, number] {
  if (kind === 'int' || kind === 'float' || kind === 'datetime') return [pk, raw === 'null' ? -Infinity : Number(raw)];
  if (kind === 'bool') return [pk, raw === 'null' ? -Infinity : raw === 'true' ? 1 : 0];
  if (raw === 'null') return [`\0${pk}`, 0];
  const v = kind === 'str' ? (JSON.parse(raw) as string) : raw;
  return [`\u0001${v.replace(/\0/g, '\0\u0001')}\0\0${pk}`, 0];
}

/** A score as Redis prints it ('-inf', 'inf' or a decimal). */
const score = (s: string): number => (s === '-inf' ? -Infinity : s === 'inf' ? Infinity : Number(s));

const pairs = (flat: string[]): [string, number][] => {
  const out: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, score(flat[i + 1]!)]);
  return out;
};
const sortPairs = (p: [string, number][]) => p.sort((a, b) => byBytes(a[0], b[0]));

/**
 * Asserts that the raw index keys of the class hold exactly the entries its stored models call
 * for: ~all, ~values, each ~index:path, and ~expiry entries only for stored models (every model
 * with a TTL has one, no later than its expiry time); no index key of an empty bucket.
 */
export async function expectRawIndexExact(cls: IndexedClass, view: RawView = defaultView()): Promise<void> {
  const name = cls.modelName;
  const p = view.prefix;
  const stored = await storedIndexed(cls, view);
  const buckets = new Set([...stored.keys()].map(bucketOf));
  const expectedKeys: string[] = [];
  for (let b = 0; b < 16; b += 1) {
    const base = `${p}${name}:{${name}#${b}}:`;
    const pks = [...stored.keys()].filter((pk) => bucketOf(pk) === b).sort(byBytes);
    const label = `${name} bucket ${b}`;
    expect(sortPairs(pairs(await view.raw.zrange(`${base}~all`, '0', '-1', 'WITHSCORES'))), `${label} ~all`).to.deep.equal(pks.map((pk) => [pk, 0]));
    const values = await view.raw.hgetall(`${base}~values`);
    const wantValues = Object.fromEntries(pks.map((pk) => [pk, [...stored.get(pk)!].flat().join('\0')]));
    expect(values, `${label} ~values`).to.deep.equal(wantValues);
    for (const l of cls.schema.indexed) {
      const got = sortPairs(pairs(await view.raw.zrange(`${base}~index:${l.path}`, '0', '-1', 'WITHSCORES')));
      const want = sortPairs(pks.map((pk) => entry(l.spec.kind, stored.get(pk)!.get(l.path)!, pk)));
      expect(got, `${label} ~index:${l.path}`).to.deep.equal(want);
    }
    const exp = pairs(await view.raw.zrange(`${base}~expiry`, '0', '-1', 'WITHSCORES'));
    for (const [pk] of exp) expect(stored.has(pk), `${label} ~expiry holds ${pk}, which is not stored`).to.equal(true);
    let withTtl = false;
    for (const pk of pks) {
      const at = await view.raw.pexpiretime(`${base}{${pk}}`);
      if (at < 0) continue;
      withTtl = true;
      const score = exp.find(([m]) => m === pk)?.[1];
      expect(score, `${label} ~expiry of ${pk}`).to.be.a('number');
      expect(score!, `${label} ~expiry of ${pk}`).to.be.at.most(at);
    }
    if (buckets.has(b)) {
      expectedKeys.push(`${base}~all`, `${base}~values`, ...cls.schema.indexed.map((l) => `${base}~index:${l.path}`));
      if (withTtl || exp.length > 0) expectedKeys.push(`${base}~expiry`);
    } else if (exp.length > 0) expectedKeys.push(`${base}~expiry`);
  }
  expect(await rawKeys(view, `${p}${name}:{${name}#*}:~*`), `${name}: the index keys`).to.deep.equal(expectedKeys.sort());
}

/** The value a query compares for a stored text of a field kind. */
function queryValue(kind: string, raw: string): unknown {
  const v: unknown = JSON.parse(raw);
  if (v === null) return null;
  return kind === 'datetime' ? new Date(v as number) : v;
}

/** `{ a: { b: v } }` for the path 'a.b'. */
function whereAt(path: string, v: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((acc, part) => ({ [part]: acc }), v) as Record<string, unknown>;
}

/**
 * Asserts that queries see exactly the stored models: `{}` finds and counts every one (pk
 * order), and for each indexed field, equality on each stored value finds exactly the models
 * holding it. Queries refresh TTLs (READ|FETCH): not for tests that time an expiry.
 */
export async function expectQueriesExact(cls: IndexedClass, view: RawView = defaultView()): Promise<void> {
  const stored = await storedIndexed(cls, view);
  const all = [...stored.keys()].sort(byBytes);
  expect(
    (await cls.afind({ where: {} } as never)).map((m) => m.pk),
    `${cls.modelName} where {}`,
  ).to.deep.equal(all);
  expect(await cls.acount({ where: {} } as never), `${cls.modelName} count {}`).to.equal(all.length);
  for (const l of cls.schema.indexed) {
    const groups = new Map<string, string[]>();
    for (const [pk, raws] of stored) groups.set(raws.get(l.path)!, [...(groups.get(raws.get(l.path)!) ?? []), pk]);
    for (const [raw, pks] of groups) {
      const where = whereAt(l.path, queryValue(l.spec.kind, raw));
      const found = (await cls.afind({ where } as never)).map((m) => m.pk);
      expect(found, `${cls.modelName} where ${l.path} = ${raw}`).to.deep.equal(pks.sort(byBytes));
    }
  }
}

/** Both checks: the raw index equals the data, and queries answer from it exactly. */
export async function expectIndexExact(cls: IndexedClass, view: RawView = defaultView()): Promise<void> {
  await expectRawIndexExact(cls, view);
  await expectQueriesExact(cls, view);
}

/** Every key of a class in the bucketed layout with its type, content and expiry time (for before/after comparisons). */
export async function snapshotClass(name: string, view: RawView = defaultView()): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const k of await rawKeys(view, `${view.prefix}${name}:*`)) {
    const type = await view.raw.type(k);
    let content: unknown;
    if (type === 'hash') content = await view.raw.hgetall(k);
    else if (type === 'zset') content = await view.raw.zrange(k, '0', '-1', 'WITHSCORES');
    else if (type === 'list') content = await view.raw.lrange(k, 0, -1);
    else if (type === 'set') content = (await view.raw.smembers(k)).sort();
    else content = await view.raw.get(k);
    out[k] = { type, content, expireAt: await view.raw.pexpiretime(k) };
  }
  return out;
}

/**
 * Asserts two snapshots hold the same keys, types and contents, and the same expiry times within
 * `slackMs` (a key a failed batch restored with DUMP / RESTORE gets its PTTL back, measured and
 * applied at two instants of the script: up to its run time later).
 */
export function expectSameState(after: Record<string, unknown>, before: Record<string, unknown>, slackMs = 0): void {
  type Entry = { type: string; content: unknown; expireAt: number };
  const strip = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, { ...(v as Entry), expireAt: 0 }]));
  expect(strip(after)).to.deep.equal(strip(before));
  for (const [k, v] of Object.entries(before)) {
    const was = (v as Entry).expireAt;
    const is = (after[k] as Entry).expireAt;
    if (was < 0) expect(is, `${k} has no TTL`).to.equal(was);
    else expect(is, `${k} expiry time`).to.be.within(was, was + slackMs);
  }
}
