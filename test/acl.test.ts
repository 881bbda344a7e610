/**
 * Least privilege. A Redis ACL user allowed only the commands of test/helpers/acl.ts
 * (the list the README gives), on the keys of its models, runs every kind of operation; what is
 * outside that is refused by Redis (NOPERM). With TEST_ACL=1 the whole suite runs as such a user
 * (`npm run test:acl`); the last test checks that it really does.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import * as rapyer from '../src/index.js';
import { defineModel, field } from '../src/index.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { startServer, type TestServer } from './helpers/server.js';
import { ACL_AUTH, ACL_USER, SCRIPT_COMMANDS, aclEnabled, aclRules } from './helpers/acl.js';
import { libraryClient, testClient, testTopology } from './helpers/hooks.js';
import { closeAll } from './helpers/handles.js';
import { checkInvariants } from './helpers/invariants.js';

class Shop extends defineModel(
  'AclShop',
  {
    id: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    rating: field.float({ default: 0 }),
    name: field.str({ default: '' }),
    tags: field.list(field.str()),
    stock: field.dict(field.int()),
    badges: field.set(field.str()),
    jobs: field.priorityQueue(field.str()),
  },
  { ttl: 600 },
) {}

describe('least privilege: an ACL user with only the commands the library needs', function () {
  this.timeout(60000);
  let server: TestServer;
  let admin: Redis;
  let lib: Redis;

  before(async () => {
    server = await startServer();
    admin = new Redis(server.url);
    await admin.acl('SETUSER', ACL_USER, 'reset', ...aclRules(false, [Shop.modelName]));
    lib = new Redis(server.url, { ...ACL_AUTH });
    await preloadScripts(lib); // init() on this client
    Shop.Meta.redis = lib;
  });
  after(async () => {
    Shop.Meta.redis = null;
    await closeAll(
      () => lib?.disconnect(),
      () => admin?.disconnect(),
      () => server?.stop(),
    );
  });

  it('runs every kind of operation, pipelines, locks and the NOSCRIPT fallback, with nothing refused', async () => {
    const s = await new Shop({ id: 's1', name: 'corner', tags: ['a'], stock: { apples: 3 } }).asave();
    await s.visits.aincrease(2);
    await s.rating.aincrease(0.5);
    await s.tags.aappend('b');
    await s.tags.ainsert(0, 'z');
    expect(await s.tags.apop()).to.equal('b');
    await s.stock.asetItem('pears', 2);
    await s.stock.adelItem('apples');
    await s.badges.aadd('gold');
    expect(await s.badges.acontains('gold')).to.equal(true);
    await s.jobs.apush('j1', 2);
    await s.jobs.apush('j0', 1);
    expect(await s.jobs.apop()).to.equal('j0');
    await s.apipeline(async (m) => {
      m.visits.iadd(1);
      m.name.iadd('!');
      m.tags.append('c');
      m.stock.setItem('kiwis', 1);
    });
    await rapyer.apipeline(async () => {
      s.visits.iadd(1);
    });
    await s.alock('restock', { saveAtEnd: true }, async (m) => {
      m.rating.value = 4.5;
    });
    await s.aupdate({ name: 'corner shop' });
    const copy = await s.aduplicate();
    await s.asetTtl(300);
    expect(await Shop.aexists(s.pk)).to.equal(true);
    expect((await Shop.afind()).map((m) => m.pk).sort()).to.deep.equal([copy.pk, 's1'].sort()); // SCAN
    expect(await Shop.afindKeys()).to.have.length(2);
    await admin.script('FLUSH');
    await s.visits.aincrease(1); // EVALSHA → NOSCRIPT → EVAL
    await rapyer.ainsert(new Shop({ id: 's2' }), new Shop({ id: 's3' }));
    await Shop.adeleteMany('s2', 's3');

    const got = await Shop.aget('s1');
    expect(got.toJSON()).to.deep.include({ visits: 5, name: 'corner shop', rating: 4.5, tags: ['z', 'a', 'c'] });
    expect(await copy.adelete()).to.equal(true);
    expect(await admin.acl('LOG')).to.deep.equal([]);
    expect(String(await admin.client('LIST'))).to.match(new RegExp(`user=${ACL_USER}\\b`));
    expect(await checkInvariants(admin, Shop)).to.deep.equal([]); // TYPE is not the library's
  });

  it('is refused everything else: other keys, other commands (ACLs cannot confine HSET & co. to scripts)', async () => {
    const refused = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(/^NOPERM|user executing the script can't/);
    };
    await refused(lib.flushall());
    await refused(lib.keys('*'));
    await refused(lib.config('GET', 'maxmemory'));
    await refused(lib.hset('Other:{x}', 'visits', '1')); // another model's key
    await refused(lib.evalsha((await lib.script('LOAD', "return redis.call('GET', KEYS[1])")) as string, 1, 'Other:{x}'));
    await refused(lib.eval("return redis.call('FLUSHALL')", 0));
  });
});

describe('least privilege: the command list', () => {
  it('holds exactly the commands the Lua scripts run (lua/**/*.lua)', () => {
    const used = new Set<string>();
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) walk(path);
        else if (e.name.endsWith('.lua')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/(?:redis\.p?call|rapyer_push)\('([A-Z]+)'/g)) used.add(m[1]!.toLowerCase());
        }
      }
    };
    walk(fileURLToPath(new URL('../lua', import.meta.url)));
    expect([...used].sort()).to.deep.equal([...SCRIPT_COMMANDS].sort());
  });
});

// Only registered in the ACL run (npm run test:acl), so the default run has nothing pending.
if (aclEnabled() && testTopology() === 'single')
  describe('least privilege: the run under TEST_ACL=1', () => {
    it('binds the library to the ACL user and keeps testClient() the admin', async () => {
      expect(libraryClient()).to.not.equal(testClient());
      const info = String(await testClient().client('INFO'));
      expect(info).to.match(/user=default/);
      const list = String(await testClient().client('LIST'));
      expect(list).to.match(new RegExp(`user=${ACL_USER}\\b`));
      expect(await testClient().acl('LOG')).to.deep.equal([]);
    });
  });
