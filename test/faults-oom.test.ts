/**
 * Fault injection: Redis above `maxmemory` with `noeviction`. Redis 7 lets a script
 * without flags start, and refuses its first write that may grow memory (HSET, RPUSH, RESTORE,
 * …) when the server was out of memory at the script's start; after a first write, the script
 * is never stopped halfway. So every operation is all or nothing: it rejects with
 * OutOfMemoryError and wrote nothing (a pipeline restores its snapshot), or it was applied
 * whole. Reads and deletes keep working.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { OutOfMemoryError, defineModel, field } from '../src/index.js';
import { checkInvariants } from './helpers/invariants.js';
import { Tally, faultRig, type FaultRig } from './helpers/faults.js';

class Doc extends defineModel(
  'FaultOomDoc',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    body: field.str({ default: 'x' }),
    tags: field.list(field.str()),
  },
  { ttl: 3600 },
) {}

const CHUNK = 'y'.repeat(2000);

async function usedMemory(rig: FaultRig): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(String(await rig.admin.info('memory')))![1]);
}

/** Every key of the model, dumped by the admin connection (null when the model has none). */
async function dumpAll(rig: FaultRig, id: string): Promise<string> {
  const keys = (await rig.admin.keys(`FaultOomDoc:{${id}}*`)).sort();
  const dumps = await Promise.all(keys.map(async (k) => [k, (await rig.admin.dumpBuffer(k))?.toString('hex')]));
  return JSON.stringify(dumps);
}

describe('fault: maxmemory with noeviction', function () {
  this.timeout(120000);
  let rig: FaultRig;

  before(async () => {
    rig = await faultRig(['--maxmemory-policy', 'noeviction']);
    Doc.Meta.redis = rig.lib;
  });
  after(async () => {
    Doc.Meta.redis = null;
    await rig?.close(); // the server goes with its maxmemory setting
  });

  it('reaching the limit: each save and pipeline is applied whole or rejected with OutOfMemoryError, never half', async () => {
    const olds = await rapyer.ainsert(...Array.from({ length: 10 }, (_v, i) => new Doc({ id: `old${i}` })));
    await rig.admin.config('SET', 'maxmemory', String((await usedMemory(rig)) + 1_000_000));
    const saves = new Tally();
    const pipes = olds.map(() => new Tally());
    const saved: Doc[] = [];
    let i = 0;
    // 10 writers until 30 rejections: saves of new 20 KB models, pipelines growing the old ones
    await Promise.all(
      Array.from({ length: 10 }, async (_v, w) => {
        while (saves.rejected + pipes.reduce((s, t) => s + t.rejected, 0) < 30 && i < 2000) {
          i += 1;
          const d = new Doc({ id: `new${i}`, body: CHUNK.repeat(10), tags: ['a', 'b'] });
          saved.push(d);
          await saves.track(d.asave());
          await pipes[w]!.track(
            olds[w]!.apipeline(async (m) => {
              m.n.iadd(1);
              m.body.iadd(CHUNK);
              m.tags.append('t');
            }),
          );
        }
      }),
    );
    const pipeTotal = `${pipes.reduce((s, t) => s + t.resolved, 0)} resolved, ${pipes.reduce((s, t) => s + t.rejected, 0)} rejected`;
    console.log(`      saves: ${saves}; pipelines: ${pipeTotal}`);
    const names = new Set([...saves.errorNames(), ...pipes.flatMap((t) => t.errorNames())]);
    expect([...names]).to.deep.equal([OutOfMemoryError.name]);

    for (const d of saved) {
      // stored whole, or absent
      const found = await Doc.afindOne(d.pk);
      if (found) expect(found.toJSON()).to.deep.equal(d.toJSON());
      else expect(await rig.admin.keys(`FaultOomDoc:{${d.pk}}*`)).to.deep.equal([]);
    }
    for (const [w, old] of olds.entries()) {
      // every resolved pipeline applied whole, no other
      const m = await Doc.aget(old.pk);
      const n = m.n.value;
      expect(n).to.equal(pipes[w]!.resolved);
      expect(m.tags.length).to.equal(n);
      expect(m.body.value).to.equal(`x${CHUNK.repeat(n)}`);
    }
    expect(await checkInvariants(rig.lib, Doc)).to.deep.equal([]);
  });

  it('above the limit: every write rejects, nothing changes; reads and deletes work; writes resume below it', async () => {
    await rig.admin.config('SET', 'maxmemory', '0');
    const [a, b] = await rapyer.ainsert(new Doc({ id: 'a', tags: ['t'] }), new Doc({ id: 'b' }));
    const before = [await dumpAll(rig, 'a'), await dumpAll(rig, 'b')];
    await rig.admin.config('SET', 'maxmemory', '1'); // far below what is used
    const writes: [string, () => Promise<unknown>][] = [
      ['aincrease', () => a!.n.aincrease(1)],
      ['asave existing', () => a!.asave()],
      ['asave new', () => new Doc({ id: 'c' }).asave()],
      ['aupdate', () => a!.aupdate({ body: 'changed' })],
      ['aappend', () => a!.tags.aappend('u')],
      [
        'model pipeline',
        () =>
          a!.apipeline(async (m) => {
            m.n.iadd(1);
            m.tags.append('v');
          }),
      ],
      [
        'two-slot pipeline',
        () =>
          rapyer.apipeline(async () => {
            a!.n.iadd(1);
            b!.body.iadd('z');
          }),
      ],
      ['ainsert', () => rapyer.ainsert(new Doc({ id: 'd' }), new Doc({ id: 'e' }))],
      [
        'aincrease after SCRIPT FLUSH (EVAL)',
        async () => {
          await rig.admin.script('FLUSH');
          return a!.n.aincrease(1);
        },
      ],
    ];
    for (const [what, write] of writes) {
      const err = await write().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, what).to.be.instanceOf(OutOfMemoryError);
      expect((err as Error).message, what).to.match(/FaultOomDoc:\{\w\}/);
    }
    expect([await dumpAll(rig, 'a'), await dumpAll(rig, 'b')]).to.deep.equal(before);
    for (const id of ['c', 'd', 'e']) expect(await rig.admin.keys(`FaultOomDoc:{${id}}*`), id).to.deep.equal([]);

    expect([...(await Doc.aget('a')).tags]).to.deep.equal(['t']);
    expect(await b!.adelete()).to.equal(true);
    await rig.admin.config('SET', 'maxmemory', '0');
    expect(await a!.n.aincrease(1)).to.equal(1);
    expect(await checkInvariants(rig.lib, Doc)).to.deep.equal([]);
  });
});
