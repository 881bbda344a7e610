/**
 * README, Queries: indexed fields of nested models (`where: { address: { city } }`, orderBy a
 * nested field, two levels deep, writes through the nested handles), and bad queries: a
 * ValidationError naming the model, the field and the value, before anything is sent (no
 * command reaches Redis). Both topologies.
 */
import { expect } from 'chai';
import { defineModel, field, ValidationError } from '../src/index.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { testClient, testServer } from './helpers/hooks.js';
import { byBytes, expectIndexExact } from './helpers/index-check.js';
import { expectReject } from './helpers/reject.js';
import { countCommands } from './helpers/server.js';

const Geo = defineModel('QnGeo', { lat: field.float({ optional: true, index: true }), label: field.str({ default: '' }) });
const Addr = defineModel('QnAddr', {
  city: field.str({ default: '', index: true }),
  zip: field.str({ default: '' }),
  floor: field.int({ default: 0, index: true }),
  geo: field.model(Geo, { default: () => ({ lat: null, label: '' }) }),
});
const Plain = defineModel('QnPlain', { note: field.str({ default: '' }) });
class Person extends defineModel('QnPerson', {
  id: field.str({ key: true }),
  name: field.str({ default: '', index: true }),
  active: field.bool({ default: true, index: true }),
  role: field.enum(['x', 'y'] as const, { default: 'x', index: true }),
  note: field.str({ default: '' }),
  address: field.model(Addr, { default: () => ({ city: '', zip: '', floor: 0, geo: { lat: null, label: '' } }) }),
  extra: field.model(Plain, { default: () => ({ note: '' }) }),
}) {}
const NoIndex = defineModel('QnNoIndex', { id: field.str({ key: true }), n: field.int({ default: 0 }) });

const pks = (ms: readonly { pk: string }[]) => ms.map((m) => m.pk);
const CITIES = ['Paris', 'Lyon', 'Nice', 'Éze', 'Arles'];

async function seed(): Promise<Person[]> {
  return Person.ainsert(
    ...Array.from(
      { length: 30 },
      (_v, i) =>
        new Person({
          id: `p${i}`,
          name: `n${i % 4}`,
          address: { city: CITIES[i % 5]!, zip: `${i}`, floor: i % 6, geo: { lat: i % 7 === 0 ? null : (i % 9) - 4, label: '' } },
        }),
    ),
  );
}

describe('queries on nested indexed fields', () => {
  it('where on nested fields, two levels deep, with AND / OR / NOT and ranges', async () => {
    const ms = await seed();
    const rows = ms.map((m) => ({ pk: m.pk, city: m.address.city.value, floor: m.address.floor.value, lat: m.address.geo.lat.value }));
    const expectWhere = async (where: object, keep: (r: (typeof rows)[number]) => boolean) =>
      expect(pks(await Person.afind({ where } as never)), JSON.stringify(where)).to.deep.equal(
        rows
          .filter(keep)
          .map((r) => r.pk)
          .sort(byBytes),
      );
    await expectWhere({ address: { city: 'Paris' } }, (r) => r.city === 'Paris');
    await expectWhere({ address: { city: 'Paris', floor: { gte: 3 } } }, (r) => r.city === 'Paris' && r.floor >= 3);
    await expectWhere({ address: { geo: { lat: null } } }, (r) => r.lat === null);
    await expectWhere({ address: { geo: { lat: { gt: 0 } } } }, (r) => r.lat !== null && r.lat > 0);
    await expectWhere({ OR: [{ address: { city: 'Éze' } }, { address: { geo: { lat: -4 } } }] }, (r) => r.city === 'Éze' || r.lat === -4);
    await expectWhere({ NOT: { address: { city: { in: ['Paris', 'Lyon'] } } } }, (r) => r.city !== 'Paris' && r.city !== 'Lyon');
    await expectWhere({ address: { city: { gt: 'Nice' } } }, (r) => byBytes(r.city, 'Nice') > 0); // 'Éze' sorts after ASCII by bytes
    expect(await Person.acount({ where: { address: { floor: 0 } } })).to.equal(rows.filter((r) => r.floor === 0).length);
  });

  it('orderBy a nested field (and two levels deep), ties in pk order', async () => {
    const ms = await seed();
    const by = (key: (m: Person) => string | number | null, desc: boolean) =>
      [...ms]
        .sort((a, b) => {
          const x = key(a);
          const y = key(b);
          let c = 0;
          if (x !== y) c = x === null ? -1 : y === null ? 1 : typeof x === 'string' ? byBytes(x, y as string) : x < (y as number) ? -1 : 1;
          return c !== 0 ? (desc ? -c : c) : byBytes(a.pk, b.pk);
        })
        .map((m) => m.pk);
    expect(pks(await Person.afind({ where: {}, orderBy: { address: { city: 'asc' } } }))).to.deep.equal(by((m) => m.address.city.value, false));
    expect(pks(await Person.afind({ where: {}, orderBy: { address: { city: 'desc' } }, offset: 2, maxResults: 9 }))).to.deep.equal(
      by((m) => m.address.city.value, true).slice(2, 11),
    );
    expect(pks(await Person.afind({ where: { name: 'n1' }, orderBy: { address: { geo: { lat: 'desc' } } } }))).to.deep.equal(
      by((m) => m.address.geo.lat.value, true).filter((pk) => ms.find((m) => m.pk === pk)!.name.value === 'n1'),
    );
    expect((await Person.afindOne({ where: {}, orderBy: { address: { floor: 'desc' } } }))?.pk).to.equal(by((m) => m.address.floor.value, true)[0]);
  });

  it('writes through nested handles keep the nested indexes exact', async () => {
    const [a, b] = await seed();
    await a!.address.floor.aincrease(100);
    a!.address.geo.lat.value = 42.5;
    await a!.address.geo.lat.asave();
    b!.address.geo.lat.value = 42.5;
    b!.address.city.value = 'Zurich';
    await b!.address.asave();
    await a!.aupdate({ address: { city: 'Zurich', zip: '', floor: 1, geo: { lat: 42.5, label: 'x' } } });
    await expectIndexExact(Person);
    expect(pks(await Person.afind({ where: { address: { city: 'Zurich', geo: { lat: 42.5 } } } }))).to.deep.equal(['p0', 'p1']);
    expect(pks(await Person.afind({ where: { address: { floor: 100 } } }))).to.deep.equal([]);
  });
});

describe('bad queries: ValidationError, nothing sent', () => {
  const bad: [string, () => Promise<unknown>, RegExp][] = [
    ['a class without indexed fields', () => NoIndex.afind({ where: {} } as never), /QnNoIndex\.afind: the model has no indexed field/],
    ['acount of it', () => NoIndex.acount({ where: { n: 1 } } as never), /QnNoIndex\.acount: the model has no indexed field/],
    ['adeleteMany of it', () => NoIndex.adeleteMany({ where: {} } as never), /QnNoIndex\.adeleteMany: the model has no indexed field/],
    ['a field not indexed', () => Person.afind({ where: { note: 'x' } } as never), /QnPerson field "note": not indexed.*got "x"/],
    ['a nested field not indexed', () => Person.afind({ where: { address: { zip: '1' } } } as never), /QnPerson field "address\.zip": not indexed.*got "1"/],
    [
      'a nested model without indexed fields',
      () => Person.afind({ where: { extra: { note: 'a' } } } as never),
      /QnPerson field "extra": this nested model has no indexed field/,
    ],
    ['no such field', () => Person.acount({ where: { nope: 1 } } as never), /QnPerson field "nope": no such field.*got 1/],
    ['a number for a str', () => Person.afind({ where: { name: 5 } } as never), /QnPerson field "name".*got 5/],
    ['a string for a float', () => Person.afind({ where: { address: { geo: { lat: 'north' } } } } as never), /QnPerson field "address\.geo\.lat".*got "north"/],
    ['a value not of the enum', () => Person.afind({ where: { role: 'z' } } as never), /QnPerson field "role".*got "z"/],
    ['null on a field that is not optional', () => Person.afind({ where: { name: null } } as never), /QnPerson field "name": .*cannot be null/],
    ['a range on a bool', () => Person.afind({ where: { active: { gt: false } } } as never), /QnPerson field "active": gt is for/],
    [
      'startsWith on an int',
      () => Person.afind({ where: { address: { floor: { startsWith: '1' } } } } as never),
      /QnPerson field "address\.floor": startsWith is for/,
    ],
    ['an unknown operator', () => Person.afind({ where: { name: { like: 'a%' } } } as never), /QnPerson field "name": unknown operator "like"/],
    ['in without an array', () => Person.afind({ where: { name: { in: 'a' } } } as never), /QnPerson field "name": in takes an array/],
    ['undefined as a value', () => Person.afind({ where: { name: undefined } } as never), /QnPerson field "name": .*cannot be undefined/],
    [
      'orderBy a bool',
      () => Person.afind({ where: {}, orderBy: { active: 'asc' } } as never),
      /QnPerson field "active": orderBy is for int, float, datetime and str/,
    ],
    ['orderBy an enum', () => Person.afind({ where: {}, orderBy: { role: 'asc' } } as never), /QnPerson field "role": orderBy is for/],
    ['orderBy a field not indexed', () => Person.afind({ where: {}, orderBy: { note: 'asc' } } as never), /QnPerson field "note": not indexed/],
    [
      'orderBy two fields',
      () => Person.afind({ where: {}, orderBy: { name: 'asc', address: { city: 'asc' } } } as never),
      /QnPerson: orderBy names exactly one field/,
    ],
    [
      'orderBy a bad direction',
      () => Person.afind({ where: {}, orderBy: { address: { city: 'up' } } } as never),
      /QnPerson field "address\.city": orderBy takes 'asc' or 'desc', got "up"/,
    ],
    ['a negative maxResults', () => Person.afind({ where: {}, maxResults: -1 }), /QnPerson: maxResults must be a non-negative integer, got -1/],
    ['a fractional maxResults', () => Person.afind({ where: {}, maxResults: 1.5 }), /QnPerson: maxResults must be a non-negative integer, got 1\.5/],
    ['a string offset', () => Person.afind({ where: {}, offset: '2' } as never), /QnPerson: offset must be a non-negative integer, got "2"/],
    ['a NaN offset', () => Person.afind({ where: {}, offset: Number.NaN }), /QnPerson: offset must be a non-negative integer, got NaN/],
    ['maxResults on afindOne', () => Person.afindOne({ where: {}, maxResults: 2 } as never), /QnPerson: this query takes where, orderBy, not "maxResults"/],
    ['orderBy on acount', () => Person.acount({ where: {}, orderBy: { name: 'asc' } } as never), /QnPerson: this query takes where, not "orderBy"/],
    ['orderBy on adeleteMany', () => Person.adeleteMany({ where: {}, orderBy: { name: 'asc' } } as never), /QnPerson: this query takes where, not "orderBy"/],
    ['where that is not an object', () => Person.afind({ where: 'all' } as never), /QnPerson.*must be an object of fields, got "all"/],
  ];

  before(async () => {
    await preloadScripts(testClient());
  });

  it('acount and adeleteMany with a bad where reject like every async method (never throw synchronously)', async () => {
    let counted: Promise<unknown> | null = null;
    let deleted: Promise<unknown> | null = null;
    expect(() => {
      counted = Person.acount({ where: { nope: 1 } } as never);
    }).to.not.throw();
    expect(() => {
      deleted = Person.adeleteMany({ where: { note: 'x' } } as never);
    }).to.not.throw();
    await expectReject(counted!, ValidationError, /QnPerson field "nope"/);
    await expectReject(deleted!, ValidationError, /QnPerson field "note"/);
  });

  for (const [label, call, message] of bad) {
    it(`${label}: ValidationError naming it, no command sent`, async () => {
      await new Person({ id: 'keep' }).asave();
      const { commands } = await countCommands(testServer().url, () => expectReject(call(), ValidationError, message));
      expect(commands).to.deep.equal([]);
      expect(await Person.acount({ where: {} })).to.equal(1); // adeleteMany refused: nothing deleted
    });
  }
});
