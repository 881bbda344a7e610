/**
 * The replies of the push scripts come from the push commands themselves (no LLEN or ZCARD
 * around them): across the 4,000-argument chunks they still answer the list's length and the
 * number of values that were new.
 */
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { runScript } from '../src/runtime/scripts.js';
import { callFor } from '../src/model/calls.js';
import { libraryClient, testClient } from './helpers/hooks.js';

class Pushed extends defineModel('PushReplies', { id: field.str({ key: true }), jobs: field.priorityQueue(field.str()), tags: field.list(field.str()) }) {}

describe('push replies', () => {
  it('pq/push answers the values that were new, a value given again in a later chunk counted once', async () => {
    const m = await new Pushed({ id: 'p' }).asave();
    await m.jobs.apush('v0', 1);
    const pairs: string[] = [];
    // 2,500 pairs (5,000 arguments: two chunks); v0 is stored already, v1..v9 come again in the second chunk
    for (let i = 0; i < 2500; i += 1) pairs.push(String(i), JSON.stringify(`v${i < 2490 ? i : i - 2490}`));
    const reply = await runScript(libraryClient(), callFor(Pushed as never, 'RedisPriorityQueue.apushMany', m.key, ['2', ...pairs]));
    expect(reply).to.equal(2489);
    expect(await testClient().zcard('PushReplies:{p}:jobs')).to.equal(2490);
  });

  it("list/append answers the list's length, over several chunks and with nothing to push", async () => {
    const m = await new Pushed({ id: 'l', tags: ['a'] }).asave();
    const items = Array.from({ length: 9000 }, (_v, i) => JSON.stringify(`t${i}`));
    expect(await runScript(libraryClient(), callFor(Pushed as never, 'RedisList.aextend', m.key, ['3', ...items]))).to.equal(9001);
    expect(await runScript(libraryClient(), callFor(Pushed as never, 'RedisList.aextend', m.key, ['3']))).to.equal(9001);
    expect(await m.tags.aappend('z')).to.equal(undefined);
    expect(await testClient().llen('PushReplies:{l}:tags')).to.equal(9002);
  });
});
