/**
 * init({ redis, ttl, models }) (README, Models and fields): `ttl` is a default for the given
 * models that did not set one; a model that set its own keeps it; a later init may change the
 * default again. Every init here is given the run's own client, so the root hooks' binding stays.
 */
import { expect } from 'chai';
import { defineModel, field, init } from '../src/index.js';
import { libraryClient, testClient } from './helpers/hooks.js';

const Plain = defineModel('InitTtlPlain', { id: field.str({ key: true }) });
const Own = defineModel('InitTtlOwn', { id: field.str({ key: true }) }, { ttl: 1000 });
const Untouched = defineModel('InitTtlUntouched', { id: field.str({ key: true }) });

describe('init with ttl and models', () => {
  it('gives its ttl to the listed models without their own, a later init replaces it, a ttl of their own is kept', async () => {
    try {
      await init({ redis: libraryClient(), models: [Plain, Own], ttl: 60 });
      expect(Plain.Meta.ttl).to.equal(60);
      expect(Own.Meta.ttl).to.equal(1000);
      expect(Untouched.Meta.ttl, 'a model not listed is left alone').to.equal(null);
      await new Plain({ id: 'a' }).asave();
      await new Own({ id: 'a' }).asave();
      await new Untouched({ id: 'a' }).asave();
      const c = testClient();
      expect(await c.ttl('InitTtlPlain:{a}')).to.be.within(55, 60);
      expect(await c.ttl('InitTtlOwn:{a}')).to.be.within(990, 1000);
      expect(await c.ttl('InitTtlUntouched:{a}')).to.equal(-1);

      await init({ redis: libraryClient(), models: [Plain, Own], ttl: 120 });
      expect(Plain.Meta.ttl, 'the ttl from init stays a default').to.equal(120);
      expect(Own.Meta.ttl).to.equal(1000);
      await new Plain({ id: 'b' }).asave();
      expect(await c.ttl('InitTtlPlain:{b}')).to.be.within(115, 120);

      Plain.Meta.ttl = 30; // set by the user: a later init leaves it
      await init({ redis: libraryClient(), models: [Plain], ttl: 500 });
      expect(Plain.Meta.ttl).to.equal(30);
    } finally {
      await init({ redis: libraryClient() });
    }
  });
});
