/**
 * Model-based random testing: random sequences of every operation (single operations,
 * sync in-place methods then asave, field aload/asave, every collection method, pipelines on one
 * model and across both, nested models) run against the library and against a plain in-memory
 * reference (test/model-based/), and after every step the stored model, the local copies and
 * the TTL state of every key are compared (test/model-based/check.ts).
 *
 * Each run draws the refreshTtl mask, Meta.ttl (1000 s or none) and which models start stored.
 * Budget: `npm test` runs 100 sequences of up to 25 commands (a few seconds). `npm run test:deep`
 * runs RAPYER_DEEP sequences (10,000). A failure prints the seed, the path and the shrunk
 * counter-example (mask, ttl, stored, commands); replay it with RAPYER_SEED=<seed>
 * RAPYER_PATH=<path>. MBT_STATS=1 prints how many commands of each kind ended how.
 * See docs/random-testing.md.
 */
import fc from 'fast-check';
import { config } from 'chai';
import { testClient, testTopology } from './helpers/hooks.js';
import { flushEveryMaster } from './helpers/cluster.js';
import { MASKS, commands, maskOf, STATS } from './model-based/commands.js';
import { Ref } from './model-based/reference.js';
import { refSave } from './model-based/ref-ops.js';
import { MbtSession, PKS, TTL_MS, valuesOf } from './model-based/schema.js';
import type { Real } from './model-based/check.js';

config.truncateThreshold = 0; // full diffs in counter-examples

const DEEP = Number(process.env.RAPYER_DEEP ?? 0);
const RUNS = DEEP > 0 ? DEEP : 100;
const MAX_COMMANDS = 25;

describe('model-based random testing (fast-check, against an in-memory reference)', function () {
  this.timeout(DEEP > 0 ? 0 : 120_000);

  it(`${RUNS} random sequences of up to ${MAX_COMMANDS} commands match the reference`, async () => {
    let done = 0;
    const started = Date.now();
    // which of the two models the run starts with stored: both (half the runs), or one of them
    const initiallyStored = fc.tuple(fc.boolean(), fc.boolean()).map(([a, b]) => [a || b, !a || b]);
    // the model's Meta.ttl: 1000 s (three runs in four), or none
    const ttl = fc.constantFrom<number | null>(TTL_MS / 1000, TTL_MS / 1000, TTL_MS / 1000, null);
    const sequences = fc.commands(commands, { maxCommands: MAX_COMMANDS, size: 'max' });
    const property = fc.asyncProperty(fc.constantFrom(...MASKS), ttl, initiallyStored, sequences, async (refreshTtl, seconds, stored, cmds) => {
      await flushEveryMaster(testClient());
      MbtSession.Meta.refreshTtl = refreshTtl;
      MbtSession.Meta.ttl = seconds;
      // Both instances exist from the start (every command applies), stored or not.
      const setup = async () => {
        const model = new Ref(maskOf(refreshTtl), seconds === null ? null : TTL_MS, testTopology() === 'single');
        const real: Real = { handles: { a: null, b: null }, popped: [] };
        for (const [i, pk] of PKS.entries()) {
          const h = new MbtSession({ id: pk, address: { city: '' } });
          real.handles[pk] = h;
          model.local[pk] = valuesOf(h);
          if (!stored[i]) continue;
          await h.asave();
          refSave(model, pk);
        }
        return { model, real };
      };
      await fc.asyncModelRun(setup, cmds);
      done += 1;
      if (DEEP > 0 && done % 100 === 0) {
        const s = (Date.now() - started) / 1000;
        console.log(`    model-based: ${done} sequences in ${s.toFixed(0)} s (${(done / s).toFixed(1)}/s)`);
      }
    });
    const seed = process.env.RAPYER_SEED;
    const path = process.env.RAPYER_PATH;
    await fc.assert(property, {
      numRuns: RUNS,
      verbose: 1,
      ...(seed !== undefined ? { seed: Number(seed) } : {}),
      ...(path !== undefined ? { path } : {}),
    });
    if (process.env.MBT_STATS)
      console.log(
        [...STATS]
          .sort()
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      );
    if (DEEP > 0) console.log(`    model-based: ${done} sequences passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  });
});
