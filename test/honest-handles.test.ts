/**
 * Collections are honest handles: every mutating member of RedisList, RedisDict and RedisSet
 * either validates and behaves like the other sync methods (changes the local copy; inside a
 * pipeline, queues its script) or is refused with UnsupportedArgumentError and changes nothing;
 * aremove answers from the stored state, inside a pipeline too (docs/collections.md).
 */
import { expect } from 'chai';
import { defineModel, field, RedisList, RedisDict, RedisSet, KeyError, UnsupportedArgumentError, ValidationError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

class H extends defineModel('Honest', {
  id: field.str({ key: true }),
  tags: field.list(field.str()),
  attrs: field.dict(field.int()),
  seen: field.set(field.int()),
  jobs: field.priorityQueue(field.str()),
}) {}

const TAGS = 'Honest:{h1}:tags';
const ATTRS = 'Honest:{h1}:attrs';
const SEEN = 'Honest:{h1}:seen';

async function saved(): Promise<H> {
  const m = new H({ id: 'h1', tags: ['a', 'b', 'c'], attrs: { a: 1, b: 2 }, seen: [1, 2] });
  await m.asave();
  return m;
}

const storedTags = async () => (await testClient().lrange(TAGS, 0, -1)).map((s) => JSON.parse(s) as unknown);
const storedAttrs = async () => Object.fromEntries(Object.entries(await testClient().hgetall(ATTRS)).map(([k, v]) => [k, JSON.parse(v) as unknown]));

/** Runs `fn`, expects UnsupportedArgumentError naming the model key, the field and `member`. */
function expectRefused(fn: () => unknown, member: RegExp): void {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `expected UnsupportedArgumentError for ${member}`).to.be.instanceOf(UnsupportedArgumentError);
  const message = (error as Error).message;
  expect(message).to.include('Honest:{h1}');
  expect(message).to.match(/tags/);
  expect(message).to.match(member);
  expect(message).to.match(/use |store it|must stay writable/);
}

/** Every refused RedisList member, each as a call and the name its error must give. */
function refusedListMembers(list: RedisList<string>): [() => unknown, RegExp][] {
  const loose = list as unknown as Record<string, unknown> & string[];
  return [
    [() => list.splice(0, 1), /splice\(\)/],
    [() => list.splice(1, 0, 'x'), /splice\(\)/],
    [() => list.sort(), /sort\(\)/],
    [() => list.reverse(), /reverse\(\)/],
    [() => list.fill('z'), /fill\(\)/],
    [() => list.copyWithin(0, 1), /copyWithin\(\)/],
    [
      () => {
        delete loose[0];
      },
      /delete list\[0\]/,
    ],
    [() => Object.defineProperty(list, 0, { value: 'z' }), /defineProperty\(list, "0"\)/],
    [() => Object.defineProperty(list, 'length', { value: 1 }), /defineProperty\(list, "length"\)/],
    [
      () => {
        loose[-1] = 'z';
      },
      /list\[-1\] = x.*setItem\(-1, x\)/,
    ],
    [() => Object.freeze(list), /preventExtensions \/ seal \/ freeze/],
    [() => Object.seal(list), /preventExtensions \/ seal \/ freeze/],
    [
      () => {
        list.length = 5;
      },
      /list\.length = 5/,
    ],
  ];
}

describe('honest collection handles', () => {
  describe('RedisList: still an Array', () => {
    it('is an Array (isArray, instanceof, species, spread, JSON, deep equality, for…of, keys)', () => {
      const m = new H({ id: 'h1', tags: ['a', 'b'] });
      const t = m.tags;
      expect(Array.isArray(t)).to.equal(true);
      expect(t).to.be.instanceOf(RedisList).and.instanceOf(Array);
      expect(t.map((x) => x.toUpperCase())).to.deep.equal(['A', 'B']);
      expect(t.slice(1)).not.to.be.instanceOf(RedisList);
      expect(t.filter(() => true).constructor).to.equal(Array);
      expect([...t]).to.deep.equal(['a', 'b']);
      expect(JSON.stringify(t)).to.equal('["a","b"]');
      expect(JSON.stringify(m)).to.include('"tags":["a","b"]');
      expect(t).to.deep.equal(['a', 'b']);
      const seen: string[] = [];
      for (const x of t) seen.push(x);
      expect(seen).to.deep.equal(['a', 'b']);
      expect(Object.keys(t)).to.deep.equal(['0', '1']);
      expect(t.path).to.equal('tags');
      (t as unknown as Record<string, unknown>).note = 'own property';
      expect((t as unknown as Record<string, unknown>).note).to.equal('own property');
    });
  });

  describe('RedisList: mutators that validate and queue', () => {
    it('outside a pipeline: list[i] = x is setItem (checked, KeyError out of range), list[length] = x append; local only', async () => {
      const m = await saved();
      m.tags[1] = 'B';
      expect([...m.tags]).to.deep.equal(['a', 'B', 'c']);
      expect(() => {
        (m.tags as unknown as unknown[])[0] = 5;
      }).to.throw(ValidationError, /tags\[0\]/);
      expect(() => {
        m.tags[4] = 'd';
      }).to.throw(KeyError, /index 4 out of range/);
      expect([...m.tags]).to.deep.equal(['a', 'B', 'c']);
      m.tags[m.tags.length] = 'd'; // the Array idiom for push: append
      expect(() => {
        m.tags[m.tags.length] = 7 as never;
      }).to.throw(ValidationError, /tags\[4\]/);
      expect([...m.tags]).to.deep.equal(['a', 'B', 'c', 'd']);
      expect(await storedTags()).to.deep.equal(['a', 'b', 'c']);
    });

    it('outside a pipeline: push, unshift, pop, shift and length = n change the local copy, checked', async () => {
      const m = await saved();
      expect(m.tags.push('d', 'e')).to.equal(5);
      expect(() => m.tags.push('ok', 5 as never)).to.throw(ValidationError, /tags\[1\]/);
      expect(m.tags.unshift('u0', 'u1')).to.equal(7);
      expect(() => m.tags.unshift(null as never)).to.throw(ValidationError, /tags\[0\]/);
      expect([...m.tags]).to.deep.equal(['u0', 'u1', 'a', 'b', 'c', 'd', 'e']);
      expect(m.tags.pop()).to.equal('e');
      expect(m.tags.shift()).to.equal('u0');
      m.tags.length = 3;
      expect([...m.tags]).to.deep.equal(['u1', 'a', 'b']);
      expect(() => {
        (m.tags as unknown as { length: unknown }).length = -1;
      }).to.throw(ValidationError, /length/);
      expect(() => {
        m.tags.length = 1.5;
      }).to.throw(ValidationError, /length/);
      expect([...m.tags]).to.deep.equal(['u1', 'a', 'b']);
      expect(await storedTags()).to.deep.equal(['a', 'b', 'c']);
      m.tags.length = 0;
      expect(m.tags.pop()).to.equal(undefined);
      expect(m.tags.shift()).to.equal(undefined);
    });

    it('inside a pipeline each one queues its script: Redis ends equal to the local copy', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        p.tags[0] = 'A';
        p.tags[p.tags.length] = 'w';
        p.tags.length = 3;
        expect(p.tags.push('x', 'y')).to.equal(5);
        expect(p.tags.unshift('u0', 'u1')).to.equal(7);
        expect(p.tags.pop()).to.equal('y');
        expect(p.tags.shift()).to.equal('u0');
        p.tags.length = 4;
        p.tags.length = 4; // no change: nothing queued
      });
      expect([...m.tags]).to.deep.equal(['u1', 'A', 'b', 'c']);
      expect(await storedTags()).to.deep.equal(['u1', 'A', 'b', 'c']);
    });

    it('Array.prototype mutators called directly go through the same checks', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        Array.prototype.push.call(p.tags, 'd');
        expect(() => Array.prototype.push.call(p.tags, 7)).to.throw(ValidationError);
      });
      expect(await storedTags()).to.deep.equal(['a', 'b', 'c', 'd']);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c', 'd']);
    });
  });

  describe('RedisList: refused mutators', () => {
    it('throw UnsupportedArgumentError naming the key, the field and the member, and change nothing', async () => {
      const m = await saved();
      for (const [fn, member] of refusedListMembers(m.tags)) expectRefused(fn, member);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c']);
      expect(m.tags.length).to.equal(3);
      expect(Object.isExtensible(m.tags)).to.equal(true);
      m.tags.append('d'); // still writable after the refused freeze
      expect(await storedTags()).to.deep.equal(['a', 'b', 'c']);
    });

    it('inside a pipeline they queue nothing', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        for (const [fn, member] of refusedListMembers(p.tags)) expectRefused(fn, member);
        p.tags.append('d');
      });
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c', 'd']);
      expect(await storedTags()).to.deep.equal(['a', 'b', 'c', 'd']);
    });
  });

  describe('RedisDict: set and delete', () => {
    it('outside a pipeline: set is checked, delete answers from the local copy; both local only', async () => {
      const m = await saved();
      expect(m.attrs.set('c', 3)).to.equal(m.attrs);
      expect(() => m.attrs.set('d', 'four' as never)).to.throw(ValidationError, /attrs\["d"\]/);
      expect(m.attrs.delete('a')).to.equal(true);
      expect(m.attrs.delete('ghost')).to.equal(false);
      expect(m.attrs.delete(5 as never)).to.equal(false);
      expect(Object.fromEntries(m.attrs)).to.deep.equal({ b: 2, c: 3 });
      expect(await storedAttrs()).to.deep.equal({ a: 1, b: 2 });
    });

    it('inside a pipeline set queues setItem and delete queues a removal, absent or not in Redis', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        p.attrs.set('c', 3);
        expect(() => p.attrs.set('d', 'four' as never)).to.throw(ValidationError);
        expect(p.attrs.delete('a')).to.equal(true);
        await testClient().hdel(ATTRS, 'b'); // gone from Redis, still in the local copy
        expect(p.attrs.delete('b')).to.equal(true);
        expect(p.attrs.delete('ghost')).to.equal(false); // in neither: no error either
        expect(p.attrs.delete('\uD800' as string)).to.equal(false); // cannot be stored: nothing queued
      });
      expect(Object.fromEntries(m.attrs)).to.deep.equal({ c: 3 });
      expect(await storedAttrs()).to.deep.equal({ c: 3 });
    });

    it('a key only Redis has is removed by delete inside a pipeline (false: the local copy had none)', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        await testClient().hset(ATTRS, 'late', '9');
        expect(p.attrs.delete('late')).to.equal(false);
      });
      expect(await storedAttrs()).to.deep.equal({ a: 1, b: 2 });
    });

    it('adelItem still throws KeyError for a key Redis does not have', async () => {
      const m = await saved();
      let error: unknown = null;
      try {
        await m.attrs.adelItem('ghost');
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(KeyError);
    });
  });

  describe("every mutator of Array, Map and Set is the handle's own", () => {
    it('RedisList, RedisDict and RedisSet override each mutating member of their base class', () => {
      const own = (proto: object, names: string[]) => names.filter((n) => !Object.hasOwn(proto, n));
      expect(own(RedisList.prototype, ['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'])).to.deep.equal([]);
      expect(own(RedisDict.prototype, ['set', 'delete', 'clear'])).to.deep.equal([]);
      expect(own(RedisSet.prototype, ['add', 'delete', 'clear'])).to.deep.equal([]);
      const mutatorsOf = (proto: object, readers: string[]) => Object.getOwnPropertyNames(proto).filter((n) => !readers.includes(n));
      // Any Map or Set member beyond these (a mutator added by a newer Node) needs a decision.
      expect(mutatorsOf(Map.prototype, ['constructor', 'get', 'has', 'entries', 'forEach', 'keys', 'size', 'values'])).to.deep.equal([
        'set',
        'delete',
        'clear',
      ]);
      const setReaders = [
        'constructor',
        'has',
        'entries',
        'forEach',
        'keys',
        'size',
        'values',
        'union',
        'intersection',
        'difference',
        'symmetricDifference',
        'isSubsetOf',
        'isSupersetOf',
        'isDisjointFrom',
      ];
      expect(mutatorsOf(Set.prototype, setReaders)).to.deep.equal(['add', 'delete', 'clear']);
    });
  });

  describe('aremove answers from the stored state, inside a pipeline too', () => {
    it('RedisSet.aremove runs at once: false when only the local copy had it, true when only Redis had it', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        await testClient().srem(SEEN, '1'); // Redis lost 1; the local copy still has it
        await testClient().sadd(SEEN, '7'); // Redis has 7; the local copy does not
        expect(await p.seen.aremove(1)).to.equal(false);
        expect(await p.seen.aremove(7)).to.equal(true);
        expect(await testClient().sismember(SEEN, '7')).to.equal(0); // already applied
        expect(p.seen.has(1)).to.equal(false);
      });
      expect((await testClient().smembers(SEEN)).sort()).to.deep.equal(['2']);
      expect([...m.seen]).to.deep.equal([2]);
    });

    it('RedisPriorityQueue.aremove runs at once: true only when the stored queue had the value', async () => {
      const m = await saved();
      await m.jobs.apush('ship', 1);
      await m.apipeline(async (p) => {
        expect(await p.jobs.aremove('ghost')).to.equal(false);
        expect(await p.jobs.aremove('ship')).to.equal(true);
        expect(await testClient().zcard('Honest:{h1}:jobs')).to.equal(0); // already applied
        expect(await p.jobs.aremove('ship')).to.equal(false);
      });
      expect(await m.jobs.aitems()).to.deep.equal([]);
    });
  });
});
