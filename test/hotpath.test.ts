/**
 * The hot paths keep their behaviour: bulk operations travel in chunked pipelines (all in
 * flight at once) and still answer in the caller's order, each call settled on its own.
 */
import { expect } from 'chai';
import { defineModel, field, KeyNotFound, CorruptedModelError } from '../src/index.js';
import { runScripts, PIPELINE_CHUNK, type ScriptCall } from '../src/runtime/scripts.js';
import { callFor } from '../src/model/calls.js';
import { libraryClient, testClient, testTopology } from './helpers/hooks.js';

class Hot extends defineModel('HotItem', { id: field.str({ key: true }), n: field.int({ default: 0 }) }, { ttl: 100 }) {}

describe('hot paths', () => {
  it('a bulk call of 250 travels in pipelines of at most PIPELINE_CHUNK calls, answers in order, each settled on its own', async () => {
    const client = libraryClient();
    const stored = await Hot.ainsert(...Array.from({ length: 125 }, (_v, i) => new Hot({ id: `hp-${i}`, n: i })));
    // every other call increments a model that is not stored: KEY_NOT_FOUND for that call only
    const calls: ScriptCall[] = Array.from({ length: 250 }, (_v, i) =>
      callFor(Hot as never, 'RedisInt.aincrease', i % 2 === 0 ? stored[i / 2]!.key : `HotItem:{missing-${i}}`, ['n', '1000', '0']),
    );
    const sizes: number[] = [];
    const original = client.pipeline.bind(client);
    (client as { pipeline: unknown }).pipeline = (...args: unknown[]) => {
      const p = (original as (...a: unknown[]) => ReturnType<typeof original>)(...args);
      const exec = p.exec.bind(p);
      p.exec = (() => {
        sizes.push(p.length);
        return exec();
      }) as typeof p.exec;
      return p;
    };
    let settled: Awaited<ReturnType<typeof runScripts>>;
    try {
      settled = await runScripts(client, calls);
    } finally {
      delete (client as { pipeline?: unknown }).pipeline;
    }
    expect(PIPELINE_CHUNK).to.equal(100);
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(250);
    expect(Math.max(...sizes)).to.be.at.most(PIPELINE_CHUNK);
    if (testTopology() === 'single') expect(sizes).to.deep.equal([100, 100, 50]);
    settled.forEach((s, i) => {
      if (i % 2 === 0) expect(s, `call ${i}`).to.deep.equal({ ok: true, value: String(i / 2 + 1000) });
      else expect(s.ok === false && s.error, `call ${i}`).to.be.instanceOf(KeyNotFound);
    });
  });

  it('afind of 250 keys answers in the order asked, with the stored values', async () => {
    const models = await Hot.ainsert(...Array.from({ length: 250 }, (_v, i) => new Hot({ id: `order-${i}`, n: i * 3 })));
    const keys = models.map((m) => m.key).reverse();
    const found = await Hot.afind(...keys);
    expect(found.map((m) => m.key)).to.deep.equal(keys);
    expect(found.map((m) => m.n.value)).to.deep.equal(keys.map((_k, i) => (249 - i) * 3));
  });
});

describe('model instances: fields as prototype accessors', () => {
  class Acc extends defineModel('HotAcc', {
    id: field.str({ key: true }),
    n: field.int({ default: 1 }),
    inner: field.model(defineModel('HotAccInner', { x: field.int({ default: 2 }) }), { default: () => ({ x: 2 }) }),
  }) {}

  it('each instance reads its own handles; a field cannot be replaced; fields enumerate', () => {
    const a = new Acc({ id: 'a', n: 5 });
    const b = new Acc({ id: 'b' });
    expect([a.n.value, b.n.value]).to.deep.equal([5, 1]);
    expect(a.n).to.equal(a.n); // the same handle every time
    expect(a.inner.x.value).to.equal(2);
    expect(() => {
      (a as unknown as Record<string, unknown>).n = 3;
    }).to.throw(TypeError);
    const names: string[] = [];
    for (const k in a) names.push(k);
    expect(names).to.include.members(['id', 'n', 'inner']);
    expect(a.toJSON()).to.deep.equal({ id: 'a', n: 5, inner: { x: 2 } });
  });
});

describe('model reads: the per-schema decoder', () => {
  it('a stored value that is not JSON, or does not validate, is a CorruptedModelError naming key and field; a missing one takes its default', async () => {
    const m = await new Hot({ id: 'dec', n: 4 }).asave();
    await testClient().hdel(m.key, 'n');
    expect((await Hot.aget('dec')).n.value).to.equal(0);
    await testClient().hset(m.key, 'n', '{oops');
    const e1 = await Hot.aget('dec').then(
      () => null,
      (e: unknown) => e,
    );
    expect(e1).to.be.instanceOf(CorruptedModelError);
    expect((e1 as Error).message).to.equal('HotItem:{dec} field "n": not JSON: "{oops"');
    await testClient().hset(m.key, 'n', '"x"');
    const e2 = await Hot.afind(m.key).then(
      () => null,
      (e: unknown) => e,
    );
    expect(e2).to.be.instanceOf(CorruptedModelError);
    expect((e2 as Error).message).to.match(/^HotItem:\{dec\} field "n": .*"\\"x\\""$/);
  });
});
