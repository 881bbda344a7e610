/**
 * The scalar workloads (incr-seq, incr-conc, save, insert-1000, find-1000), each with its four
 * impls. Every impl works on the same stored layout (rapyer-ts's: one hash per model, values as
 * JSON text) and refreshes the same TTL. Each impl gets its own keys, so `verify` can check that
 * every operation landed (no lost increments under concurrency).
 */
import { tracingChannel } from 'node:diagnostics_channel';
import type { Redis } from 'ioredis';
import { checkExec, decodeHash, encodeHash, raw, type ImplName, type Plain } from './baselines.js';
import { TTL_MS, TTL_SECONDS, profile, type Models } from './models.js';
import type { Prepared, Workload } from './runner.js';

type BenchCounter = InstanceType<Models['BenchCounter']>;
type BenchProfile = InstanceType<Models['BenchProfile']>;

/** Impl name → the key suffix of its models. */
const tag = (impl: ImplName) => impl.replace(/[^a-z]/g, '');

async function expectField(client: Redis, key: string, fieldName: string, expected: string): Promise<string | null> {
  const got = await client.hget(key, fieldName);
  return got === expected ? null : `${key} ${fieldName} is ${got}, expected ${expected}`;
}

function incr(name: string, concurrency: number, { BenchCounter }: Models, client: Redis, extra: Partial<Workload> = {}): Workload {
  const prepare = (impl: ImplName, op: (key: string, m: BenchCounter) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const m = await new BenchCounter({ id: `${name}-${tag(impl)}` }).asave();
    return {
      op: op(m.key, m),
      verify: (ops) => expectField(client, m.key, 'visits', String(ops)),
      lost: async (ops) => ops - Number(await client.hget(m.key, 'visits')),
    };
  };
  return {
    name,
    concurrency,
    describe: `aincrease(1) of an int field${concurrency > 1 ? `, ${concurrency} concurrent callers on one model` : ''}`,
    ...extra,
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (_k, m) => () => m.visits.aincrease(1)),
      'raw-script': prepare('raw-script', (k) => () => raw(client, 'benchIncr', k, TTL_MS, 'visits', 1)),
      'two-round-trips': prepare('two-round-trips', (k) => async () => {
        await client.hincrby(k, 'visits', 1);
        await client.expire(k, TTL_SECONDS);
      }),
      multi: prepare('multi', (k) => async () => checkExec(await client.multi().hincrby(k, 'visits', 1).pexpire(k, TTL_MS).exec())),
    },
  };
}

function save({ BenchProfile }: Models, client: Redis): Workload {
  const prepare = (impl: ImplName, op: (m: BenchProfile, plain: Plain) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const data = profile(`save-${tag(impl)}`, 1);
    const m = new BenchProfile(data);
    return { op: op(m, data), verify: async () => expectField(client, m.key, 'email', JSON.stringify(data.email)) };
  };
  return {
    name: 'save',
    concurrency: 1,
    describe: 'asave of a 10-field model (baselines: encode the 10 values, write the hash)',
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (m) => () => m.asave()),
      'raw-script': prepare('raw-script', (m, p) => () => raw(client, 'benchSave', m.key, TTL_MS, ...encodeHash(p))),
      'two-round-trips': prepare('two-round-trips', (m, p) => async () => {
        await client.hset(m.key, ...encodeHash(p));
        await client.expire(m.key, TTL_SECONDS);
      }),
      multi: prepare(
        'multi',
        (m, p) => async () =>
          checkExec(
            await client
              .multi()
              .del(m.key)
              .hset(m.key, ...encodeHash(p))
              .pexpire(m.key, TTL_MS)
              .exec(),
          ),
      ),
    },
  };
}

const BATCH = 1000;

function insert({ BenchProfile }: Models, client: Redis): Workload {
  const prepare = (impl: ImplName, op: (models: BenchProfile[], plains: Plain[]) => () => Promise<unknown>) => async (): Promise<Prepared> => {
    const plains = Array.from({ length: BATCH }, (_x, i) => profile(`ins-${tag(impl)}-${i}`, i));
    const models = plains.map((p) => new BenchProfile(p));
    const verify = async () => {
      const n = await client.exists(...models.map((m) => m.key));
      return n === BATCH ? null : `${n} of ${BATCH} models stored`;
    };
    return { op: op(models, plains), verify };
  };
  const keyOf = (p: Plain) => `BenchProfile:{${String(p.id)}}`;
  return {
    name: 'insert-1000',
    concurrency: 1,
    describe: 'ainsert of 1,000 10-field models (raw-script: one pipeline of HSET + PEXPIRE per model)',
    impls: {
      'rapyer-ts': prepare('rapyer-ts', (models) => () => BenchProfile.ainsert(...models)),
      'raw-script': prepare('raw-script', (_m, plains) => async () => {
        const pipe = client.pipeline();
        for (const p of plains) pipe.hset(keyOf(p), ...encodeHash(p)).pexpire(keyOf(p), TTL_MS);
        return checkExec(await pipe.exec());
      }),
      'two-round-trips': prepare('two-round-trips', (_m, plains) => async () => {
        const writes = client.pipeline();
        for (const p of plains) writes.hset(keyOf(p), ...encodeHash(p));
        checkExec(await writes.exec());
        const expires = client.pipeline();
        for (const p of plains) expires.expire(keyOf(p), TTL_SECONDS);
        return checkExec(await expires.exec());
      }),
      multi: prepare('multi', (_m, plains) => async () => {
        const tx = client.multi();
        for (const p of plains) tx.hset(keyOf(p), ...encodeHash(p)).pexpire(keyOf(p), TTL_MS);
        return checkExec(await tx.exec());
      }),
    },
  };
}

function find({ BenchProfile }: Models, client: Redis): Workload {
  const keys = Array.from({ length: BATCH }, (_x, i) => `BenchProfile:{find-${i}}`);
  const check = (found: unknown[]) => {
    if (found.length !== BATCH) throw new Error(`found ${found.length} of ${BATCH}`);
    return found;
  };
  const prepare = (op: () => Promise<unknown>) => async (): Promise<Prepared> => {
    if ((await client.exists(keys[0]!, keys[BATCH - 1]!)) !== 2) {
      await BenchProfile.ainsert(...keys.map((_k, i) => new BenchProfile(profile(`find-${i}`, i))));
    }
    return { op };
  };
  return {
    name: 'find-1000',
    concurrency: 1,
    describe: 'afind of 1,000 keys of 10-field models (baselines: HGETALL + JSON.parse of each value)',
    impls: {
      'rapyer-ts': prepare(async () => check(await BenchProfile.afind(...keys))),
      'raw-script': prepare(async () => {
        const pipe = client.pipeline();
        for (const k of keys) raw(pipe, 'benchLoad', k, TTL_MS);
        return check(checkExec(await pipe.exec()).map(decodeHash));
      }),
      'two-round-trips': prepare(async () => {
        const reads = client.pipeline();
        for (const k of keys) reads.hgetall(k);
        const found = checkExec(await reads.exec()).map(decodeHash);
        const expires = client.pipeline();
        for (const k of keys) expires.expire(k, TTL_SECONDS);
        checkExec(await expires.exec());
        return check(found);
      }),
      multi: prepare(async () => {
        const tx = client.multi();
        for (const k of keys) tx.hgetall(k).pexpire(k, TTL_MS);
        return check(
          checkExec(await tx.exec())
            .filter((_r, i) => i % 2 === 0)
            .map(decodeHash),
        );
      }),
    },
  };
}

/** Pipelines run before incr-conc-after-pipeline is measured (its setup). */
const WARM_PIPELINES = 200;

/**
 * incr-conc again, once the library has run pipelines in this process: a pipeline opens an
 * AsyncLocalStorage context, and once one has been entered Node tracks the context of every
 * promise of the process. Compared with incr-conc, measured before any pipeline ran.
 */
function incrAfterPipeline(models: Models, client: Redis): Workload {
  const w = incr('incr-conc-after-pipeline', 256, models, client, {
    pipelines: true,
    setup: async () => {
      const m = await new models.BenchPipe({ id: 'warm-pipelines' }).asave();
      for (let i = 0; i < WARM_PIPELINES; i += 1) await m.apipeline((p) => p.visits.iadd(1));
    },
  });
  const { 'rapyer-ts': ours, 'raw-script': rawScript } = w.impls;
  return { ...w, describe: `incr-conc after ${WARM_PIPELINES} apipeline calls in the process`, impls: { 'rapyer-ts': ours, 'raw-script': rawScript } };
}

/**
 * incr-seq with a subscriber on the library's tracing channel (docs/observability.md) during its
 * slices: what tracing costs. In incr-seq's group, so the two are paired rounds.
 */
function incrSeqTraced(models: Models, client: Redis): Workload {
  const w = incr('incr-seq-traced', 1, models, client, { group: 'incr-seq' });
  const channel = tracingChannel<unknown, { durationMs?: number }>('rapyer-ts:operation');
  let _total = 0;
  const none = () => {};
  const subscriber = {
    start: none,
    end: none,
    asyncStart: none,
    error: none,
    asyncEnd: (t: { durationMs?: number }) => {
      _total += t.durationMs ?? 0;
    },
  };
  const prepare = w.impls['rapyer-ts']!;
  return {
    ...w,
    describe: 'incr-seq with a subscriber on the rapyer-ts:operation tracing channel',
    impls: {
      'rapyer-ts': async () => ({
        ...(await prepare()),
        around: async (slice) => {
          channel.subscribe(subscriber);
          try {
            return await slice();
          } finally {
            channel.unsubscribe(subscriber);
          }
        },
      }),
    },
  };
}

export function scalarWorkloads(models: Models, client: Redis): Workload[] {
  return [
    incr('incr-seq', 1, models, client, { group: 'incr-seq' }),
    incrSeqTraced(models, client),
    incr('incr-conc', 256, models, client),
    save(models, client),
    insert(models, client),
    find(models, client),
    incrAfterPipeline(models, client),
  ];
}
