/**
 * The correctness check, made after the service stopped, against Redis itself: raw commands
 * (SCAN, HGETALL, LLEN, ZRANGE, PTTL), not the library, and the answer counts the service printed.
 */
import { Redis } from 'ioredis';
import { LIMIT } from './ratelimit.mjs';
import { WINDOW_S } from './models.mjs';

const TTL_MODELS = new Set(['Session', 'RateWindow', 'Cart', 'Job']);

/** Every key, each with its model name, whether it is a model's main hash, and its PTTL. */
async function scanAll(redis) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const pttls = await Promise.all(keys.map((k) => redis.pttl(k)));
  return keys.map((key, i) => ({ key, model: key.slice(0, key.indexOf(':{')), main: /^\w+:\{[^}]*\}$/.test(key), pttl: pttls[i] }));
}

/** A main hash as an object (every value is stored as JSON text). */
async function load(redis, key) {
  const raw = await redis.hgetall(key);
  return Object.fromEntries(Object.entries(raw).map(([f, v]) => [f, JSON.parse(v)]));
}

/** Checks Redis against `stats` (answers by route and status); resolves to { ok, lines }. */
export async function check(url, stats) {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  const lines = [];
  const expect = (what, got, want) => lines.push({ ok: got === want, text: `${what}: ${got} (expected ${want})` });
  const answered = (route, status) => stats[route]?.[status] ?? 0;
  const all = (route) => Object.values(stats[route] ?? {}).reduce((a, b) => a + b, 0);
  try {
    await redis.connect();
    const keys = await scanAll(redis);
    const models = async (name) => Promise.all(keys.filter((k) => k.main && k.model === name).map(async (k) => ({ ...k, ...(await load(redis, k.key)) })));
    const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);

    const sessions = await models('Session');
    expect('sessions stored = 201 answers', sessions.length, answered('POST /sessions', 201));
    expect(
      'session visits = 200 answers of GET /me',
      sum(sessions, (s) => s.visits),
      answered('GET /me', 200),
    );

    const windows = await models('RateWindow');
    expect(
      'rate-limit hits = answers of GET /limited',
      sum(windows, (w) => w.hits),
      all('GET /limited'),
    );
    expect(
      'accepted hits, min(hits, limit) per window = 200 answers',
      sum(windows, (w) => Math.min(w.hits, LIMIT)),
      answered('GET /limited', 200),
    );
    const now = Date.now();
    expect('windows extended past their fixed end', windows.filter((w) => w.pttl + (now - w.openedAt) > WINDOW_S * 1000 + 250).length, 0);

    const carts = await models('Cart');
    const jobs = await models('Job');
    const ships = jobs.filter((j) => j.kind === 'ship');
    const inCarts = sum(await Promise.all(carts.map((c) => redis.llen(`${c.key}:items`))), (n) => n);
    expect(
      'cart adds = 200 answers of add to cart',
      sum(carts, (c) => c.adds),
      answered('POST /carts/:user/items', 200),
    );
    expect(
      'items in carts + items shipped = adds',
      inCarts + sum(ships, (j) => j.payload.count),
      sum(carts, (c) => c.adds),
    );
    expect(
      'orders = 201 checkouts = ship jobs',
      sum(carts, (c) => c.orders),
      answered('POST /carts/:user/checkout', 201),
    );
    expect('ship jobs = 201 checkouts', ships.length, answered('POST /carts/:user/checkout', 201));

    const queued = new Set(await redis.zrange('JobBoard:{main}:queue', 0, -1));
    expect('email jobs = 201 answers of POST /jobs', jobs.length - ships.length, answered('POST /jobs', 201));
    expect('jobs run twice or more', jobs.filter((j) => j.runs > 1).length, 0);
    expect('jobs lost (not run, not queued)', jobs.filter((j) => j.runs === 0 && !queued.has(j.key.slice(5, -1))).length, 0);
    expect('jobs run and still queued', jobs.filter((j) => j.runs > 0 && queued.has(j.key.slice(5, -1))).length, 0);

    const ttl = keys.filter((k) => TTL_MODELS.has(k.model));
    expect(`keys of TTL models without a TTL (of ${ttl.length} keys scanned)`, ttl.filter((k) => k.pttl === -1).length, 0);
    expect('lock keys left', keys.filter((k) => k.key.includes(':lock:')).length, 0);
    return { ok: lines.every((l) => l.ok), lines };
  } finally {
    redis.disconnect();
  }
}
