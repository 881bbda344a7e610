/**
 * Collection fields at definition and construction (README, Models and fields): a given default
 * (value or factory) is each model's own copy; a priority queue has no local value, so neither a
 * default nor a constructor value; bad definitions are refused naming the builder.
 */
import { expect } from 'chai';
import { defineModel, field, ValidationError } from '../src/index.js';
import { allKeys, testClient } from './helpers/hooks.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

const Holder = defineModel('CollDefHolder', {
  id: field.str({ key: true }),
  tags: field.list(field.str(), { default: ['a', 'b'] }),
  seen: field.set(field.int(), { default: [1, 2] }),
  extra: field.dict(field.int(), { default: { k: 1 } }),
  queue: field.priorityQueue(field.str()),
});

describe('collection defaults and definitions', () => {
  it('a default value is each model’s own copy: changing one model leaves the next default alone', async () => {
    const one = new Holder({ id: 'one' });
    expect(one.tags.toJSON()).to.deep.equal(['a', 'b']);
    expect(one.seen.toJSON()).to.deep.equal([1, 2]);
    expect(one.extra.toJSON()).to.deep.equal({ k: 1 });
    one.tags.append('c');
    one.seen.add(3);
    one.extra.set('z', 9);
    const two = new Holder({ id: 'two' });
    expect(two.tags.toJSON()).to.deep.equal(['a', 'b']);
    expect(two.seen.toJSON()).to.deep.equal([1, 2]);
    expect(two.extra.toJSON()).to.deep.equal({ k: 1 });
    await two.asave();
    expect(await testClient().lrange('CollDefHolder:{two}:tags', 0, -1)).to.deep.equal(['"a"', '"b"']);
    expect((await testClient().smembers('CollDefHolder:{two}:seen')).sort()).to.deep.equal(['1', '2']);
    expect(await testClient().hgetall('CollDefHolder:{two}:extra')).to.deep.equal({ k: '1' });
  });

  it('a priority queue refuses a constructor value', () => {
    const e = thrown(() => new Holder({ id: 'q', queue: ['x'] } as never));
    expect(e).to.be.instanceOf(ValidationError);
    expect(e.message).to.include('queue').and.include('a priority queue holds no local value');
  });

  it('asave writes no key for the queue, and the queue stays a proxy to Redis', async () => {
    const h = await new Holder({ id: 'pq' }).asave();
    expect((await allKeys('CollDefHolder:{pq}*')).sort()).to.deep.equal([
      'CollDefHolder:{pq}',
      'CollDefHolder:{pq}:extra',
      'CollDefHolder:{pq}:seen',
      'CollDefHolder:{pq}:tags',
    ]);
    await h.queue.apush('job', 2);
    expect(h.queue.toJSON()).to.equal(undefined);
    expect(await h.queue.aitems()).to.deep.equal([{ value: 'job', priority: 2 }]);
  });

  it('refuses bad collection definitions, naming the builder', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => field.list(field.str(), { optional: true } as never), /field\.list: option optional is not supported/],
      [() => field.dict(field.str(), { key: true } as never), /field\.dict: option key is not supported/],
      [() => field.set(field.list(field.str()) as never), /field\.set: the inner field must be a scalar field/],
      [() => field.list({ kind: 'str' } as never), /field\.list: the inner field must be a scalar field/],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      expect(e).to.be.instanceOf(ValidationError);
      expect(e.message).to.match(message);
    }
  });

  it('a dict accepts an object without prototype as its value', async () => {
    const bare = Object.assign(Object.create(null) as Record<string, number>, { a: 1, b: 2 });
    const h = await new Holder({ id: 'bare', extra: bare }).asave();
    expect(h.extra.toJSON()).to.deep.equal({ a: 1, b: 2 });
    expect(await testClient().hgetall('CollDefHolder:{bare}:extra')).to.deep.equal({ a: '1', b: '2' });
  });
});
