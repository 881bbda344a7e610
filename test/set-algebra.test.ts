/**
 * RedisSet's set algebra with other sets (of the model, or of models in the same hash slot):
 * aunion, aintersect, adifference (READ) and their stored forms aunionUpdate, aintersectUpdate,
 * adifferenceUpdate, one script each; another slot of a Cluster is a typed error, not CROSSSLOT.
 */
import { expect } from 'chai';
import { Cluster } from 'ioredis';
import { ActionGroup, KeyNotFound, UnsupportedArgumentError, ValidationError, defineModel, field } from '../src/index.js';
import { testClient, libraryClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';
import { newIdsBeside } from '../src/runtime/topology.js';

class Tags extends defineModel(
  'AlgTags',
  {
    id: field.str({ key: true }),
    a: field.set(field.str()),
    b: field.set(field.str()),
  },
  { ttl: 100, refreshTtl: ActionGroup.READ | ActionGroup.UPDATE },
) {}

const sorted = (s: Set<string>) => [...s].sort();

async function stored(id: string, a: string[], b: string[]): Promise<Tags> {
  const t = await new Tags({ id, a, b }).asave();
  for (const k of [t.key, `${t.key}:a`, `${t.key}:b`]) await testClient().pexpire(k, 5000);
  return t;
}

describe('RedisSet set algebra', () => {
  it('aunion, aintersect, adifference of two sets of one model, in one command, refreshing the TTL (READ)', async () => {
    const t = await stored('t1', ['x', 'y', 'z'], ['y', 'z', 'w']);
    expect(sorted(await t.a.aunion(t.b))).to.deep.equal(['w', 'x', 'y', 'z']);
    expect(sorted(await t.a.aintersect(t.b))).to.deep.equal(['y', 'z']);
    expect(sorted(await t.a.adifference(t.b))).to.deep.equal(['x']);
    expect(sorted(await t.b.adifference(t.a))).to.deep.equal(['w']);
    expect(sorted(await t.a.aunion())).to.deep.equal(['x', 'y', 'z']);
    expect(await testClient().pttl(`${t.key}:a`)).to.be.above(90_000);
    expect((await testClient().smembers(`${t.key}:a`)).sort()).to.deep.equal(['"x"', '"y"', '"z"']); // unchanged
  });

  it('the stored forms replace this set, and the local copy follows', async () => {
    const t = await stored('t2', ['x', 'y'], ['y', 'w']);
    await t.a.aunionUpdate(t.b);
    expect(sorted(t.a)).to.deep.equal(['w', 'x', 'y']);
    expect((await testClient().smembers(`${t.key}:a`)).sort()).to.deep.equal(['"w"', '"x"', '"y"']);
    await t.a.aintersectUpdate(t.b);
    expect(sorted(t.a)).to.deep.equal(['w', 'y']);
    await t.a.adifferenceUpdate(t.b);
    expect([...t.a]).to.deep.equal([]);
    expect(await testClient().exists(`${t.key}:a`)).to.equal(0); // an empty set has no key
    await t.a.aunionUpdate(t.b); // recreated: it takes the model's remaining TTL (rule 4) or a refresh
    expect(await testClient().pttl(`${t.key}:a`)).to.be.above(0);
  });

  it('works with a set of another model in the same hash slot; another slot of a Cluster is refused before sending', async () => {
    const t = await stored('t3', ['x', 'y'], []);
    const [near] = newIdsBeside(libraryClient(), t.key, 1);
    const other = await stored(near!, ['y', 'q'], []);
    expect(sorted(await t.a.aintersect(other.a))).to.deep.equal(['y']);
    const far = await stored('far-away-id', ['y'], []);
    if (libraryClient() instanceof Cluster) {
      await expectReject(t.a.aunion(far.a), UnsupportedArgumentError, /another hash slot/);
    } else {
      expect(sorted(await t.a.aunion(far.a))).to.deep.equal(['x', 'y']); // one server: any model
    }
  });

  it('on a model that is not stored: KeyNotFound, nothing written; a non-set argument: ValidationError', async () => {
    const ghost = new Tags({ id: 'ghost', a: ['x'] });
    await expectReject(ghost.a.aunionUpdate(ghost.b), KeyNotFound);
    expect(await testClient().exists(ghost.key)).to.equal(0);
    const t = await stored('t4', ['x'], []);
    await expectReject(t.a.aunion(['x'] as never), ValidationError, /RedisSet/);
  });
});
