/**
 * The workloads on collection fields (append-conc, pq-push-pop, get) and pipeline-10, each with
 * its four impls on rapyer-ts's stored layout: a collection field lives in its own key
 * `${main}:${field}`, items as JSON text, and every operation refreshes the TTL of every key of
 * the model.
 */
import type { Redis } from 'ioredis';
import { checkExec, decodeHash, encodeValue, raw, type ImplName } from './baselines.js';
import { TTL_MS, TTL_SECONDS, type Models } from './models.js';
import type { Prepared, Workload } from './runner.js';

type BenchTags = InstanceType<Models['BenchTags']>;
type BenchQueue = InstanceType<Models['BenchQueue']>;
type BenchPipe = InstanceType<Models['BenchPipe']>;

const tag = (impl: ImplName) => impl.replace(/[^a-z]/g, '');

/** Runs `expireAll` as the second round trip of two-round-trips: one EXPIRE per key, pipelined. */
async function expireAll(client: Redis, keys: readonly string[]): Promise<void> {
  const pipe = client.pipeline();
  for (const k of keys) pipe.expire(k, TTL_SECONDS);
  checkExec(await pipe.exec());
}

function appendConc({ BenchTags }: Models, client: Redis): Workload {
  const item = 't';
  const prepare = (impl: ImplName, op: (m: BenchTags, main: string, list: string) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const m = await new BenchTags({ id: `append-${tag(impl)}` }).asave();
    const list = `${m.key}:tags`;
    const verify = async (ops: number) => {
      const n = await client.llen(list);
      return n === ops ? null : `${list} holds ${n} items after ${ops} appends`;
    };
    return { op: op(m, m.key, list), verify };
  };
  return {
    name: 'append-conc',
    concurrency: 256,
    describe: 'tags.aappend of a string, 256 concurrent callers on one model',
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (m) => () => m.tags.aappend(item)),
      'raw-script': prepare('raw-script', (_m, main, list) => () => raw(client, 'benchPush', main, list, TTL_MS, encodeValue(item))),
      'two-round-trips': prepare('two-round-trips', (_m, main, list) => async () => {
        await client.rpush(list, encodeValue(item));
        await expireAll(client, [main, list]);
      }),
      multi: prepare(
        'multi',
        (_m, main, list) => async () => checkExec(await client.multi().rpush(list, encodeValue(item)).pexpire(main, TTL_MS).pexpire(list, TTL_MS).exec()),
      ),
    },
  };
}

const QUEUE_SIZE = 100;

function pqPushPop({ BenchQueue }: Models, client: Redis): Workload {
  const prepare =
    (impl: ImplName, op: (m: BenchQueue, main: string, pq: string, next: () => number) => () => Promise<unknown>) => async (): Promise<Prepared> => {
      const m = await new BenchQueue({ id: `pq-${tag(impl)}` }).asave();
      await m.jobs.apushMany(Array.from({ length: QUEUE_SIZE }, (_x, i) => ({ value: `seed${i}`, priority: i })));
      const pq = `${m.key}:jobs`;
      let n = 0;
      const verify = async () => {
        const size = await client.zcard(pq);
        return size === QUEUE_SIZE ? null : `${pq} holds ${size} values, expected ${QUEUE_SIZE}`;
      };
      return { op: op(m, m.key, pq, () => (n += 1)), verify };
    };
  const popped = (v: unknown) => {
    if (v === null || v === undefined) throw new Error('pop found the queue empty');
    return v;
  };
  return {
    name: 'pq-push-pop',
    concurrency: 1,
    describe: 'jobs.apush(value, priority) then jobs.apop() on a queue of 100 values (one op = both)',
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (m, _main, _pq, next) => async () => {
        const i = next();
        await m.jobs.apush(`job${i}`, i % QUEUE_SIZE);
        return popped(await m.jobs.apop());
      }),
      'raw-script': prepare('raw-script', (_m, main, pq, next) => async () => {
        const i = next();
        await raw(client, 'benchZadd', main, pq, TTL_MS, i % QUEUE_SIZE, encodeValue(`job${i}`));
        return popped(JSON.parse(String(popped(await raw(client, 'benchZpop', main, pq, TTL_MS)))));
      }),
      'two-round-trips': prepare('two-round-trips', (_m, main, pq, next) => async () => {
        const i = next();
        await client.zadd(pq, i % QUEUE_SIZE, encodeValue(`job${i}`));
        await expireAll(client, [main, pq]);
        const [value] = await client.zpopmin(pq);
        await expireAll(client, [main, pq]);
        return popped(JSON.parse(String(popped(value))));
      }),
      multi: prepare('multi', (_m, main, pq, next) => async () => {
        const i = next();
        checkExec(
          await client
            .multi()
            .zadd(pq, i % QUEUE_SIZE, encodeValue(`job${i}`))
            .pexpire(main, TTL_MS)
            .pexpire(pq, TTL_MS)
            .exec(),
        );
        const [pop] = checkExec(await client.multi().zpopmin(pq).pexpire(main, TTL_MS).pexpire(pq, TTL_MS).exec()) as [string[]];
        return popped(JSON.parse(String(popped(pop[0]))));
      }),
    },
  };
}

function get({ BenchBag }: Models, client: Redis): Workload {
  const id = 'get-bag';
  const main = `BenchBag:{${id}}`;
  const [items, attrs, jobs] = ['items', 'attrs', 'jobs'].map((f) => `${main}:${f}`) as [string, string, string];
  const decode = (h: unknown, list: unknown, dict: unknown) => ({
    ...decodeHash(h),
    items: (list as string[]).map((x) => JSON.parse(x) as unknown),
    attrs: decodeHash(dict),
  });
  const prepare = (op: () => Promise<unknown>) => async (): Promise<Prepared> => {
    if ((await client.exists(main)) === 0) {
      const ten = Array.from({ length: 10 }, (_x, i) => i);
      const m = await new BenchBag({
        id,
        name: 'a bag',
        count: 3,
        items: ten.map((i) => `item${i}`),
        attrs: Object.fromEntries(ten.map((i) => [`k${i}`, `v${i}`])),
      }).asave();
      await m.jobs.apushMany(ten.map((i) => ({ value: `job${i}`, priority: i })));
    }
    return { op };
  };
  return {
    name: 'get',
    concurrency: 1,
    describe: 'aget of a model with 2 scalars, a list (10), a dict (10) and a priority queue (10)',
    impls: {
      'rapyer-ts': prepare(() => BenchBag.aget(id)),
      'raw-script': prepare(async () => {
        const [h, list, dict] = (await raw(client, 'benchGetBag', main, items, attrs, jobs, TTL_MS)) as unknown[];
        return decode(h, list, dict);
      }),
      'two-round-trips': prepare(async () => {
        const [h, list, dict] = checkExec(await client.pipeline().hgetall(main).lrange(items, 0, -1).hgetall(attrs).exec());
        await expireAll(client, [main, items, attrs, jobs]);
        return decode(h, list, dict);
      }),
      multi: prepare(async () => {
        const tx = client.multi().hgetall(main).lrange(items, 0, -1).hgetall(attrs);
        for (const k of [main, items, attrs, jobs]) tx.pexpire(k, TTL_MS);
        const [h, list, dict] = checkExec(await tx.exec());
        return decode(h, list, dict);
      }),
    },
  };
}

/** pipeline-10's ten operations: 5 int iadd(1), 5 float iadd(0.5), queued in the pipeline. */
function tenOps(p: { visits: { iadd(n: number): unknown }; score: { iadd(n: number): unknown } }): void {
  for (let i = 0; i < 5; i += 1) {
    p.visits.iadd(1);
    p.score.iadd(0.5);
  }
}

/**
 * pipeline-10's operations in the one-round-trip form, `apipeline(fn, { load: false })`, for a
 * model the caller already holds: one script that applies them and reads back what they touched.
 * In pipeline-10's group, so its rounds pair with raw-script's.
 */
function pipeline10OneTrip(models: Models, client: Redis): Workload {
  const base = pipeline10(models, client, 'pipe1rt');
  return {
    ...base,
    name: 'pipeline-10-1rt',
    describe: 'pipeline-10 in the one-round-trip form: apipeline(fn, { load: false }), with read-back',
    impls: {
      'rapyer-ts': base.prepareWith('rapyer-ts', (m) => () => m.apipeline(tenOps, { load: false })),
    },
  };
}

function pipeline10(
  { BenchPipe }: Models,
  client: Redis,
  id = 'pipe',
): Workload & { prepareWith: (impl: ImplName, op: (m: BenchPipe) => () => Promise<unknown>) => () => Promise<Prepared> } {
  const probe = new BenchPipe({ id: 'probe' }) as unknown as Record<string, unknown>;
  const prepare = (impl: ImplName, op: (m: BenchPipe) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const m = await new BenchPipe({ id: `${id}-${tag(impl)}` }).asave();
    const verify = async (ops: number) => {
      const v = await client.hget(m.key, 'visits');
      return v === String(5 * ops) ? null : `${m.key} visits is ${v} after ${ops} pipelines of 5 increments`;
    };
    return { op: op(m), verify };
  };
  return {
    name: 'pipeline-10',
    prepareWith: prepare,
    concurrency: 1,
    group: 'pipeline',
    pipelines: true,
    describe: 'apipeline of 10 operations on one model (5 int iadd, 5 float iadd)',
    ...(typeof probe.apipeline !== 'function' ? { skip: 'model.apipeline does not exist in this build (pipelines issue)' } : {}),
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (m) => () => m.apipeline(tenOps)),
      'raw-script': prepare('raw-script', (m) => () => raw(client, 'benchBatch', m.key, TTL_MS, 5, 0.5)),
      'two-round-trips': prepare('two-round-trips', (m) => async () => {
        const pipe = client.pipeline();
        for (let i = 0; i < 5; i += 1) pipe.hincrby(m.key, 'visits', 1).hincrbyfloat(m.key, 'score', 0.5);
        checkExec(await pipe.exec());
        await expireAll(client, [m.key]);
      }),
      multi: prepare('multi', (m) => async () => {
        const tx = client.multi();
        for (let i = 0; i < 5; i += 1) tx.hincrby(m.key, 'visits', 1).hincrbyfloat(m.key, 'score', 0.5);
        checkExec(await tx.pexpire(m.key, TTL_MS).exec());
      }),
    },
  };
}

/** The size of pipeline-10-big's list and of its dict. */
const BIG = 10_000;

/** Stores a BenchBig with `n` list items and `n` dict fields (unless it is stored already). */
export async function storeBig({ BenchBig }: Models, client: Redis, id: string, n: number): Promise<InstanceType<Models['BenchBig']>> {
  const main = `BenchBig:{${id}}`;
  if ((await client.exists(main)) === 1 && (await client.llen(`${main}:items`)) === n) return BenchBig.aget(id);
  const keys = Array.from({ length: n }, (_x, i) => i);
  return new BenchBig({ id, items: keys.map((i) => `item${i}`), attrs: Object.fromEntries(keys.map((i) => [`k${i}`, `v${i}`])) }).asave();
}

/**
 * pipeline-10-1rt's operations on a model that also holds a 10,000-item list and a 10,000-field
 * dict: what the operations cost must not grow with collections they do not touch. Runs
 * interleaved with pipeline-10 (same group), so its ratio to pipeline-10 is paired.
 */
function pipeline10Big(models: Models, client: Redis): Workload {
  const prepare = (impl: ImplName, op: (m: InstanceType<Models['BenchBig']>) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const m = await storeBig(models, client, `pipebig-${tag(impl)}`, BIG);
    const start = Number(await client.hget(m.key, 'visits'));
    const verify = async (ops: number) => {
      const v = await client.hget(m.key, 'visits');
      return v === String(start + 5 * ops) ? null : `${m.key} visits is ${v} after ${ops} pipelines of 5 increments from ${start}`;
    };
    return { op: op(m), verify };
  };
  const base = pipeline10(models, client);
  return {
    name: 'pipeline-10-big',
    concurrency: 1,
    group: 'pipeline',
    pipelines: true,
    describe: `pipeline-10 on a model that also holds a ${BIG.toLocaleString('en-US')}-item list and a ${BIG.toLocaleString('en-US')}-field dict`,
    ...(base.skip ? { skip: base.skip } : {}),
    impls: {
      // The one-round-trip form: the load-first form would read the 20,000 items every time,
      // and the goal is about what the batch costs, not what a load costs.
      'rapyer-ts': prepare('rapyer-ts', (m) => () => m.apipeline(tenOps, { load: false })),
      'raw-script': prepare('raw-script', (m) => () => raw(client, 'benchBatchAll', 3, m.key, `${m.key}:items`, `${m.key}:attrs`, TTL_MS, 5, 0.5)),
    },
  };
}

export function collectionWorkloads(models: Models, client: Redis): Workload[] {
  return [
    appendConc(models, client),
    pqPushPop(models, client),
    get(models, client),
    pipeline10(models, client),
    pipeline10OneTrip(models, client),
    pipeline10Big(models, client),
  ];
}
