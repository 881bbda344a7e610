/**
 * README, Queries: ordering and merging across the 16 buckets (one script per hash slot on a
 * Cluster, merged by the client; one script for every bucket on a single server). Every answer
 * is compared with a brute-force filter and sort of the data: by the orderBy value (null first
 * ascending, last descending; strings by UTF-8 bytes), ties and no orderBy in ascending pk order
 * by UTF-8 bytes (Buffer.compare), then offset and maxResults. A query is one EVALSHA per slot
 * group and nothing else. Both topologies.
 */
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { bucketOf } from '../src/keys.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { keySlot } from '../src/runtime/topology.js';
import { testClient, testServer, testTopology } from './helpers/hooks.js';
import { byBytes } from './helpers/index-check.js';
import { countCommands } from './helpers/server.js';

class O extends defineModel('QoItem', {
  id: field.str({ key: true }),
  n: field.int({ default: 0, index: true }),
  s: field.str({ default: '', index: true }),
  f: field.float({ optional: true, index: true }),
  at: field.datetime({ optional: true, index: true }),
  tags: field.list(field.str()),
}) {}

interface Row {
  readonly id: string;
  readonly n: number;
  readonly s: string;
  readonly f: number | null;
  readonly at: number | null;
}

/** Strings whose UTF-8 order differs from UTF-16 order (U+E000 vs an astral character), NULs, empty. */
const TEXTS = ['', 'a', 'a\0', 'a\0b', 'ab', 'b', 'B', 'é', '\uE000', '😀', 'zz', 'a b'];
const PK_TAILS = ['', 'é', '\uE000', '😀', 'Z', '_'];

function rows(count: number): Row[] {
  return Array.from({ length: count }, (_v, i) => ({
    id: `k${i % 37}${PK_TAILS[i % PK_TAILS.length]}${i}`,
    n: i % 7,
    s: TEXTS[i % TEXTS.length]!,
    f: i % 13 === 0 ? null : ((i * 7) % 11) - 5 + 0.5,
    at: i % 5 === 0 ? null : 1_000_000 + ((i * 3) % 17) * 1000,
  }));
}

type Field = 'n' | 's' | 'f' | 'at';

/** The brute-force order: value (null first ascending), then pk ascending by UTF-8 bytes. */
function sortRows(rs: Row[], by: Field | null, desc: boolean): Row[] {
  return [...rs].sort((x, y) => {
    if (by) {
      const a = x[by];
      const b = y[by];
      let c = 0;
      if (a !== b) {
        if (a === null) c = -1;
        else if (b === null) c = 1;
        else if (typeof a === 'string') c = byBytes(a, b as string);
        else c = a < (b as number) ? -1 : 1;
      }
      if (c !== 0) return desc ? -c : c;
    }
    return byBytes(x.id, y.id);
  });
}

/** Where-objects with the predicate each means (README, Queries semantics). */
const WHERES: [string, Record<string, unknown>, (r: Row) => boolean][] = [
  ['every model', {}, () => true],
  ['n >= 3', { n: { gte: 3 } }, (r) => r.n >= 3],
  ['n = 2', { n: 2 }, (r) => r.n === 2],
  ['s > "a" (bytes)', { s: { gt: 'a' } }, (r) => byBytes(r.s, 'a') > 0],
  ['s starts with "a"', { s: { startsWith: 'a' } }, (r) => r.s.startsWith('a')],
  ['f null or n = 6', { OR: [{ f: null }, { n: 6 }] }, (r) => r.f === null || r.n === 6],
  ['f ne 0.5 (null included)', { f: { ne: 0.5 } }, (r) => r.f !== 0.5],
  [
    'at in range, NOT n = 1',
    { at: { gte: new Date(1_004_000), lt: new Date(1_012_000) }, NOT: { n: 1 } },
    (r) => r.at !== null && r.at >= 1_004_000 && r.at < 1_012_000 && r.n !== 1,
  ],
];

const WINDOWS: { offset?: number; maxResults?: number }[] = [
  {},
  { maxResults: 1 },
  { offset: 3, maxResults: 7 },
  { offset: 40 },
  { offset: 190, maxResults: 50 },
  { maxResults: 0 },
];

describe('queries: ordering and merging across buckets', () => {
  let data: Row[] = [];

  beforeEach(async () => {
    data = rows(200);
    await O.ainsert(...data.map((r) => new O({ id: r.id, n: r.n, s: r.s, f: r.f, at: r.at === null ? null : new Date(r.at), tags: [r.id] })));
  });

  it('the data spreads over all 16 buckets, with ties on every field', () => {
    expect(new Set(data.map((r) => bucketOf(r.id))).size).to.equal(16);
    expect(new Set(data.map((r) => r.id)).size).to.equal(200);
    expect(sortRows(data, null, false).map((r) => r.id)).to.not.deep.equal([...data.map((r) => r.id)].sort()); // UTF-16 order differs
  });

  for (const [label, where, keep] of WHERES) {
    it(`afind where ${label}: every orderBy, direction and window equals the brute force`, async function () {
      this.timeout(30_000);
      for (const by of [null, 'n', 's', 'f', 'at'] as const) {
        for (const desc of by ? [false, true] : [false]) {
          const want = sortRows(data.filter(keep), by, desc);
          for (const w of WINDOWS) {
            const orderBy = by ? { [by]: desc ? 'desc' : 'asc' } : undefined;
            const got = await O.afind({ where, ...(orderBy ? { orderBy } : {}), ...w } as never);
            const start = w.offset ?? 0;
            const expected = want.slice(start, w.maxResults === undefined ? undefined : start + w.maxResults).map((r) => r.id);
            expect(
              got.map((m) => m.pk),
              `${label} orderBy ${by} ${desc ? 'desc' : 'asc'} ${JSON.stringify(w)}`,
            ).to.deep.equal(expected);
          }
          const one = await O.afindOne({ where, ...(by ? { orderBy: { [by]: desc ? 'desc' : 'asc' } } : {}) } as never);
          expect(one?.pk ?? null, `${label} afindOne by ${by}`).to.equal(want[0]?.id ?? null);
        }
      }
      expect(await O.acount({ where } as never)).to.equal(data.filter(keep).length);
    });
  }

  it('returns whole models: the values and collections of each', async () => {
    const got = await O.afind({ where: { n: 4 }, orderBy: { s: 'desc' }, maxResults: 5 });
    for (const m of got) {
      const r = data.find((x) => x.id === m.pk)!;
      expect(m.toJSON()).to.deep.include({ id: r.id, n: r.n, s: r.s, f: r.f });
      expect(m.at.value?.getTime() ?? null).to.equal(r.at);
      expect(m.tags.toJSON()).to.deep.equal([r.id]);
    }
  });

  it('a query is one EVALSHA per slot group and nothing else', async () => {
    await preloadScripts(testClient());
    const groups = new Set(Array.from({ length: 16 }, (_v, b) => keySlot(`QoItem#${b}`))).size;
    const expected = testTopology() === 'single' ? 1 : groups;
    for (const q of [
      () => O.afind({ where: {}, orderBy: { n: 'desc' }, maxResults: 3 }),
      () => O.afindOne({ where: { s: 'a' } }),
      () => O.acount({ where: { n: { lt: 3 } } }),
      () => O.adeleteMany({ where: { n: 6 } }),
    ]) {
      const { commands } = await countCommands(testServer().url, q);
      expect(commands).to.deep.equal(Array(expected).fill('evalsha'));
    }
  });
});

describe('queries: a bucket with more than 2000 candidates', () => {
  it('orderBy another field than the where, with maxResults, walks in order and equals the brute force', async function () {
    this.timeout(60_000);
    const big: Row[] = [];
    for (let i = 0; big.length < 2100; i += 1) {
      const id = `big${i}`;
      if (bucketOf(id) === 11) big.push({ id, n: i % 9, s: TEXTS[i % TEXTS.length]!, f: i % 4 === 0 ? null : i % 50, at: null });
    }
    for (let i = 0; i < big.length; i += 500) await O.ainsert(...big.slice(i, i + 500).map((r) => new O({ id: r.id, n: r.n, s: r.s, f: r.f })));
    const cases: [Record<string, unknown>, (r: Row) => boolean][] = [
      [{ n: { gte: 0 } }, () => true],
      [{ n: { gte: 1 } }, (r) => r.n >= 1],
      [{ s: { gte: '' } }, () => true],
    ];
    for (const [where, keep] of cases) {
      for (const by of ['s', 'f', 'n'] as const) {
        for (const desc of [false, true]) {
          const want = sortRows(big.filter(keep), by, desc).map((r) => r.id);
          for (const w of [{ maxResults: 5 }, { offset: 250, maxResults: 3 }]) {
            const got = await O.afind({ where, orderBy: { [by]: desc ? 'desc' : 'asc' }, ...w } as never);
            expect(
              got.map((m) => m.pk),
              `${JSON.stringify(where)} ${by} ${desc} ${JSON.stringify(w)}`,
            ).to.deep.equal(want.slice(w.offset ?? 0, (w.offset ?? 0) + w.maxResults));
          }
        }
      }
    }
  });
});
