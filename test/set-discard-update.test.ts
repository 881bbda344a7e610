/**
 * The rest of the reference's set API: adiscard (no error when absent), and the sync discard and
 * update(iterable), which change the local copy and queue inside a pipeline.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { KeyNotFound, ValidationError, defineModel, field } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class Bag extends defineModel('SetRestBag', { id: field.str({ key: true }), tags: field.set(field.str()) }) {}

const stored = async (id: string) => (await testClient().smembers(`SetRestBag:{${id}}:tags`)).sort();

describe('RedisSet adiscard, discard, update', () => {
  it('adiscard removes a member in Redis and locally, and is no error when absent', async () => {
    const b = await new Bag({ id: 'd1', tags: ['a', 'b'] }).asave();
    await b.tags.adiscard('a');
    await b.tags.adiscard('zz');
    expect(await stored('d1')).to.deep.equal(['"b"']);
    expect([...b.tags]).to.deep.equal(['b']);
    await expectReject(new Bag({ id: 'ghost' }).tags.adiscard('a'), KeyNotFound);
  });

  it('discard and update change only the local copy outside a pipeline', async () => {
    const b = await new Bag({ id: 'd2', tags: ['a'] }).asave();
    b.tags.discard('a');
    b.tags.discard('zz');
    b.tags.update(['x', 'y', 'x']);
    expect([...b.tags].sort()).to.deep.equal(['x', 'y']);
    expect(await stored('d2')).to.deep.equal(['"a"']);
    expect(() => b.tags.update(['ok', 7 as unknown as string])).to.throw(ValidationError, /tags\[1\]/);
  });

  it('inside a pipeline, adiscard, discard and update queue and are applied with the rest', async () => {
    const b = await new Bag({ id: 'd3', tags: ['a', 'b', 'c'] }).asave();
    await rapyer.apipeline(async () => {
      await b.tags.adiscard('a');
      b.tags.discard('b');
      b.tags.update(['x', 'y']);
      expect(await stored('d3')).to.deep.equal(['"a"', '"b"', '"c"']); // queued, not applied yet
    });
    expect(await stored('d3')).to.deep.equal(['"c"', '"x"', '"y"']);
    expect([...b.tags].sort()).to.deep.equal(['c', 'x', 'y']);
  });
});
