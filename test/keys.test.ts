/**
 * The key scheme (README, Storage layout): model names and pks that would break `Name:{pk}` are
 * refused before anything is sent; generated ids sort by creation time and are unique; a class
 * scan escapes glob characters of the client's keyPrefix.
 */
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import { defineModel, field, ValidationError } from '../src/index.js';
import { testServer, testTopology } from './helpers/hooks.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

const Plain = defineModel('KeysPlain', { n: field.int({ default: 0 }) });
const Keyed = defineModel('KeysKeyed', { id: field.str({ key: true }) });

describe('the key scheme', () => {
  for (const bad of ['a:b', 'x{y}', 'x}', '1abc', 'has space', 'glob*', 'q?', '']) {
    it(`refuses the model name ${JSON.stringify(bad)} with ValidationError naming it`, () => {
      const e = thrown(() => defineModel(bad, { n: field.int() }));
      expect(e).to.be.instanceOf(ValidationError);
      expect((e as Error).message).to.include(JSON.stringify(bad).slice(1, -1));
    });
  }

  it('accepts names with dots, dashes and underscores', () => {
    const M = defineModel('_Keys.ok-name_1', { n: field.int({ default: 0 }) });
    expect(new M({}).key).to.match(/^_Keys\.ok-name_1:\{.+\}$/);
  });

  for (const bad of ['', 'a{b', 'b}', '\uD800', 'x\uDFFFy']) {
    it(`refuses the pk ${JSON.stringify(bad)} before sending (aget and the constructor)`, async () => {
      let error: unknown = null;
      try {
        await Plain.aget(bad);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as Error).message).to.match(/^KeysPlain: pk /);
      expect(thrown(() => new Keyed({ id: bad }))).to.be.instanceOf(ValidationError);
    });
  }

  it('gives new models 26-character Crockford ids that sort by creation and never repeat', () => {
    const pks = Array.from({ length: 3000 }, () => new Plain({}).pk);
    for (const pk of pks) expect(pk).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(pks).size).to.equal(pks.length);
    const sorted = [...pks].sort();
    expect(sorted).to.deep.equal(pks);
  });

  it('afindKeys with a keyPrefix holding glob characters finds only its own keys', async () => {
    const prefix = 'cov*[k]?:';
    const other = 'covXk!:'; // would match the prefix read as a glob
    const { host, port, url } = testServer();
    const cluster = testTopology() === 'cluster';
    const client = cluster ? new Cluster([{ host, port }], { keyPrefix: prefix }) : new Redis(url, { keyPrefix: prefix });
    const raw = cluster ? new Cluster([{ host, port }]) : new Redis(url);
    const M = defineModel('KeysGlob', { id: field.str({ key: true }), n: field.int({ default: 0 }) }, { redis: client });
    try {
      await new M({ id: 'mine', n: 1 }).asave();
      await raw.hset(`${other}KeysGlob:{theirs}`, 'n', '1');
      expect(await raw.exists(`${prefix}KeysGlob:{mine}`)).to.equal(1);
      expect(await M.afindKeys()).to.deep.equal(['KeysGlob:{mine}']);
      expect((await M.afind()).map((m) => m.pk)).to.deep.equal(['mine']);
    } finally {
      client.disconnect();
      raw.disconnect();
    }
  });

  it('afindKeys({ maxResults }) stops a scan of many pages at exactly maxResults stored keys', async function () {
    this.timeout(20_000);
    const Many = defineModel('KeysMany', { id: field.str({ key: true }) });
    const models = Array.from({ length: 2500 }, (_x, i) => new Many({ id: `m${i}` }));
    await Many.ainsert(...models);
    const all = new Set(models.map((m) => m.key));
    for (const max of [1, 10, 1500]) {
      const keys = await Many.afindKeys({ maxResults: max });
      expect(keys).to.have.length(max);
      expect(new Set(keys).size).to.equal(max);
      for (const k of keys) expect(all.has(k), k).to.equal(true);
    }
    expect((await Many.afindKeys()).length).to.equal(2500);
    expect(await Many.afindKeys({ maxResults: 0 })).to.deep.equal([]);
  });
});
