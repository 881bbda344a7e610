/**
 * The CLI's inspect, called in-process (README, CLI): it decodes each stored JSON text without
 * the model class and shows a text that is not JSON raw, listing where; a lock key (a string
 * holding the owner's token) is a key of the model too. An unparsable --url is a usage error.
 */
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { formatInspection, inspect } from '../src/cli/inspect.js';
import { CliError, connectionOptions } from '../src/cli/common.js';
import { testClient } from './helpers/hooks.js';

const Box = defineModel('CliInspectBox', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  tags: field.list(field.str()),
});

describe('rapyer-ts inspect (in-process)', () => {
  it('shows text that is not JSON raw and names where it was; a lock key is listed with its action', async () => {
    await new Box({ id: 'b', n: 3, tags: ['ok'] }).asave();
    const c = testClient();
    await c.hset('CliInspectBox:{b}', 'n', 'not json');
    await c.rpush('CliInspectBox:{b}:tags', '{broken');
    await c.set('CliInspectBox:{b}:lock:pay', 'token-123', 'PX', 60_000);
    await c.set('CliInspectBox:{b}:note', '{"a":1}');
    const r = await inspect(c, 'CliInspectBox:{b}', 100, 5000);
    const byKey = new Map(r.keys.map((k) => [k.key, k]));
    const main = byKey.get('CliInspectBox:{b}')!;
    expect(main.value).to.deep.equal({ id: 'b', n: 'not json' });
    expect(main.notJson).to.deep.equal(['n']);
    const tags = byKey.get('CliInspectBox:{b}:tags')!;
    expect(tags).to.include({ role: 'collection', path: 'tags', type: 'list', size: 2 });
    expect(tags.value).to.deep.equal(['ok', '{broken']);
    expect(tags.notJson).to.deep.equal(['[1]']);
    const lock = byKey.get('CliInspectBox:{b}:lock:pay')!;
    expect(lock).to.include({ role: 'lock', path: 'pay', type: 'string', size: null, value: 'token-123', truncated: false });
    expect(lock.notJson).to.deep.equal(['CliInspectBox:{b}:lock:pay']);
    expect(lock.ttlMs).to.be.within(50_000, 60_000);
    const note = byKey.get('CliInspectBox:{b}:note')!;
    expect(note.value).to.deep.equal({ a: 1 });
    expect(note.notJson).to.deep.equal([]);
    const text = formatInspection(r);
    expect(text).to.include('not JSON (shown raw): n');
    expect(text).to.include('lock pay (string):');
    expect(text).to.include('"token-123"');
  });

  it('inspects a model with indexed fields by its bucketed main key', async () => {
    const Indexed = defineModel('CliInspectIndexed', {
      id: field.str({ key: true }),
      n: field.int({ default: 0, index: true }),
      tags: field.list(field.str()),
    });
    const m = await new Indexed({ id: 'q', n: 4, tags: ['t'] }).asave();
    expect(m.key).to.match(/^CliInspectIndexed:\{CliInspectIndexed#\d+\}:\{q\}$/);
    const r = await inspect(testClient(), m.key, 100, 5000);
    expect(r).to.include({ model: 'CliInspectIndexed', pk: 'q' });
    const byKey = new Map(r.keys.map((k) => [k.key, k]));
    expect(byKey.get(m.key)!.value).to.deep.equal({ id: 'q', n: 4 });
    expect(byKey.get(`${m.key}:tags`)!.value).to.deep.equal(['t']);
  });

  for (const url of ['::::', 'redis://[bad', 'not a url']) {
    it(`an unparsable --url ${JSON.stringify(url)} is a usage error (code 2) naming it`, () => {
      let error: unknown = null;
      try {
        connectionOptions('inspect', url, 1000);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(CliError);
      expect((error as CliError).code).to.equal(2);
      expect((error as CliError).message).to.equal(`invalid --url ${JSON.stringify(url)}: expected redis://host:port`);
    });
  }
});
