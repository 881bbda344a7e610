import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field, ActionGroup, KeyNotFound, OverflowError, ZeroDivisionError } from '../src/index.js';
import { testClient, testServer, testTopology, scriptFlushAll } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';

class Counter extends defineModel(
  'PipeCounter',
  {
    name: field.str({ key: true }),
    n: field.int({ default: 0 }),
    f: field.float({ default: 0 }),
    s: field.str({ default: '' }),
    b: field.bytes({ default: () => new Uint8Array() }),
    at: field.datetime({ default: () => new Date(1000) }),
  },
  { ttl: 100, refreshTtl: ActionGroup.ARITHMETIC },
) {}

async function stored(name: string) {
  return (await Counter.aget(name)).toJSON();
}

describe('pipelines', () => {
  it('applies 20 mixed operations on one model in one command', async () => {
    const c = await new Counter({ name: 'p20' }).asave();
    const { count, commands } = await countCommands(testServer().url, () =>
      rapyer.apipeline(async () => {
        for (let i = 0; i < 5; i += 1) c.n.iadd(2);
        c.n.imul(3);
        c.n.isub(1);
        c.n.ifloordiv(2);
        c.n.imod(7);
        c.n.ipow(2);
        c.f.iadd(1.5);
        c.f.itruediv(4);
        c.s.iadd('ab');
        c.s.imul(3);
        c.s.iadd('"{}\\');
        c.b.iadd(new Uint8Array([1, 255]));
        c.at.iadd(500);
        c.at.isub(100);
        await c.n.aincrease(10);
        c.f.value = 9.25;
      }),
    );
    expect(count).to.equal(1);
    expect(commands).to.deep.equal(['evalsha']);
    const local = c.toJSON();
    expect(await stored('p20')).to.deep.equal(local);
    // the arithmetic itself: ((10*3-1)//2 % 7)**2 + 10
    expect(local.n).to.equal((Math.floor(29 / 2) % 7) ** 2 + 10);
    expect(local.s).to.equal('ababab"{}\\');
  });

  it('sends one command for the whole pipeline on one server, one per slot on a Cluster', async () => {
    const models = await rapyer.ainsert(...['a', 'b', 'c'].map((name) => new Counter({ name: `slot-${name}` })));
    const { count } = await countCommands(testServer().url, () =>
      rapyer.apipeline(async () => {
        for (const m of models) {
          m.n.iadd(1);
          m.n.iadd(2);
          m.s.iadd('x');
        }
      }),
    );
    expect(count).to.equal(testTopology() === 'single' ? 1 : 3);
    for (const m of models) expect((await stored(m.pk)).n).to.equal(3);
  });

  it('applies exactly once after SCRIPT FLUSH', async () => {
    const c = await new Counter({ name: 'flush' }).asave();
    await scriptFlushAll();
    await rapyer.apipeline(async () => {
      c.n.iadd(1);
      c.s.iadd('x');
      c.n.iadd(1);
    });
    expect(await stored('flush')).to.include({ n: 2, s: 'x' });
    await scriptFlushAll();
    await c.apipeline(async (m) => {
      m.n.iadd(5);
      m.s.iadd('y');
    });
    expect(await stored('flush')).to.include({ n: 7, s: 'xy' });
  });

  it('100 concurrent pipelines leave the exact count', async () => {
    const c = await new Counter({ name: 'conc' }).asave();
    await Promise.all(
      Array.from({ length: 100 }, () =>
        c.apipeline(async (m) => {
          m.n.iadd(1);
        }),
      ),
    );
    expect((await stored('conc')).n).to.equal(100);
  });

  it('keeps concurrent pipelines apart', async () => {
    const [a, b] = await rapyer.ainsert(new Counter({ name: 'iso-a' }), new Counter({ name: 'iso-b' }));
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const p1 = rapyer.apipeline(async () => {
      a!.n.iadd(1);
      await gate;
      a!.n.iadd(1);
    });
    const p2 = rapyer.apipeline(async () => {
      b!.n.iadd(10);
    });
    await p2;
    expect((await stored('iso-b')).n).to.equal(10);
    expect((await stored('iso-a')).n).to.equal(0);
    open();
    await p1;
    expect((await stored('iso-a')).n).to.equal(2);
  });

  it('sends nothing when the callback throws', async () => {
    const c = await new Counter({ name: 'throw' }).asave();
    const { count } = await countCommands(testServer().url, async () => {
      let caught: unknown;
      try {
        await rapyer.apipeline(async () => {
          c.n.iadd(1);
          c.s.iadd('z');
          throw new Error('boom');
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).to.be.instanceOf(Error).with.property('message', 'boom');
    });
    expect(count).to.equal(0);
    expect(await stored('throw')).to.include({ n: 0, s: '' });
  });

  it('refuses a division by zero at the call, and nothing is sent', async () => {
    const c = await new Counter({ name: 'zero' }).asave();
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        c.n.iadd(3);
        c.n.ifloordiv(0);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(ZeroDivisionError);
    expect((await stored('zero')).n).to.equal(0);
  });

  it('rolls back every operation when one fails in Redis, and names it', async () => {
    const c = await new Counter({ name: 'roll', n: 5 }).asave();
    await testClient().hset('PipeCounter:{roll}', 'n', String(Number.MAX_SAFE_INTEGER - 1));
    const before = await testClient().hgetall('PipeCounter:{roll}');
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        c.s.iadd('kept?');
        c.f.iadd(1);
        c.n.iadd(10);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(OverflowError);
    expect((caught as Error).message).to.match(/operation 3: PipeCounter:\{roll\} RedisInt\.iadd/);
    expect(await testClient().hgetall('PipeCounter:{roll}')).to.deep.equal(before);
  });

  it('refuses in Redis a datetime moved beyond what a Date holds', async () => {
    const c = await new Counter({ name: 'date' }).asave();
    await testClient().hset('PipeCounter:{date}', 'at', String(8.64e15 - 10));
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        c.at.iadd(1000);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(OverflowError);
    expect(await testClient().hget('PipeCounter:{date}', 'at')).to.equal(String(8.64e15 - 10));
  });

  it('fails with KeyNotFound and writes nothing when a model is not stored', async () => {
    const here = await new Counter({ name: 'here' }).asave();
    const gone = new Counter({ name: 'gone' });
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        here.n.iadd(1);
        gone.n.iadd(1);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(KeyNotFound);
    expect(await testClient().exists('PipeCounter:{gone}')).to.equal(0);
    // One server: one script for the whole pipeline, so nothing applied. A Cluster: another slot,
    // applied on its own (documented).
    expect((await stored('here')).n).to.equal(testTopology() === 'single' ? 0 : 1);
    let caught2: unknown;
    try {
      await gone.apipeline(async (m) => {
        m.n.iadd(1);
      });
    } catch (e) {
      caught2 = e;
    }
    expect(caught2).to.be.instanceOf(KeyNotFound);
  });

  it('runs reads at once and queues writes', async () => {
    const c = await new Counter({ name: 'reads', n: 1 }).asave();
    await rapyer.apipeline(async () => {
      c.n.iadd(1);
      expect(await testClient().hget('PipeCounter:{reads}', 'n')).to.equal('1');
      expect(await c.n.aload()).to.equal(1); // a read runs now, against Redis
      expect(await Counter.aexists('reads')).to.equal(true);
    });
    expect((await stored('reads')).n).to.equal(2);
  });

  it('refreshes the TTL for the union of the queued groups', async () => {
    const c = await new Counter({ name: 'ttl' }).asave();
    const key = 'PipeCounter:{ttl}';
    await testClient().pexpire(key, 5000);
    await rapyer.apipeline(async () => {
      c.s.iadd('a');
    }); // UPDATE|APPEND: not in the mask
    expect(await testClient().pttl(key)).to.be.at.most(5000);
    await rapyer.apipeline(async () => {
      c.s.iadd('b');
      c.n.iadd(1);
    }); // ARITHMETIC joins
    expect(await testClient().pttl(key)).to.be.above(90_000);
  });
});
