/**
 * npm run test:soak [-- --ops N] [--seconds S] [--concurrency C]
 *
 * The soak test: 1,000,000 mixed operations (increments, saves, loads, updates,
 * finds, list/dict/set operations, pipelines on one model and on two) against an embedded
 * redis-server it starts on a free loopback port, then the heap growth between a warmed-up start
 * and the end, both measured after global.gc(). Bounded in count (--ops) and in time
 * (--seconds, default 1800). The goal: under 20 MB of growth. Exits 1 if the goal is missed or
 * an operation failed. Needs `node --expose-gc` (the npm script passes it).
 */
import { Redis } from 'ioredis';
import * as rapyer from '../src/index.js';
import { defineModel, field, init, teardown } from '../src/index.js';
import { startServer } from '../test/helpers/server.js';

const GOAL_MB = 20;
const POOL = 1000;

class Soak extends defineModel(
  'SoakModel',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    score: field.float({ default: 0 }),
    label: field.str({ default: '' }),
    tags: field.list(field.str()),
    attrs: field.dict(field.int()),
    seen: field.set(field.int()),
  },
  { ttl: 3600 },
) {}

interface Args {
  readonly ops: number;
  readonly seconds: number;
  readonly concurrency: number;
}

function parseArgs(argv: readonly string[]): Args {
  const out = { ops: 1_000_000, seconds: 1800, concurrency: 64 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if (!(key in out) || !Number.isFinite(value) || value <= 0) {
      throw new Error(`usage: npm run test:soak -- [--ops N] [--seconds S] [--concurrency C] (got ${argv[i]} ${argv[i + 1]})`);
    }
    out[key as keyof typeof out] = value;
  }
  return out;
}

const ids = Array.from({ length: POOL }, (_v, i) => `m${i}`);
const pick = (i: number) => ids[(i * 7919) % POOL]!;

/** One operation of the mix; i chooses which, and on which model. Stored sizes stay bounded. */
async function operation(i: number, pool: Soak[]): Promise<void> {
  const m = pool[(i * 104729) % POOL]!;
  switch (i % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
      await m.n.aincrease(1);
      break;
    case 5:
    case 6:
      await Soak.aget(pick(i));
      break;
    case 7:
      m.label.value = `label ${i % 100}`;
      await m.asave();
      break;
    case 8:
      await m.aupdate({ score: i % 1000, label: `u${i % 50}` });
      break;
    case 9:
    case 10:
      await m.apipeline(async (p) => {
        p.n.iadd(1);
        p.score.iadd(0.5);
        p.label.value = `p${i % 10}`;
      });
      break;
    case 11:
      await rapyer.apipeline(async () => {
        m.n.iadd(1);
        pool[(i + 1) % POOL]!.n.iadd(1);
      });
      break;
    case 12:
      await Soak.afind(pick(i), pick(i + 1), pick(i + 2));
      break;
    case 13:
      if (m.tags.length < 8) await m.tags.aappend(`t${i % 10}`);
      else await m.tags.apop();
      break;
    case 14:
      await m.attrs.asetItem(`k${i % 8}`, i % 1000);
      break;
    case 15:
      if (i % 2 === 0) await m.seen.aadd(i % 16);
      else await m.seen.aremove((i - 1) % 16);
      break;
    case 16:
      await Soak.aexists(pick(i));
      break;
    case 17:
      await m.aload();
      break;
    case 18:
      await m.apipeline(async (p) => {
        p.attrs.setItem(`k${i % 8}`, 1);
        p.tags.clear();
      });
      break;
    default:
      await m.score.aincrease(0.25);
      break;
  }
}

function heapMb(): number {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run test:soak does)');
  for (let k = 0; k < 3; k += 1) gc();
  return heapMb();
}

/** Runs `count` operations from `first` on `concurrency` loops, until `deadline`. */
async function run(
  first: number,
  count: number,
  concurrency: number,
  deadline: number,
  pool: Soak[],
  report: (done: number) => void,
): Promise<{ done: number; failed: number; sample: string }> {
  let next = first;
  let done = 0;
  let failed = 0;
  let sample = '';
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < first + count && Date.now() < deadline) {
        const i = next;
        next += 1;
        try {
          await operation(i, pool);
        } catch (e) {
          failed += 1;
          if (!sample) sample = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        }
        done += 1;
        if (done % 100_000 === 0) report(done);
      }
    }),
  );
  return { done, failed, sample };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startServer();
  const client = new Redis(server.url);
  try {
    await init({ redis: client });
    const pool = await rapyer.ainsert(...ids.map((id) => new Soak({ id })));
    const deadline = Date.now() + args.seconds * 1000;
    await run(0, 50_000, args.concurrency, deadline, pool, () => {}); // warm-up: JIT, caches, pools
    const startMb = collect();
    const t0 = Date.now();
    console.log(`soak: ${args.ops} operations, ${args.concurrency} concurrent, heap after warm-up ${startMb.toFixed(1)} MB`);
    const { done, failed, sample } = await run(50_000, args.ops, args.concurrency, deadline, pool, (n) => {
      const s = (Date.now() - t0) / 1000;
      console.log(`  ${n} ops, ${s.toFixed(0)} s, ${Math.round(n / s)} ops/s, heap ${heapMb().toFixed(1)} MB`);
    });
    const seconds = (Date.now() - t0) / 1000;
    const endMb = collect();
    const growth = endMb - startMb;
    console.log(`soak: ${done} operations in ${seconds.toFixed(1)} s (${Math.round(done / seconds)} ops/s), ${failed} failed`);
    console.log(`heap: start ${startMb.toFixed(1)} MB, end ${endMb.toFixed(1)} MB, growth ${growth.toFixed(1)} MB (goal < ${GOAL_MB} MB)`);
    if (failed > 0) console.log(`first failure: ${sample}`);
    if (done < args.ops) console.log(`stopped by the time bound after ${done} of ${args.ops} operations`);
    return failed === 0 && growth < GOAL_MB ? 0 : 1;
  } finally {
    await teardown();
    client.disconnect();
    await server.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
