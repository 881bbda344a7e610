/**
 * Size limits: a value too large for Redis or V8 is refused before anything changes, and a
 * caller-sized list of items (20,000 and more) either works or is refused typed, never a raw
 * error (`too many results to unpack`, a V8 stack overflow).
 */
import { expect } from 'chai';
import { ReplyError } from 'ioredis';
import { ValidationError, defineModel, field } from '../src/index.js';
import { callFor } from '../src/model/base.js';
import { runScript } from '../src/runtime/scripts.js';
import { libraryClient, testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class LimT extends defineModel('LimT', {
  id: field.str({ key: true }),
  s: field.str({ default: '' }),
  tags: field.list(field.str()),
  qty: field.dict(field.int()),
  members: field.set(field.str()),
  jobs: field.priorityQueue(field.str()),
}) {}

const MAIN = 'LimT:{l1}';
const BIG = 20_000;
const items = (n: number, p = 'i') => Array.from({ length: n }, (_v, i) => `${p}${i}`);

/** Runs str/op directly (as a pipeline would send it, past the TypeScript checks). */
const strOp = (count: string) => runScript(libraryClient(), callFor(LimT, 'RedisStr.imul', MAIN, ['s', 'mul', count, '""']));

describe('limits', function () {
  this.timeout(60_000);

  describe('RedisStr.imul / iadd', () => {
    it("a result past V8's longest string is ValidationError naming model, field and n; nothing changes", async () => {
      const m = await new LimT({ id: 'l1', s: 'ab' }).asave();
      const e = await expectReject(
        Promise.resolve().then(() => m.s.imul(2 ** 28)),
        ValidationError,
        /LimT:\{l1\} field "s": imul\(268435456\)/,
      );
      expect(e.message).to.match(/536870914 bytes/);
      expect(m.s.value).to.equal('ab');
      await expectReject(
        m.apipeline(async (q) => {
          q.s.imul(2 ** 28);
        }),
        ValidationError,
        /imul\(268435456\)/,
      );
      expect(await testClient().hget(MAIN, 's')).to.equal('"ab"');
    });

    it('a result past 512 MiB in UTF-8 (fewer characters) is refused too, before repeating', async () => {
      const m = new LimT({ id: 'l1', s: 'é' }); // 2 bytes, 1 character
      await expectReject(
        Promise.resolve().then(() => m.s.imul(2 ** 28)),
        ValidationError,
        /imul\(268435456\).*536870914 bytes \(268435458 characters\)/,
      );
      expect(m.s.value).to.equal('é');
      expect(m.s.imul(3).value).to.equal('ééé');
    });

    it("iadd past V8's longest string is ValidationError, not a RangeError", async () => {
      const m = new LimT({ id: 'l1', s: 'x'.repeat(2 ** 28) });
      await expectReject(
        Promise.resolve().then(() => m.s.iadd('y'.repeat(2 ** 28))),
        ValidationError,
        /LimT:\{l1\} field "s": iadd/,
      );
      expect(m.s.value.length).to.equal(2 ** 28);
    });

    it('the script refuses a count it cannot apply exactly (past 2^31-1, not an integer), writing nothing', async () => {
      await new LimT({ id: 'l1', s: 'ab' }).asave();
      for (const count of [String(2 ** 32 + 3), '1.5', '-1']) {
        const e = await expectReject(strOp(count), ValidationError, /LimT:\{l1\} s imul/);
        expect(e.cause).to.be.instanceOf(ReplyError);
      }
      expect(await testClient().hget(MAIN, 's')).to.equal('"ab"');
    });

    it('the script refuses a result past 512 MiB before building it, writing nothing', async () => {
      await new LimT({ id: 'l1', s: 'abc' }).asave();
      await expectReject(strOp(String(2 ** 28)), ValidationError, /805306370 bytes, over the limit of 536870912/);
      expect(await testClient().hget(MAIN, 's')).to.equal('"abc"');
      expect(await strOp('2')).to.equal('"abcabc"');
      await testClient().hset(MAIN, 's', '""');
      expect(await strOp(String(2 ** 40))).to.equal('""'); // an empty text repeats exactly
    });
  });

  describe(`${BIG.toLocaleString('en')} items and more`, () => {
    it('RedisList.aextend (and 250,000 items, past the V8 argument limit) and a pipelined extend', async () => {
      const m = await new LimT({ id: 'l1' }).asave();
      await m.tags.aextend(items(BIG));
      expect(await testClient().llen(`${MAIN}:tags`)).to.equal(BIG);
      await m.tags.aextend(items(250_000, 'j'));
      expect(await testClient().llen(`${MAIN}:tags`)).to.equal(BIG + 250_000);
      await m.apipeline(async (q) => {
        q.tags.extend(items(BIG, 'k'));
      });
      expect(await testClient().llen(`${MAIN}:tags`)).to.equal(2 * BIG + 250_000);
      expect(m.tags.length).to.equal(2 * BIG + 250_000);
      expect(await testClient().lindex(`${MAIN}:tags`, -1)).to.equal(JSON.stringify(`k${BIG - 1}`));
    });

    it('RedisDict.aupdate and a pipelined update', async () => {
      const m = await new LimT({ id: 'l1' }).asave();
      await m.qty.aupdate(Object.fromEntries(items(BIG).map((k, i) => [k, i])));
      expect(await testClient().hlen(`${MAIN}:qty`)).to.equal(BIG);
      await m.apipeline(async (q) => {
        q.qty.update(Object.fromEntries(items(BIG, 'k').map((k, i) => [k, i])));
      });
      expect(await testClient().hlen(`${MAIN}:qty`)).to.equal(2 * BIG);
      expect(await testClient().hget(`${MAIN}:qty`, `k${BIG - 1}`)).to.equal(String(BIG - 1));
    });

    it('RedisPriorityQueue.apushMany', async () => {
      const m = await new LimT({ id: 'l1' }).asave();
      await m.jobs.apushMany(items(BIG).map((value, i) => ({ value, priority: BIG - i })));
      expect(await m.jobs.asize()).to.equal(BIG);
      expect(await m.jobs.apeek()).to.equal(`i${BIG - 1}`);
    });

    it('RedisSet: a pipeline of adds, and the field asave', async () => {
      const m = await new LimT({ id: 'l1' }).asave();
      await m.apipeline(async (q) => {
        for (const x of items(BIG)) q.members.add(x);
      });
      expect(await testClient().scard(`${MAIN}:members`)).to.equal(BIG);
      for (const x of items(BIG, 'k')) m.members.add(x);
      await m.members.asave();
      expect(await testClient().scard(`${MAIN}:members`)).to.equal(2 * BIG);
    });

    it('asave of a model with big collections, read back whole', async () => {
      const m = new LimT({
        id: 'l1',
        tags: items(BIG),
        members: items(BIG, 's'),
        qty: Object.fromEntries(items(BIG, 'q').map((k, i) => [k, i])),
      });
      await m.asave();
      const back = await LimT.aget('l1');
      expect(back.tags.length).to.equal(BIG);
      expect(back.members.size).to.equal(BIG);
      expect(back.qty.size).to.equal(BIG);
      expect(back.qty.get(`q${BIG - 1}`)).to.equal(BIG - 1);
    });

    it(`aduplicateMany(${BIG})`, async () => {
      const m = await new LimT({ id: 'l1', tags: ['a'] }).asave();
      const copies = await m.aduplicateMany(BIG);
      expect(copies).to.have.length(BIG);
      expect(new Set(copies.map((c) => c.key)).size).to.equal(BIG);
      const last = copies[BIG - 1]!;
      expect([...(await LimT.aget(last.key)).tags]).to.deep.equal(['a']);
    });
  });
});
