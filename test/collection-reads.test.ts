/**
 * RedisList.aget / aslice and RedisSet.amembers / aaddMany: one script each, with the TTL step
 * of their groups (READ for the reads, UPDATE|APPEND for aaddMany), KeyNotFound on a model that
 * is not stored, Python's index and slice rules.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { ActionGroup, KeyError, KeyNotFound, ValidationError, defineModel, field } from '../src/index.js';
import { testClient, testServer } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { expectReject } from './helpers/reject.js';

class Bag extends defineModel(
  'ReadsBag',
  {
    id: field.str({ key: true }),
    items: field.list(field.int()),
    tags: field.set(field.str()),
  },
  { ttl: 100, refreshTtl: ActionGroup.READ | ActionGroup.APPEND },
) {}

async function stored(items: number[] = [0, 1, 2, 3, 4], tags: string[] = ['a']): Promise<Bag> {
  const b = await new Bag({ id: 'b1', items, tags }).asave();
  for (const k of [b.key, `${b.key}:items`, `${b.key}:tags`]) await testClient().pexpire(k, 5000);
  return b;
}

describe('RedisList.aget and aslice', () => {
  // Whatever another file flushed, EVALSHA finds its script: the counts below are exact.
  before(async () => {
    await preloadScripts(testClient());
  });

  it('aget reads one stored item by Python index in one command, refreshing the TTL (READ)', async () => {
    const b = await stored();
    await testClient().rpush(`${b.key}:items`, '5'); // stored only: the reads see Redis, not the local copy
    const { commands } = await countCommands(testServer().url, async () => {
      expect(await b.items.aget(0)).to.equal(0);
    });
    expect(commands).to.deep.equal(['evalsha']);
    expect(await b.items.aget(-1)).to.equal(5);
    expect(await b.items.aget(3)).to.equal(3);
    expect(b.items.length).to.equal(5); // the local copy is left as it is
    expect(await testClient().pttl(`${b.key}:items`)).to.be.above(90_000);
  });

  it('aget out of range is a KeyError; a bad index a ValidationError before sending', async () => {
    const b = await stored();
    await expectReject(b.items.aget(5), KeyError, /out of range/);
    await expectReject(b.items.aget(-6), KeyError, /out of range/);
    await expectReject(b.items.aget(1.5), ValidationError);
  });

  it('aslice follows Python slices: negative bounds, clamping, omitted bounds, empty ranges', async () => {
    const b = await stored();
    const py = [0, 1, 2, 3, 4];
    const cases: [number | undefined, number | undefined][] = [
      [undefined, undefined],
      [1, 3],
      [-2, undefined],
      [undefined, -2],
      [-10, 10],
      [3, 1],
      [5, 9],
      [-1, -1],
      [0, 0],
    ];
    for (const [s, e] of cases) {
      const from = s === undefined ? 0 : Math.min(s < 0 ? Math.max(s + 5, 0) : s, 5);
      const to = e === undefined ? 5 : Math.min(e < 0 ? Math.max(e + 5, 0) : e, 5);
      expect(await b.items.aslice(s, e), `[${s}:${e}]`).to.deep.equal(py.slice(from, Math.max(from, to)));
    }
  });

  it('on a model that is not stored: KeyNotFound, nothing written', async () => {
    const b = new Bag({ id: 'ghost' });
    await expectReject(b.items.aget(0), KeyNotFound);
    await expectReject(b.items.aslice(), KeyNotFound);
    expect(await testClient().exists(b.key)).to.equal(0);
  });

  it('inside a pipeline they run at once (reads)', async () => {
    const b = await stored();
    await b.apipeline(async (m) => {
      m.items.append(9);
      expect(await m.items.aget(-1)).to.equal(4); // the append is queued, not applied yet
      expect(await m.items.aslice(-2)).to.deep.equal([3, 4]);
    });
    expect(await b.items.aslice(-2)).to.deep.equal([4, 9]);
  });
});

describe('RedisSet.amembers and aaddMany', () => {
  // Whatever another file flushed, EVALSHA finds its script: the counts below are exact.
  before(async () => {
    await preloadScripts(testClient());
  });

  it('amembers returns the stored members as a Set and sets the local copy (READ refreshes)', async () => {
    const b = await stored([], ['a', 'b']);
    await testClient().sadd(`${b.key}:tags`, '"c"');
    const members = await b.tags.amembers();
    expect(members).to.be.instanceOf(Set);
    expect([...members].sort()).to.deep.equal(['a', 'b', 'c']);
    expect([...b.tags].sort()).to.deep.equal(['a', 'b', 'c']);
    expect(await testClient().pttl(`${b.key}:tags`)).to.be.above(90_000);
  });

  it('aaddMany adds every member in one command (UPDATE|APPEND refreshes), locally too', async () => {
    const b = await stored([], ['a']);
    const { commands } = await countCommands(testServer().url, () => b.tags.aaddMany(['b', 'c', 'a']));
    expect(commands).to.deep.equal(['evalsha']);
    expect((await testClient().smembers(`${b.key}:tags`)).sort()).to.deep.equal(['"a"', '"b"', '"c"']);
    expect([...b.tags].sort()).to.deep.equal(['a', 'b', 'c']);
    expect(await testClient().pttl(b.key)).to.be.above(90_000);
  });

  it('aaddMany checks every member before sending, and queues inside a pipeline', async () => {
    const b = await stored([], []);
    await expectReject(b.tags.aaddMany(['ok', 5 as unknown as string]), ValidationError, /tags\[1\]/);
    expect(await testClient().exists(`${b.key}:tags`)).to.equal(0);
    await rapyer.apipeline(async () => {
      await b.tags.aaddMany(['x', 'y']);
      expect(await testClient().exists(`${b.key}:tags`)).to.equal(0); // queued
    });
    expect((await testClient().smembers(`${b.key}:tags`)).sort()).to.deep.equal(['"x"', '"y"']);
    await expectReject(new Bag({ id: 'ghost2' }).tags.aaddMany(['z']), KeyNotFound);
  });
});
