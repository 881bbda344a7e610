/**
 * The short batch (lua/pipeline/scalars.lua): a pipeline of numeric field operations only is sent
 * as one short script instead of pipeline/batch. Random sequences of int/op, float/op, int/incr and
 * float/incr calls, on stored values that are fine, missing, null, corrupted, near the limits, on
 * a model not stored or of the wrong type, run through both scripts from the same stored state:
 * when pipeline/batch fails (an error, the operation it names), the short script writes nothing and
 * replies nil (the client then runs pipeline/batch); when it succeeds, the short script leaves the
 * same stored state (values and TTLs) and replies what is stored.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { ActionGroup, OutOfMemoryError, OverflowError, defineModel, field } from '../src/index.js';
import { callFor, keysOf, type ModelStatic } from '../src/model/calls.js';
import { runScript, type ScriptCall } from '../src/runtime/scripts.js';
import { batchCall } from '../src/runtime/pipeline.js';
import { scalarBatch } from '../src/runtime/pipeline-scalars.js';
import type { MethodName } from '../src/ops/table.js';
import { testClient, testMasters } from './helpers/hooks.js';
import { faultRig } from './helpers/faults.js';

class Num extends defineModel(
  'ShortPipe',
  {
    id: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    score: field.float({ default: 0 }),
    tags: field.list(field.str()),
  },
  { ttl: 100, refreshTtl: ActionGroup.UPDATE },
) {}

class NoTtl extends defineModel('ShortPipeNoTtl', {
  id: field.str({ key: true }),
  visits: field.int({ default: 0 }),
}) {}

/** A seeded generator (mulberry32): the same sequences every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stored values of each kind: fine, at the limits, null, corrupted; a field not stored takes its default. */
const INT_STORED: Record<string, string> = { i1: '5', i2: '-7', big: '9007199254740990', nul: 'null', bad: '1.5', hex: '0x10', when: '8639999999999000' };
const FLOAT_STORED: Record<string, string> = { f1: '1.5', f2: '-0', huge: '1e308', fnul: 'null', fbad: 'inf', tiny: '5e-324' };
const INT_PATHS = [...Object.keys(INT_STORED), 'gone'];
const FLOAT_PATHS = [...Object.keys(FLOAT_STORED), 'fgone'];
const INT_OPS = ['add', 'sub', 'mul', 'floordiv', 'mod', 'pow'];
const FLOAT_OPS = [...INT_OPS, 'truediv'];
const INT_OPERANDS = ['0', '1', '-1', '3', '-4', '2', '9007199254740991', '-9007199254740991', '1000000000000'];
const FLOAT_OPERANDS = ['0', '0.5', '-0.5', '0.1', '3', '-2', '1e308', '1e-300', '7.25', '2'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** A random numeric call on one of the models. */
function randomCall(r: () => number, models: readonly { cls: ModelStatic; key: string }[]): ScriptCall {
  const { cls, key } = pick(r, models);
  const keys = keysOf(cls.schema, key);
  const int = r() < 0.5;
  const path = pick(r, int ? INT_PATHS : FLOAT_PATHS);
  const def = path === 'gone' ? '3' : path === 'fgone' ? '0.25' : '0';
  if (r() < 0.2) {
    const operand = pick(r, int ? INT_OPERANDS : FLOAT_OPERANDS);
    return callFor(cls, int ? 'RedisInt.aincrease' : 'RedisFloat.aincrease', key, [path, operand, def], keys);
  }
  const op = pick(r, int ? INT_OPS : FLOAT_OPS);
  const operand = op === 'pow' ? pick(r, ['0', '1', '2', '3']) : pick(r, int ? INT_OPERANDS : FLOAT_OPERANDS);
  const method = `${int ? 'RedisInt' : 'RedisFloat'}.i${op}` as MethodName;
  const extra = [path, op, operand, def];
  if (int && path === 'when') extra.push('8640000000000000');
  return callFor(cls, method, key, extra, keys);
}

/** Stores the fixture of a trial: each model's hash (unless `missing`), a list key, a TTL on some. */
async function store(keys: readonly string[], missing: boolean, wrongType: boolean): Promise<void> {
  const c = testClient();
  for (const k of keys) await c.del(k);
  if (missing) return;
  if (wrongType) {
    await c.rpush(keys[0]!, 'x');
    return;
  }
  await c.hset(keys[0]!, { ...INT_STORED, ...FLOAT_STORED });
  await c.pexpire(keys[0]!, 50_000);
  if (keys[1]) await c.rpush(keys[1], '"t"');
}

/** What is stored under the keys: each key's type and content, and whether it has a TTL (and which). */
async function snapshot(keys: readonly string[]): Promise<unknown[]> {
  const c = testClient();
  return Promise.all(
    keys.map(async (k) => {
      const type = await c.type(k);
      const pttl = await c.pttl(k);
      const ttl = pttl < 0 ? pttl : pttl > 60_000 ? 'refreshed' : 'kept';
      const value = type === 'hash' ? await c.hgetall(k) : type === 'list' ? await c.lrange(k, 0, -1) : null;
      return { k, type, ttl, value };
    }),
  );
}

/** EVALSHA and EVAL calls so far, on every master (INFO commandstats). */
async function scriptCalls(): Promise<number> {
  let n = 0;
  for (const m of await testMasters()) {
    const stats = String(await m.info('commandstats'));
    for (const cmd of ['evalsha', 'eval']) n += Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  }
  return n;
}

async function outcome(call: ScriptCall): Promise<{ error: string | null; reply: unknown }> {
  try {
    return { error: null, reply: await runScript(testClient(), call) };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}`, reply: null };
  }
}

describe('pipelines: the short batch of numeric field operations', () => {
  it('matches pipeline/batch on random sequences: errors, the operation named, stored values and TTLs', async function () {
    this.timeout(120_000);
    const r = rng(20261203);
    let errors = 0;
    const trials = process.env.RAPYER_DEEP ? 6 * Number(process.env.RAPYER_DEEP) : 300;
    for (let trial = 0; trial < trials; trial += 1) {
      const a = { cls: Num as unknown as ModelStatic, key: `ShortPipe:{t${trial}}` };
      const b = { cls: NoTtl as unknown as ModelStatic, key: `ShortPipeNoTtl:{t${trial}}` };
      const models = r() < 0.3 ? [a, b] : [a];
      const calls: ScriptCall[] = [];
      // a call repeated (a run: x.iadd(1) five times) a third of the time
      for (let n = 1 + Math.floor(r() * 8); n > 0; n -= 1) calls.push(calls.length > 0 && r() < 0.35 ? calls.at(-1)! : randomCall(r, models));
      const keys = models.flatMap((m) => keysOf(m.cls.schema, m.key));
      const missing = models.length > 1 && r() < 0.15;
      const wrongType = !missing && r() < 0.05;
      const short = scalarBatch(calls, []);
      expect(short, `trial ${trial}`).to.not.equal(null);

      await store(keys.slice(0, 2), false, wrongType);
      if (models.length > 1) await store(keys.slice(2), missing, false);
      const before = await snapshot(keys);
      const viaBatch = await outcome(batchCall(calls));
      const afterBatch = await snapshot(keys);

      await store(keys.slice(0, 2), false, wrongType);
      if (models.length > 1) await store(keys.slice(2), missing, false);
      const viaShort = await outcome(short!.call);
      const afterShort = await snapshot(keys);

      const what = `trial ${trial}: ${calls.map((c) => `${c.script} ${c.args.slice(3).join(' ')}`).join('; ')}`;
      expect(viaShort.error, what).to.equal(null);
      if (viaBatch.error) {
        // an operation fails: the short script writes nothing and says so (then pipeline/batch runs)
        errors += 1;
        expect(viaShort.reply, what).to.equal(null);
        expect(afterShort, what).to.deep.equal(before);
      } else {
        expect(afterShort, what).to.deep.equal(afterBatch);
        // the reply: each field's stored value, in the order of the fields' first calls per model
        const values = viaShort.reply as string[];
        const fields = [...new Set(calls.map((c) => `${c.keys[0]} ${c.args[3]}`))].sort(
          (x, y) => calls.findIndex((c) => c.keys[0] === x.split(' ')[0]) - calls.findIndex((c) => c.keys[0] === y.split(' ')[0]),
        );
        const stored = await Promise.all(fields.map((f) => testClient().hget(f.split(' ')[0]!, f.split(' ')[1]!)));
        expect(values, what).to.deep.equal(stored);
      }
    }
    expect(errors, 'the sequences meet errors and successes').to.be.within(trials / 10, trials * 0.9);
  });

  it('is what a pipeline of numeric operations sends, and the local copies equal what is stored', async () => {
    const d = await new Num({ id: 'local', visits: 1, score: 0.5 }).asave();
    await testClient().hset(d.key, 'visits', '100'); // another client wrote: the read-back corrects
    await d.apipeline(
      (m) => {
        for (let i = 0; i < 5; i += 1) {
          m.visits.iadd(1);
          m.score.iadd(0.1);
        }
        m.visits.imul(3);
      },
      { load: false },
    );
    expect(d.toJSON()).to.deep.equal((await Num.aget('local')).toJSON());
    expect(d.visits.value).to.equal(315);
    expect(d.score.value).to.equal(0.5 + 0.1 + 0.1 + 0.1 + 0.1 + 0.1);
  });

  it('a pipeline of numeric operations is one script; a failing one is sent again as pipeline/batch', async () => {
    const d = await new Num({ id: 'count', visits: 1 }).asave();
    let before = await scriptCalls();
    await d.apipeline(
      (m) => {
        for (let i = 0; i < 5; i += 1) {
          m.visits.iadd(1);
          m.score.iadd(0.5);
        }
      },
      { load: false },
    );
    expect((await scriptCalls()) - before).to.equal(1);
    await testClient().hset(d.key, 'visits', '9007199254740991');
    before = await scriptCalls();
    const err = await d
      .apipeline(
        (m) => {
          m.visits.iadd(1);
        },
        { load: false },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(OverflowError);
    expect((await scriptCalls()) - before).to.equal(3); // the short script, pipeline/batch, the model's reload
  });

  it('a failing short batch writes nothing, names the operation and reloads the local copies', async () => {
    const d = await new Num({ id: 'fails', visits: 1 }).asave();
    await testClient().hset(d.key, 'visits', '9007199254740990');
    const err = await d
      .apipeline(
        (m) => {
          m.score.iadd(1);
          m.visits.iadd(1);
          m.visits.iadd(1);
        },
        { load: false },
      )
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(err?.message).to.match(/\[operation 3: ShortPipe:\{fails\} RedisInt\.iadd\]/);
    expect(await testClient().hget(d.key, 'score')).to.equal('0');
    expect(d.toJSON()).to.deep.equal((await Num.aget('fails')).toJSON());
  });

  it('above maxmemory: OutOfMemoryError and nothing written', async function () {
    this.timeout(30_000);
    const rig = await faultRig(['--maxmemory-policy', 'noeviction']);
    Num.Meta.redis = rig.lib;
    try {
      const d = await new Num({ id: 'oom', visits: 1, score: 1 }).asave();
      const key = d.key;
      await rig.admin.config('SET', 'maxmemory', '1');
      const err = await rapyer
        .apipeline(() => {
          d.visits.iadd(1);
          d.score.iadd(1);
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(OutOfMemoryError);
      await rig.admin.config('SET', 'maxmemory', '0');
      expect(await rig.admin.hmget(key, 'visits', 'score')).to.deep.equal(['1', '1']);
    } finally {
      Num.Meta.redis = null;
      await rig.close();
    }
  });
});
