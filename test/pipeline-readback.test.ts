/**
 * The read back of a pipeline (README, Pipelines): after the batch, what its operations touched is
 * applied to the local copies. Stored data that does not validate is a CorruptedModelError naming
 * the key and the field, and the read back of the other models of the batch is still applied.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { CorruptedModelError, defineModel, field } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const Doc = defineModel('ReadBackDoc', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  tags: field.list(field.str()),
});

/** What a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('pipeline read back', () => {
  it('a touched collection holding data that does not validate: CorruptedModelError naming key and field; the other reads still apply', async () => {
    const a = await new Doc({ id: 'a', tags: ['ok'] }).asave();
    const b = await new Doc({ id: 'b', n: 1 }).asave();
    const c = testClient();
    await c.rpush('ReadBackDoc:{a}:tags', 'not json {');
    await c.hset('ReadBackDoc:{b}', 'n', '10'); // another client's write, read back by the batch
    const err = await rejection(
      rapyer.apipeline(async () => {
        await a.tags.aappend('new');
        b.n.iadd(1);
      }),
    );
    expect(err).to.be.instanceOf(CorruptedModelError);
    expect((err as Error).message)
      .to.include('ReadBackDoc:{a}')
      .and.include('tags');
    // the batch itself succeeded: both writes are stored
    expect(await c.lrange('ReadBackDoc:{a}:tags', 0, -1)).to.deep.equal(['"ok"', 'not json {', '"new"']);
    expect(await c.hget('ReadBackDoc:{b}', 'n')).to.equal('11');
    expect(b.n.value, "b's read back was applied after a's failed").to.equal(11);
  });

  it('without corrupt data the same pipeline reads back both models', async () => {
    const a = await new Doc({ id: 'a2', tags: ['ok'] }).asave();
    const b = await new Doc({ id: 'b2', n: 1 }).asave();
    await testClient().rpush('ReadBackDoc:{a2}:tags', '"theirs"');
    await testClient().hset('ReadBackDoc:{b2}', 'n', '10');
    await rapyer.apipeline(async () => {
      await a.tags.aappend('new');
      b.n.iadd(1);
    });
    expect(a.tags.toJSON()).to.deep.equal(['ok', 'theirs', 'new']);
    expect(b.n.value).to.equal(11);
  });
});
