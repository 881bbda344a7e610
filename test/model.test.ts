import { expect } from 'chai';
import { defineModel, field, ActionGroup } from '../src/index.js';

const Addr = defineModel('RoundTripAddr', { city: field.str(), zip: field.str({ optional: true }) });
class S extends defineModel(
  'RoundTrip',
  {
    userId: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    score: field.float({ default: 0 }),
    active: field.bool({ default: true }),
    avatar: field.bytes({ optional: true }),
    lastSeen: field.datetime({ optional: true }),
    extra: field.json({ optional: true }),
    color: field.enum(['red', 'blue'] as const, { default: 'red' }),
    address: field.model(Addr),
  },
  { ttl: 100, refreshTtl: ActionGroup.UPDATE },
) {}

describe('model round trip', () => {
  it('saves and loads', async () => {
    const s = new S({ userId: 'u1', address: { city: 'Paris' }, avatar: new Uint8Array([1, 2]), lastSeen: new Date(5) });
    await s.asave();

    const t = await S.aget('u1');
    expect(t.toJSON()).to.deep.equal(s.toJSON());
    expect(await t.visits.aincrease(5)).to.equal(5);
    expect(await t.score.aincrease(0.1)).to.equal(0.1);
    const _d = await t.aduplicate();

    await t.aupdate({ visits: 3, address: { city: 'Lyon' } });

    expect(await t.adelete()).to.equal(true);
  });
});
