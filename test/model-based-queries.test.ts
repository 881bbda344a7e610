/**
 * Model-based random testing of queries: random sequences of writes (asave, aupdate, aincrease
 * plain and upsert, a field's asave, adelete, adeleteByKey, adeleteMany by keys and by where,
 * aduplicate, agetOrCreate, pipelines that apply or roll back), expiries (short TTLs, then time
 * passes) and queries (afind with random where-trees, orderBy, offset and maxResults; afindOne;
 * acount) on a class with an indexed field of every kind, run against the library and against
 * a plain in-memory reference (test/model-based/queries-*.ts) whose every answer is a brute
 * force over the stored models. Each run draws refreshTtl (true or false), Meta.ttl (1000 s or
 * none) and the models stored at the start; at its end every stored model is compared.
 *
 * Budget: `npm test` runs 100 sequences of up to 25 commands. `npm run test:deep` runs
 * RAPYER_DEEP / 10 sequences of up to 40 (RAPYER_DEEP commands at least, checked). A failure
 * prints the seed, the path and the shrunk counter-example; replay it with RAPYER_SEED=<seed>
 * RAPYER_PATH=<path>. MBT_STATS=1 prints how many commands of each kind ended how.
 * See docs/random-testing.md.
 */
import fc from 'fast-check';
import { config, expect } from 'chai';
import { testClient, testTopology } from './helpers/hooks.js';
import { flushEveryMaster } from './helpers/cluster.js';
import { bucketOf, mainKey } from '../src/keys.js';
import { keySlot } from '../src/runtime/topology.js';
import { COUNTS, STATS } from './model-based/queries-cmd.js';
import { commands } from './model-based/queries-reads.js';
import { QRef } from './model-based/queries-ref.js';
import { checkIndex } from './model-based/queries-index.js';
import { make, showMake } from './model-based/queries-writes.js';
import { pk, values } from './model-based/queries-arbs.js';
import { PKS, QmItem, comparable, show, valuesOf } from './model-based/queries-schema.js';

config.truncateThreshold = 0; // full diffs in counter-examples

const DEEP = Number(process.env.RAPYER_DEEP ?? 0);
const RUNS = DEEP > 0 ? Math.ceil(DEEP / 10) : 100;
const MAX_COMMANDS = DEEP > 0 ? 40 : 25;

/** A model's hash slot: on a Cluster its bucket's, on one server every model's is one (one script). */
const slotOf = (p: string): number => (testTopology() === 'cluster' ? keySlot(`{QmItem#${bucketOf(p)}}`) : 0);

/** At the end of a run: every stored model, whole, and no other (by query and by SCAN); the index keys exactly theirs. */
async function checkAll(ref: QRef): Promise<void> {
  const all = await QmItem.afind({ where: {} });
  const want = ref.ordered({}).map(([p, v]) => [p, comparable(v)]);
  expect(
    all.map((m) => [m.pk, valuesOf(m)]),
    'every stored model (afind({ where: {} }))',
  ).to.deep.equal(want);
  for (const p of PKS) expect(await QmItem.aexists(p), `QmItem.aexists(${show(p)})`).to.equal(ref.stored.has(p));
  expect(await QmItem.acount({ where: {} }), 'acount({ where: {} })').to.equal(ref.stored.size);
  expect(await QmItem.acount(), 'acount() (SCAN)').to.equal(ref.stored.size);
  const keys = [...ref.stored.keys()].map((p) => mainKey('QmItem', p, true)).sort();
  expect((await QmItem.afindKeys()).sort(), 'afindKeys() (SCAN)').to.deep.equal(keys);
  await checkIndex(ref);
}

describe('model-based random testing of queries (fast-check, against a brute-force reference)', function () {
  this.timeout(DEEP > 0 ? 0 : 180_000);

  it(`${RUNS} random sequences of up to ${MAX_COMMANDS} writes, expiries and queries match the reference`, async () => {
    let done = 0;
    const started = Date.now();
    // the models stored at the start, shown as code in a counter-example
    const initial = fc
      .uniqueArray(fc.tuple(pk, values), { minLength: 2, maxLength: PKS.length, selector: ([p]) => p })
      .map((list) => Object.assign(list, { [fc.toStringMethod]: () => `[${list.map(([p, v]) => `await ${showMake(p, v)}.asave()`).join('; ')}]` }));
    const sequences = fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' });
    const ttls = fc.constantFrom<number | null>(1000, 1000, null);
    const property = fc.asyncProperty(fc.boolean(), ttls, initial, sequences, async (refresh, ttl, stored, cmds) => {
      await flushEveryMaster(testClient());
      QmItem.Meta.refreshTtl = refresh;
      QmItem.Meta.ttl = ttl;
      const ref = new QRef(refresh, ttl, slotOf);
      const setup = async () => {
        for (const [p, v] of stored) {
          await make(p, v).asave();
          ref.save(p, v);
        }
        return { model: ref, real: {} };
      };
      await fc.asyncModelRun(setup, cmds);
      await checkAll(ref);
      done += 1;
      if (DEEP > 0 && done % 100 === 0) {
        const s = (Date.now() - started) / 1000;
        console.log(`    queries: ${done} sequences, ${COUNTS.steps} commands in ${s.toFixed(0)} s`);
      }
    });
    const seed = process.env.RAPYER_SEED;
    const path = process.env.RAPYER_PATH;
    await fc.assert(property, {
      numRuns: RUNS,
      ...(seed !== undefined ? { seed: Number(seed) } : {}),
      ...(path !== undefined ? { path } : {}),
    });
    const summary = `${done} sequences, ${COUNTS.steps} commands (${COUNTS.queries} queries, ${COUNTS.matched} matching something)`;
    if (process.env.MBT_STATS)
      console.log(
        [...STATS]
          .sort()
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      );
    if (DEEP > 0 || process.env.MBT_STATS) console.log(`    queries: ${summary} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (DEEP > 0 && seed === undefined) expect(COUNTS.steps, `commands run (${summary})`).to.be.at.least(DEEP);
  });
});
