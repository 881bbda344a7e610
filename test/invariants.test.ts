/**
 * The invariant checker (test/helpers/invariants.ts) finds what it must: a key without a TTL,
 * a TTL above the model's, a foreign key under a model's hash tag, an orphan collection key, a
 * collection key of the wrong type, a lock without a lease; and nothing on a healthy store.
 */
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { checkInvariants } from './helpers/invariants.js';
import { testClient } from './helpers/hooks.js';

class Inv extends defineModel(
  'InvModel',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    tags: field.list(field.str()),
    seen: field.set(field.int()),
  },
  { ttl: 60 },
) {}

class InvNoTtl extends defineModel('InvNoTtl', { id: field.str({ key: true }), tags: field.list(field.str()) }) {}

describe('the invariant checker', () => {
  it('finds nothing on a healthy store, locks held included', async () => {
    const m = await new Inv({ id: 'a', tags: ['x'], seen: [1] }).asave();
    await new InvNoTtl({ id: 'a', tags: ['y'] }).asave();
    await m.alock('job', {}, async () => {
      expect(await checkInvariants(testClient(), Inv)).to.deep.equal([]);
    });
    expect(await checkInvariants(testClient(), Inv)).to.deep.equal([]);
    expect(await checkInvariants(testClient(), InvNoTtl)).to.deep.equal([]);
  });

  it('reports every kind of violation', async () => {
    await new Inv({ id: 'a', tags: ['x'], seen: [1] }).asave();
    const r = testClient();
    await r.persist('InvModel:{a}:tags'); // no TTL
    await r.pexpire('InvModel:{a}:seen', 3_600_000); // above ttl
    await r.set('InvModel:{a}:junk', '1', 'PX', 1000); // foreign
    await r.rpush('InvModel:{gone}:tags', '"x"'); // orphan, and no TTL
    await r.set('InvModel:{b}', 'x', 'PX', 1000); // main key of the wrong type
    await r.set('InvModel:{a}:lock:job', 'token'); // a lock without a lease
    const found = (await checkInvariants(r, Inv)).map((v) => v.replace(/PTTL \d{4,} ms/, 'PTTL N ms')).sort();
    expect(found).to.deep.equal(
      [
        'InvModel:{a}:junk: a key the model InvModel:{a} does not own',
        'InvModel:{a}:lock:job: a lock key without a lease (PTTL -1)',
        "InvModel:{a}:seen: PTTL N ms is greater than the model's ttl (60000 ms)",
        'InvModel:{a}:tags: no TTL, but InvModel has ttl 60s',
        'InvModel:{b}: type string, expected hash',
        'InvModel:{gone}:tags: a collection key whose model InvModel:{gone} is not stored (orphan)',
        'InvModel:{gone}:tags: no TTL, but InvModel has ttl 60s',
      ].sort(),
    );
  });
});
