/**
 * Hostile input: property tests over generated values (test/model-based/hostile-values.ts):
 * wrong types, NaN and infinities, unsafe integers, lone surrogates, huge strings, keys such as
 * `__proto__`, braces, `*`, `\n`, ''. Every value either round-trips exactly (read back with aget
 * or the collection's own reads) or is refused with a typed error before anything is sent: no
 * command reaches Redis (INFO commandstats; MONITOR in one test) and every key is unchanged (DUMP).
 * Ids and keys with glob characters, braces or another model's prefix never reach another model.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import * as rapyer from '../src/index.js';
import { ActionGroup, RapyerError, ValidationError, defineModel, field } from '../src/index.js';
import { testClient, testMasters, testServer } from './helpers/hooks.js';
import { flushEveryMaster } from './helpers/cluster.js';
import { countCommands } from './helpers/server.js';
import { hostileString, hostileValue, isExactJson, normal, wellFormed } from './model-based/hostile-values.js';

class HostileDoc extends defineModel(
  'HostileDoc',
  {
    id: field.str({ key: true }),
    s: field.str({ default: '' }),
    n: field.int({ default: 0 }),
    f: field.float({ default: 0 }),
    b: field.bool({ default: false }),
    raw: field.bytes({ optional: true }),
    at: field.datetime({ optional: true }),
    j: field.json({ optional: true }),
    e: field.enum(['x', 'y'], { default: 'x' }),
    ns: field.str({ optional: true }),
    tags: field.list(field.str()),
    nums: field.list(field.int()),
    d: field.dict(field.str()),
    members: field.set(field.str()),
    q: field.priorityQueue(field.str()),
  },
  { ttl: 600 },
) {}

class HostileOther extends defineModel(
  'HostileOther',
  {
    id: field.str({ key: true }),
    v: field.str({ default: '' }),
    tags: field.list(field.str()),
  },
  { ttl: 600 },
) {}

type Doc = InstanceType<typeof HostileDoc>;

/** A value in an assertion message (String() throws on a null-prototype object). */
function show(v: unknown): string {
  try {
    return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'bigint' ? `${v}n` : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Commands clients sent, summed over every master (INFO itself and cluster chatter aside). */
async function commandsSent(): Promise<number> {
  let n = 0;
  for (const m of await testMasters()) {
    for (const [, name, calls] of (await m.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (!/^(info|cluster|command|ping|readonly|client|select|hello)/.test(name!)) n += Number(calls);
    }
  }
  return n;
}

/** Every key of the database with its DUMP (SCAN on every master). */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of await testMasters()) {
    let cursor = '0';
    do {
      const [next, keys] = await m.scan(cursor, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) out[k] = (await m.dumpBuffer(k))?.toString('hex') ?? 'gone';
    } while (cursor !== '0');
  }
  return out;
}

/**
 * Runs fn. A refusal must be a RapyerError, with no command sent and every key unchanged;
 * returns whether fn was accepted.
 */
async function acceptedOrRefusedBeforeSending(fn: () => unknown): Promise<boolean> {
  const state = await snapshot();
  const sent = await commandsSent();
  try {
    await fn();
    return true;
  } catch (e) {
    expect(e, `a typed error, got ${show(e)}`).to.be.instanceOf(RapyerError);
    expect(await commandsSent(), `commands sent before refusing: ${show(e)}`).to.equal(sent);
    expect(await snapshot(), 'stored state after a refusal').to.deep.equal(state);
    return false;
  }
}

async function stored(id = 'h'): Promise<Doc> {
  return HostileDoc.aget(id);
}

const RUNS = { numRuns: 120 };

/** What each scalar field must accept; anything else it must refuse. */
const ACCEPTS: Record<string, (v: unknown) => boolean> = {
  s: (v) => typeof v === 'string',
  n: (v) => Number.isSafeInteger(v),
  f: (v) => typeof v === 'number' && Number.isFinite(v),
  b: (v) => typeof v === 'boolean',
  raw: (v) => v === null || v instanceof Uint8Array,
  at: (v) => v === null || (v instanceof Date && Math.abs(v.getTime()) <= 8.64e15),
  j: (v) => isExactJson(v),
  e: (v) => v === 'x' || v === 'y',
  ns: (v) => v === null || typeof v === 'string',
};

describe('hostile input', function () {
  this.timeout(120_000);

  beforeEach(async () => {
    await new HostileDoc({ id: 'h' }).asave();
  });

  for (const name of Object.keys(ACCEPTS)) {
    it(`scalar field "${name}": aupdate and the constructor accept exactly its values, which round-trip`, async () => {
      const doc = await stored();
      // undefined means "not given": aupdate leaves the field alone, the constructor takes the default
      await fc.assert(
        fc.asyncProperty(
          hostileValue.filter((v) => v !== undefined),
          async (v) => {
            const ok = await acceptedOrRefusedBeforeSending(() => doc.aupdate({ [name]: v } as never));
            expect(ok, `aupdate({ ${name}: ${show(v)} })`).to.equal(ACCEPTS[name]!(v));
            if (ok) expect(normal((await stored())[name as 's'].value), 'read back').to.deep.equal(normal(v));
            const made = await acceptedOrRefusedBeforeSending(() => new HostileDoc({ id: 'c', [name]: v } as never).asave());
            expect(made, `new HostileDoc({ ${name}: ${show(v)} })`).to.equal(ACCEPTS[name]!(v));
            if (made) expect(normal((await stored('c'))[name as 's'].value)).to.deep.equal(normal(v));
          },
        ),
        RUNS,
      );
    });
  }

  it("list items: aappend/aextend accept exactly the inner field's values, which round-trip", async () => {
    const doc = await stored();
    await fc.assert(
      fc.asyncProperty(hostileValue, async (v) => {
        const okS = await acceptedOrRefusedBeforeSending(() => doc.tags.aextend([v as string, v as string]));
        expect(okS, `tags.aextend([${show(v)} x2])`).to.equal(typeof v === 'string');
        if (okS) expect((await stored()).tags.slice(-2)).to.deep.equal([v, v]);
        const okN = await acceptedOrRefusedBeforeSending(() => doc.nums.aappend(v as number));
        expect(okN, `nums.aappend(${show(v)})`).to.equal(Number.isSafeInteger(v));
        if (okN) expect(normal((await stored()).nums.at(-1))).to.equal(normal(v));
      }),
      RUNS,
    );
  });

  it('dict keys and values: any well-formed string key round-trips, lone surrogates and non-strings are refused', async () => {
    const doc = await stored();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, hostileValue), hostileValue, async (k, v) => {
        const valid = typeof k === 'string' && wellFormed(k) && typeof v === 'string';
        const ok = await acceptedOrRefusedBeforeSending(() => doc.d.asetItem(k as string, v as string));
        expect(ok, `d.asetItem(${show(k)}, ${show(v)})`).to.equal(valid);
        if (!ok) return;
        const back = (await stored()).d;
        expect(back.get(k as string)).to.equal(v);
        expect(Object.hasOwn(back.toJSON(), k as string)).to.equal(true);
        expect(await doc.d.apop(k as string)).to.equal(v);
        expect((await stored()).d.has(k as string)).to.equal(false);
      }),
      RUNS,
    );
  });

  it('dict keys through aupdate, the constructor and adelItem: lone surrogates refused, the rest round-trip', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, async (k) => {
        const entries = JSON.parse(JSON.stringify({ [k]: 'v', other: 'w' })) as Record<string, string>; // own __proto__ key
        const ok = await acceptedOrRefusedBeforeSending(() => new HostileDoc({ id: 'k', d: entries }).asave());
        expect(ok, `new HostileDoc({ d: { ${JSON.stringify(k)}: 'v' } })`).to.equal(wellFormed(k));
        if (!ok) return;
        const doc = await stored('k');
        expect(doc.d.toJSON()).to.deep.equal(entries);
        await doc.d.adelItem(k);
        expect([...(await stored('k')).d.keys()]).to.deep.equal(k === 'other' ? [] : ['other']);
        expect(await acceptedOrRefusedBeforeSending(() => doc.d.aupdate(new Map([[k, 'z']])))).to.equal(true);
        expect((await stored('k')).d.get(k)).to.equal('z');
      }),
      RUNS,
    );
  });

  it('set members: every string round-trips (lone surrogates included: members are JSON texts)', async () => {
    const doc = await stored();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, hostileValue), async (m) => {
        const ok = await acceptedOrRefusedBeforeSending(() => doc.members.aadd(m as string));
        expect(ok, `members.aadd(${show(m)})`).to.equal(typeof m === 'string');
        if (!ok) return;
        expect((await stored()).members.has(m as string)).to.equal(true);
        expect(await doc.members.acontains(m as string)).to.equal(true);
        expect(await doc.members.aremove(m as string)).to.equal(true);
        expect(await doc.members.asize()).to.equal(0);
      }),
      RUNS,
    );
  });

  it('priority queue: values round-trip with their priority; a priority that is not a finite number is refused', async () => {
    const doc = await stored();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, hostileValue), hostileValue, async (v, p) => {
        const valid = typeof v === 'string' && typeof p === 'number' && Number.isFinite(p);
        const ok = await acceptedOrRefusedBeforeSending(() => doc.q.apush(v as string, p as number));
        expect(ok, `q.apush(${show(v)}, ${show(p)})`).to.equal(valid);
        if (!ok) return;
        expect(normal(await doc.q.aitems())).to.deep.equal(normal([{ value: v, priority: p }]));
        expect(await doc.q.apop()).to.equal(v);
      }),
      RUNS,
    );
  });

  it('numbers given to methods: increments, indexes, TTLs, masks', async () => {
    const doc = await stored();
    await doc.tags.aextend(['a', 'b']);
    // undefined is "not given": aincrease() adds 1, apop() pops the last item
    await fc.assert(
      fc.asyncProperty(
        hostileValue.filter((x) => x !== undefined),
        async (x) => {
          const safe = Number.isSafeInteger(x);
          const finite = typeof x === 'number' && Number.isFinite(x);
          await doc.aupdate({ n: 0, f: 0 }); // from 0, any accepted increment stays in range
          expect(await acceptedOrRefusedBeforeSending(() => doc.n.aincrease(x as number)), `n.aincrease(${show(x)})`).to.equal(safe);
          expect(await acceptedOrRefusedBeforeSending(() => doc.f.aincrease(x as number)), `f.aincrease(${show(x)})`).to.equal(finite);
          expect(await acceptedOrRefusedBeforeSending(() => doc.tags.ainsert(x as number, 'i'))).to.equal(safe);
          expect(
            await acceptedOrRefusedBeforeSending(() =>
              doc.tags.apop(x as number).catch((e: unknown) => {
                if (!(e instanceof rapyer.KeyError)) throw e; // an index out of range is an answer, not a refusal
              }),
            ),
          ).to.equal(safe);
          const ms = finite ? Math.round(x * 1000) : NaN;
          const ttlOk = x === null || (Number.isSafeInteger(ms) && ms >= 1);
          expect(await acceptedOrRefusedBeforeSending(() => doc.asetTtl(x as number)), `asetTtl(${show(x)})`).to.equal(ttlOk);
          if (ttlOk) expect(await testClient().exists(doc.key)).to.equal(1);
          await doc.asetTtl(600);
          const meta = () => {
            HostileDoc.Meta.ttl = x as number;
          };
          expect(await acceptedOrRefusedBeforeSending(meta), `Meta.ttl = ${show(x)}`).to.equal(ttlOk);
          HostileDoc.Meta.ttl = 600;
          const mask = () => {
            HostileDoc.Meta.refreshTtl = x as number;
          };
          const maskOk =
            typeof x === 'boolean' || (Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 255 && ((x as number) & ActionGroup.DELETE) === 0);
          expect(await acceptedOrRefusedBeforeSending(mask), `refreshTtl = ${show(x)}`).to.equal(maskOk);
          HostileDoc.Meta.refreshTtl = true;
        },
      ),
      { numRuns: 80 },
    );
  });

  it('find options: maxResults and skipMissing are what they say, or refused before sending', async () => {
    await new HostileDoc({ id: 'h2' }).asave();
    await fc.assert(
      fc.asyncProperty(hostileValue, async (x) => {
        const okMax = x === undefined || x === Infinity || (Number.isSafeInteger(x) && (x as number) >= 0);
        const want = okMax ? Math.min(2, (x as number | undefined) ?? 2) : 0;
        for (const fn of [
          () => HostileDoc.afindKeys({ maxResults: x as number }),
          () => HostileDoc.afind({ maxResults: x as number }),
          () => HostileDoc.afind('h', 'h2', { maxResults: x as number }),
          () => rapyer.afind('HostileDoc:{h}', 'HostileDoc:{h2}', { maxResults: x as number }),
        ]) {
          let n = -1;
          expect(
            await acceptedOrRefusedBeforeSending(async () => {
              n = (await fn()).length;
            }),
            `maxResults ${show(x)}`,
          ).to.equal(okMax);
          if (okMax) expect(n, `maxResults ${show(x)}: ${show(fn)}`).to.equal(fn.toString().includes('rapyer.afind') ? 2 : want);
        }
        const okSkip = x === undefined || typeof x === 'boolean';
        expect(await acceptedOrRefusedBeforeSending(() => HostileDoc.afind('h', { skipMissing: x as boolean })), `skipMissing ${show(x)}`).to.equal(okSkip);
      }),
      { numRuns: 60 },
    );
  });

  it('huge strings (10 MB) round-trip as a field, a list item, a dict value and a set member', async () => {
    const doc = await stored();
    const huge = 'x"{}\\\uD800é'.repeat(1_500_000); // 10.5 M UTF-16 units, with characters JSON escapes
    await doc.aupdate({ s: huge });
    await doc.tags.aappend(huge);
    await doc.d.asetItem('big', huge);
    await doc.members.aadd(huge);
    const back = await stored();
    expect(back.s.value === huge, 'field').to.equal(true);
    expect(back.tags.at(-1) === huge, 'list item').to.equal(true);
    expect(back.d.get('big') === huge, 'dict value').to.equal(true);
    expect(back.members.has(huge), 'set member').to.equal(true);
  });

  it('refused inputs send no command at all (MONITOR), in and out of pipelines', async () => {
    const doc = await stored();
    const refused: (() => unknown)[] = [
      () => doc.aupdate({ n: 2 ** 53 } as never),
      () => doc.aupdate({ f: NaN } as never),
      () => doc.aupdate({ s: 5 } as never),
      () => doc.d.asetItem('\uD800', 'v'),
      () => doc.tags.aappend(null as never),
      () => doc.q.apush('v', Infinity),
      () => doc.asetTtl(0.0001),
      () => {
        doc.ns.value = 'a';
        doc.ns.iadd(null as never);
      },
      () => {
        doc.raw.value = new Uint8Array([1]);
        doc.raw.iadd(null as never);
      },
      () => HostileDoc.aget('HostileOther:{h}'),
      () => HostileDoc.aget('h\uD800'),
      () =>
        rapyer.apipeline(async () => {
          doc.n.iadd(1);
          doc.tags.append('x');
          await doc.d.asetItem('\uDC00', 'v');
        }),
      () =>
        doc.apipeline(async (m) => {
          m.s.iadd('x');
          m.n.iadd(2 ** 53);
        }),
    ];
    for (const fn of refused) {
      let error: unknown = null;
      const { commands } = await countCommands(testServer().url, async () => {
        try {
          await fn();
        } catch (e) {
          error = e;
        }
      });
      expect(error, show(fn)).to.be.instanceOf(RapyerError);
      // doc.apipeline loads the model first (one script); nothing after the refusal is sent
      const allowed = show(fn).includes('doc.apipeline') ? 1 : 0;
      expect(commands.length, `${show(fn)} sent ${commands.join(', ')}`).to.equal(allowed);
    }
  });

  it('a pipeline whose callback meets a refused input sends nothing it queued', async () => {
    const doc = await stored();
    const before = await snapshot();
    let error: unknown = null;
    try {
      await rapyer.apipeline(async () => {
        doc.s.iadd('x');
        await doc.tags.aappend('y');
        doc.d.setItem('\uD800' as string, 'z');
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ValidationError);
    expect(await snapshot()).to.deep.equal(before);
  });
});

/** Pks made of glob characters, colons, braces, surrogates and the models' own names. */
const pkString = fc.string({
  unit: fc.constantFrom('a', 'b', '*', '?', '[', ']', '^', '-', '\\', ':', '{', '}', '\n', ' ', '\uD800', 'é', 'HostileOther', 'HostileDoc'),
  maxLength: 4,
});
const validPk = (pk: string) => pk.length > 0 && !/[{}]/.test(pk) && wellFormed(pk);

describe('hostile ids and keys', function () {
  this.timeout(120_000);

  it('pks with glob characters, colons and model names: each model reads and writes only its own keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(pkString, { maxLength: 6 }), fc.uniqueArray(pkString, { maxLength: 4 }), async (docPks, otherPks) => {
        await flushEveryMaster(testClient());
        const docs: string[] = [];
        const others: string[] = [];
        for (const pk of docPks) {
          const ok = await acceptedOrRefusedBeforeSending(() => new HostileDoc({ id: pk, s: `doc ${pk}`, tags: [pk] }).asave());
          expect(ok, `HostileDoc pk ${show(pk)}`).to.equal(validPk(pk));
          if (ok) docs.push(pk);
          else {
            // neither as a pk nor inside a key
            expect(await acceptedOrRefusedBeforeSending(() => HostileDoc.aget(pk)), `aget(${show(pk)})`).to.equal(false);
            expect(await acceptedOrRefusedBeforeSending(() => HostileDoc.aexists(`HostileDoc:{${pk}}`)), `aexists key of ${show(pk)}`).to.equal(false);
            expect(await acceptedOrRefusedBeforeSending(() => rapyer.aget(`HostileDoc:{${pk}}`)), `rapyer.aget key of ${show(pk)}`).to.equal(false);
          }
        }
        for (const pk of otherPks) {
          const ok = await acceptedOrRefusedBeforeSending(() => new HostileOther({ id: pk, v: `other ${pk}`, tags: [pk] }).asave());
          expect(ok, `HostileOther pk ${show(pk)}`).to.equal(validPk(pk));
          if (ok) others.push(pk);
        }
        const keysOf = (name: string, pks: string[]) => pks.flatMap((pk) => [`${name}:{${pk}}`, `${name}:{${pk}}:tags`]);
        const mains = (name: string, pks: string[]) => pks.map((pk) => `${name}:{${pk}}`).sort();
        expect((await HostileDoc.afindKeys()).sort()).to.deep.equal(mains('HostileDoc', docs));
        expect((await HostileOther.afindKeys()).sort()).to.deep.equal(mains('HostileOther', others));
        const found = await HostileDoc.afind();
        expect(found.map((d) => d.id.value).sort()).to.deep.equal([...docs].sort());
        for (const d of found) expect([d.s.value, [...d.tags]]).to.deep.equal([`doc ${d.id.value}`, [d.id.value]]);
        for (const pk of docs) {
          expect((await HostileDoc.aget(pk)).s.value).to.equal(`doc ${pk}`);
          const any = await rapyer.aget(`HostileDoc:{${pk}}`);
          expect(any).to.be.instanceOf(HostileDoc);
          expect((any as Doc).s.value).to.equal(`doc ${pk}`);
        }
        expect(Object.keys(await snapshot()).sort()).to.deep.equal([...keysOf('HostileDoc', docs), ...keysOf('HostileOther', others)].sort());
        if (docs.length > 0) {
          expect(await HostileDoc.adeleteByKey(docs[0]!)).to.equal(true);
          const left = [...keysOf('HostileDoc', docs.slice(1)), ...keysOf('HostileOther', others)].sort();
          expect(Object.keys(await snapshot()).sort()).to.deep.equal(left);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("another model's key, a collection or lock key, or garbage is refused before anything is sent", async () => {
    await new HostileOther({ id: 'x', v: 'secret' }).asave();
    await new HostileDoc({ id: 'x', tags: ['t'] }).asave();
    const refused: (() => unknown)[] = [
      () => HostileDoc.aget('HostileOther:{x}'),
      () => HostileDoc.afind('HostileOther:{x}'),
      () => HostileDoc.afindOne('HostileOther:{x}'),
      () => HostileDoc.aexists('HostileOther:{x}'),
      () => HostileDoc.adeleteByKey('HostileOther:{x}'),
      () => HostileDoc.adeleteMany('HostileDoc:{x}', 'HostileOther:{x}'),
      () => HostileDoc.aget('HostileDoc:{x}:tags'),
      () => HostileDoc.aget('HostileDoc:{x}:lock:default'),
      () => HostileDoc.aget('HostileDoc:{x'),
      () => HostileDoc.aget('{x}'),
      () => HostileDoc.aget(''),
      () => HostileDoc.aget('x\uDC00'),
      () => HostileDoc.aget('HostileDoc:{x\uDC00}'),
      () => rapyer.aget('HostileDoc:{x\uDC00}'),
      () => HostileDoc.aget(5 as never),
      () => rapyer.aget('HostileDoc:{x}:tags'),
      () => rapyer.aget('Nope:{x}'),
      () => rapyer.aget('HostileDoc'),
      () => rapyer.adeleteMany('HostileOther:{x}:tags'),
      () => new HostileDoc({ id: 'HostileOther:{x}' }).asave(),
      () => new HostileDoc({ id: 'x}:tags' }).asave(),
    ];
    for (const fn of refused) expect(await acceptedOrRefusedBeforeSending(fn), show(fn)).to.equal(false);
    expect((await HostileOther.aget('x')).v.value).to.equal('secret');
    expect([...(await HostileDoc.aget('x')).tags]).to.deep.equal(['t']);
  });

  it('two pks that differ only in lone surrogates are refused instead of naming one key', async () => {
    for (const pk of ['q\uD800', 'q\uDBFF', '\uDFFF', 'a\uDC00b']) {
      expect(await acceptedOrRefusedBeforeSending(() => new HostileDoc({ id: pk }).asave()), show(pk)).to.equal(false);
      expect(await acceptedOrRefusedBeforeSending(() => HostileDoc.aget(pk)), show(pk)).to.equal(false);
    }
    await new HostileDoc({ id: 'q\uD83D\uDE00' }).asave(); // a well-formed pair is fine
    expect((await HostileDoc.aget('q😀')).id.value).to.equal('q😀');
  });
});
