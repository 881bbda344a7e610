/**
 * What a pipeline covers: class- and module-level writes queue with the rest; on one server the
 * whole pipeline is one script, all or nothing across every model in it (on a Cluster, one per
 * slot); after a failure the local copies read as stored.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field, KeyNotFound, OverflowError } from '../src/index.js';
import { testClient, testServer, testTopology } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';

class Acct extends defineModel(
  'ScopeAcct',
  {
    name: field.str({ key: true }),
    n: field.int({ default: 0 }),
    tags: field.list(field.str()),
  },
  { ttl: 100 },
) {}

class Other extends defineModel('ScopeOther', { id: field.str({ key: true }), v: field.int({ default: 0 }) }) {}

const storedN = async (name: string) => testClient().hget(`ScopeAcct:{${name}}`, 'n');

describe('pipelines: bulk writes queue with the other operations', () => {
  it('Model.ainsert, rapyer.ainsert, adeleteByKey, adeleteMany inside a pipeline are sent with the batch, in order', async () => {
    const old = await new Acct({ name: 'old' }).asave();
    const gone = await new Other({ id: 'gone' }).asave();
    const a = new Acct({ name: 'a', n: 1 });
    const o = new Other({ id: 'o', v: 2 });
    const { commands } = await countCommands(testServer().url, () =>
      rapyer.apipeline(async () => {
        await Acct.ainsert(a);
        await rapyer.ainsert(o);
        // Inside the callback nothing was applied yet: the writes are queued.
        expect((await testClient().exists(a.key)) + (await testClient().exists(o.key))).to.equal(0);
        expect(await Acct.adeleteByKey('old')).to.equal(true); // true once queued
        expect(await rapyer.adeleteMany(gone.key)).to.deep.equal({ modelsDeleted: 0, keysDeleted: 0, byModel: { ScopeOther: 0 }, queued: 1 });
        a.n.iadd(5);
      }),
    );
    // Only EVALSHAs of reads (the exists check goes through the test client, not counted by kind).
    expect(commands.filter((c) => c === 'evalsha').length).to.equal(testTopology() === 'single' ? 1 : new Set([a.key, o.key, old.key, gone.key]).size);
    expect(await storedN('a')).to.equal('6');
    expect(await testClient().hget(o.key, 'v')).to.equal('2');
    expect((await testClient().exists(old.key)) + (await testClient().exists(gone.key))).to.equal(0);
  });

  it('a failing operation fails the queued bulk writes of its batch (one server: the whole pipeline)', async () => {
    const a = new Acct({ name: 'ins' });
    const missing = new Acct({ name: 'missing' });
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        await Acct.ainsert(a);
        missing.n.iadd(1); // KeyNotFound: the model is not stored
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(KeyNotFound);
    // One server: one script, nothing applied. A Cluster: the insert's own slot applied it.
    expect(await testClient().exists(a.key)).to.equal(testTopology() === 'single' ? 0 : 1);
  });
});

describe('pipelines: all or nothing across models, and local copies after a failure', () => {
  it('on one server a failure in one model rolls back the writes queued for the others', async () => {
    const x = await new Acct({ name: 'x', n: 1 }).asave();
    const missing = new Other({ id: 'nope' }); // never stored: its operation fails inside Redis
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        x.n.iadd(10);
        x.tags.append('t');
        missing.v.iadd(5);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(KeyNotFound);
    expect(await testClient().exists(missing.key)).to.equal(0);
    if (testTopology() === 'single') {
      expect(await storedN('x')).to.equal('1');
      expect(await testClient().exists(`${x.key}:tags`)).to.equal(0);
    } else {
      expect(await storedN('x')).to.equal('11'); // its own slot: applied (documented)
    }
  });

  it('after a pipeline failed in Redis every model in it reads as stored (local copies reloaded)', async () => {
    const x = await new Acct({ name: 'lx', n: 12 }).asave();
    const y = await new Other({ id: 'ly', v: 1 }).asave();
    const missing = new Other({ id: 'lmissing' });
    let caught: unknown;
    try {
      await rapyer.apipeline(async () => {
        x.n.iadd(2);
        x.tags.append('t');
        y.v.iadd(5);
        missing.v.iadd(1);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(KeyNotFound);
    expect(x.toJSON()).to.deep.equal((await Acct.aget('lx')).toJSON());
    expect(y.toJSON()).to.deep.equal((await Other.aget('ly')).toJSON());
    if (testTopology() === 'single') expect([x.n.value, y.v.value]).to.deep.equal([12, 1]); // not 14, 6
    expect(missing.v.value).to.equal(1); // not stored: nothing to read back, the local copy stays
  });

  it('when the callback throws nothing is sent, and the local copies keep what the callback did', async () => {
    const x = await new Acct({ name: 'mx', n: 3 }).asave();
    let caught: unknown;
    try {
      await x.apipeline(async (m) => {
        m.n.iadd(4);
        m.n.iadd(9007199254740990); // overflows locally: refused at the call, the callback throws
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(OverflowError);
    expect(await storedN('mx')).to.equal('3');
    expect(x.n.value).to.equal(7); // documented: aload() reads the stored state back
  });
});
