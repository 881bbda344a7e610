/**
 * Fault injection: SCRIPT FLUSH, again and again, from another connection, in the
 * middle of a stream of single operations and pipelines. A flushed script answers NOSCRIPT,
 * which means it did not run; the library sends it again with EVAL: every operation is applied
 * exactly once, none is rejected.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field } from '../src/index.js';
import { checkInvariants } from './helpers/invariants.js';
import { Tally, commandCalls, faultRig, type FaultRig } from './helpers/faults.js';

class Counter extends defineModel(
  'FaultFlushCounter',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    s: field.str({ default: '' }),
    tags: field.list(field.str()),
  },
  { ttl: 3600 },
) {}

describe('fault: SCRIPT FLUSH during a stream of operations', function () {
  this.timeout(120000);
  let rig: FaultRig;

  before(async () => {
    rig = await faultRig();
    Counter.Meta.redis = rig.lib;
  });
  after(async () => {
    Counter.Meta.redis = null;
    await rig?.close();
  });

  it('applies every single operation and every pipeline exactly once', async () => {
    const [a, b] = await rapyer.ainsert(new Counter({ id: 'a' }), new Counter({ id: 'b' }));
    const singles = new Tally();
    const pipelines = new Tally();
    const crossSlot = new Tally();
    let done = false;
    let flushes = 0;
    const flusher = (async () => {
      while (!done) {
        await rig.admin.script('FLUSH');
        flushes += 1;
        await new Promise((r) => setImmediate(r));
      }
    })();

    const ROUNDS = 150;
    const worker = async (w: number) => {
      for (let i = 0; i < ROUNDS; i += 1) {
        await singles.track(a!.n.aincrease(1));
        await pipelines.track(
          a!.apipeline(async (m) => {
            m.n.iadd(1);
            m.s.iadd('x');
            m.tags.append(`w${w}`);
          }),
        );
        await crossSlot.track(
          rapyer.apipeline(async () => {
            a!.n.iadd(1);
            b!.n.iadd(2);
            b!.s.iadd('y');
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_v, w) => worker(w)));
    done = true;
    await flusher;

    const fallbacks = await commandCalls(rig.admin, 'eval');
    console.log(`      SCRIPT FLUSH x${flushes}; EVAL fallbacks ${fallbacks}; singles: ${singles}; pipelines: ${pipelines}; two-slot pipelines: ${crossSlot}`);
    expect(singles.rejected + pipelines.rejected + crossSlot.rejected, [...singles.samples, ...pipelines.samples, ...crossSlot.samples].join('\n')).to.equal(0);
    expect(flushes).to.be.greaterThan(1);
    expect(fallbacks, 'the stream met NOSCRIPT and fell back to EVAL').to.be.greaterThan(0);

    const sa = await Counter.aget('a');
    const sb = await Counter.aget('b');
    expect(sa.n.value).to.equal(singles.resolved + pipelines.resolved + crossSlot.resolved);
    expect(sa.s.value).to.equal('x'.repeat(pipelines.resolved));
    expect(sa.tags.length).to.equal(pipelines.resolved);
    expect(sb.n.value).to.equal(2 * crossSlot.resolved);
    expect(sb.s.value).to.equal('y'.repeat(crossSlot.resolved));
    expect(await checkInvariants(rig.lib, Counter)).to.deep.equal([]);
  });

  it('bulk operations (one pipeline of scripts) fall back one by one, exactly once', async () => {
    const ids = Array.from({ length: 50 }, (_v, i) => `bulk${i}`);
    await rapyer.ainsert(...ids.map((id) => new Counter({ id, n: 1 })));
    let rounds = 0;
    for (let i = 0; i < 40; i += 1) {
      await rig.admin.script('FLUSH');
      const found = await Counter.afind(...ids);
      expect(found.map((m) => m.n.value)).to.deep.equal(ids.map(() => 1));
      await rig.admin.script('FLUSH');
      await rapyer.ainsert(...found);
      rounds += 1;
    }
    expect(rounds).to.equal(40);
    expect(await checkInvariants(rig.lib, Counter)).to.deep.equal([]);
  });
});
