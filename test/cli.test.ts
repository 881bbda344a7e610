/**
 * The rapyer-ts CLI, run as a separate process (node --import tsx src/cli.ts) against the test
 * server (or, with TEST_TOPOLOGY=cluster, the test cluster through one of its masters): it lists
 * every embedded script with its SHA1, loads and verifies them, inspects a stored model, checks a
 * server and a user's ACL, and fails clearly, with the documented exit code (1 failure, 2 usage),
 * on a refused connection, a bad URL, an unknown command or a missing ACL permission.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { LUA_SCRIPTS, SCRIPT_COMMANDS } from '../src/runtime/lua-scripts.generated.js';
import { defineModel, field } from '../src/index.js';
import { aclRules } from './helpers/acl.js';
import { testMasters, testServer, testTopology } from './helpers/hooks.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env, timeout: 30000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const entries = Object.entries(LUA_SCRIPTS);

describe('rapyer-ts CLI', function () {
  this.timeout(60000);

  it('scripts list prints every script with its SHA1, without a server', async () => {
    const r = await cli('scripts', 'list');
    expect(r.code, r.stderr).to.equal(0);
    const rows = new Map(
      r.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => {
          const [name, keys, sha] = l.trim().split(/\s+/);
          return [name!, { keys, sha }];
        }),
    );
    expect([...rows.keys()]).to.have.members(entries.map(([name]) => name));
    for (const [name, { sha }] of entries) expect(rows.get(name)?.sha, name).to.equal(sha);
    expect(rows.get('int/incr')?.keys).to.equal('dynamic');
    for (const { keys } of rows.values()) expect(keys).to.match(/^(\d+|dynamic)$/);
  });

  it('scripts load loads every script on every master and SCRIPT EXISTS answers 1 for each', async () => {
    const masters = await testMasters();
    await Promise.all(masters.map((m) => m.script('FLUSH')));
    const shas = entries.map(([, s]) => s.sha);
    for (const m of masters) expect(await m.script('EXISTS', ...shas)).to.deep.equal(shas.map(() => 0));

    const r = await cli('scripts', 'load', '--url', testServer().url);
    expect(r.code, r.stderr).to.equal(0);
    for (const sha of shas) expect(r.stdout).to.contain(sha);
    const verified = r.stdout.split('\n').filter((l) => l.endsWith(`${shas.length}/${shas.length} scripts loaded and verified (SCRIPT EXISTS)`));
    expect(verified).to.have.length(masters.length);
    expect(r.stdout).to.contain(testTopology() === 'cluster' ? `(cluster, ${masters.length} master(s))` : '(single server)');
    for (const m of masters) expect(await m.script('EXISTS', ...shas)).to.deep.equal(shas.map(() => 1));
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await cli('--help');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('scripts list');
    expect(r.stdout).to.contain('scripts load --url');
  });

  it('a refused connection exits non-zero with a clear message', async () => {
    const r = await cli('scripts', 'load', '--url', `redis://127.0.0.1:${await closedPort()}`, '--timeout', '2000');
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/cannot connect to redis:\/\/127\.0\.0\.1:\d+: connection refused/);
  });

  it('a bad URL or a missing --url is a usage error', async () => {
    const bad = await cli('scripts', 'load', '--url', 'http://localhost:6379');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('invalid --url');
    const missing = await cli('scripts', 'load');
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('needs --url');
  });

  it('an unknown command exits non-zero and names it', async () => {
    const r = await cli('frobnicate');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('unknown command "frobnicate"');
    const sub = await cli('scripts', 'frobnicate');
    expect(sub.code).to.equal(2);
    expect(sub.stderr).to.contain('unknown command "scripts frobnicate"');
  });
});

class CliShop extends defineModel(
  'CliShop',
  {
    name: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    opened: field.datetime({ optional: true }),
    tags: field.list(field.str()),
    owners: field.set(field.str()),
    stock: field.dict(field.int()),
    queue: field.priorityQueue(field.str()),
  },
  { ttl: 600 },
) {}

/** The URL of the test server with a user's credentials. */
function urlAs(user: string, password: string): string {
  const u = new URL(testServer().url);
  u.username = user;
  u.password = password;
  return u.toString();
}

const CHECK_USER = 'rapyer-cli-check';
const CHECK_PASSWORD = 'cli-check-password';
/** What `check` itself sends on top of the library's commands. */
const CHECK_OWN = ['+script|exists', '+command|info', '+acl|whoami', '+acl|dryrun'];

/** Defines CHECK_USER on every master: the library's rules (minus `without`) and check's own. */
async function defineCheckUser(without: readonly string[]): Promise<void> {
  const rules = aclRules(testTopology() === 'cluster', ['CliShop']).filter((r) => !without.includes(r));
  for (const m of await testMasters()) await m.acl('SETUSER', CHECK_USER, 'reset', ...rules, `>${CHECK_PASSWORD}`, ...CHECK_OWN);
}

async function dropCheckUser(): Promise<void> {
  for (const m of await testMasters()) await m.acl('DELUSER', CHECK_USER);
}

describe('rapyer-ts CLI: --version, --json, pipes', function () {
  this.timeout(60000);

  it('--version prints the package version and exits 0', async () => {
    const r = await cli('--version');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal((JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string }).version);
  });

  it('scripts list --json gives every script with its key count and SHA1', async () => {
    const r = await cli('scripts', 'list', '--json');
    expect(r.code, r.stderr).to.equal(0);
    const rows = JSON.parse(r.stdout) as { name: string; keys: string; sha: string }[];
    expect(rows.map((x) => x.name)).to.have.members(entries.map(([name]) => name));
    for (const [name, { sha }] of entries) expect(rows.find((x) => x.name === name)?.sha).to.equal(sha);
  });

  it('output piped into a reader that has gone (| head) ends quietly: exit 0, no stack trace', async () => {
    const r = await new Promise<Run>((resolve) => {
      execFile(
        'bash',
        ['-c', `"${process.execPath}" --import tsx src/cli.ts scripts list | true; exit "\${PIPESTATUS[0]}"`],
        { cwd: root, timeout: 30000 },
        (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
        },
      );
    });
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(0);
  });
});

describe('rapyer-ts inspect', function () {
  this.timeout(60000);

  it('shows every key of a model with its type and TTL, and decodes the stored JSON', async () => {
    const shop = await new CliShop({
      name: 'corner',
      visits: 3,
      opened: new Date(1000),
      tags: ['a', 'b'],
      owners: new Set(['ann']),
      stock: { nails: 7 },
    }).asave();
    await shop.queue.apush('job', 2);
    const r = await cli('inspect', shop.key, '--url', testServer().url, '--json');
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      model: string;
      pk: string;
      note: string;
      keys: { key: string; role: string; path: string | null; type: string; ttlMs: number | null; size: number | null; value: unknown }[];
    };
    expect(out.model).to.equal('CliShop');
    expect(out.pk).to.equal('corner');
    expect(out.note).to.contain('without the model class');
    const byKey = new Map(out.keys.map((k) => [k.key, k]));
    expect([...byKey.keys()].sort()).to.deep.equal([shop.key, ...['owners', 'queue', 'stock', 'tags'].map((p) => `${shop.key}:${p}`)].sort());
    expect(byKey.get(shop.key)).to.include({ role: 'main', type: 'hash' });
    expect(byKey.get(shop.key)!.value).to.deep.include({ name: 'corner', visits: 3, opened: 1000 });
    expect(byKey.get(`${shop.key}:tags`)).to.deep.include({ role: 'collection', path: 'tags', type: 'list', size: 2, value: ['a', 'b'] });
    expect(byKey.get(`${shop.key}:owners`)).to.deep.include({ type: 'set', value: ['ann'] });
    expect(byKey.get(`${shop.key}:stock`)).to.deep.include({ type: 'hash', value: { nails: 7 } });
    expect(byKey.get(`${shop.key}:queue`)).to.deep.include({ type: 'zset', value: [{ item: 'job', score: 2 }] });
    for (const k of out.keys) expect(k.ttlMs, k.key).to.be.within(590_000, 600_000);
  });

  it('prints a table of keys, the decoded fields and the note, and --limit cuts long collections', async () => {
    const shop = await new CliShop({ name: 'long', tags: Array.from({ length: 30 }, (_v, i) => `t${i}`) }).asave();
    const r = await cli('inspect', shop.key, '--url', testServer().url, '--limit', '5');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/CliShop:\{long\}:tags\s+collection\s+list\s+30\s+\d+\.\d{3} s/);
    expect(r.stdout).to.contain('"t4"');
    expect(r.stdout).not.to.contain('"t5"');
    expect(r.stdout).to.contain('… 30 in all');
    expect(r.stdout).to.contain('note: decoded from the storage layout, without the model class');
  });

  it('a missing key exits 1; no key or a key that is not Name:{pk} is a usage error', async () => {
    const missing = await cli('inspect', 'CliShop:{nobody}', '--url', testServer().url);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.contain('CliShop:{nobody}: no such key');
    const none = await cli('inspect', '--url', testServer().url);
    expect(none.code).to.equal(2);
    const bad = await cli('inspect', 'not-a-model-key', '--url', testServer().url);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("is not a model's main key");
  });
});

describe('rapyer-ts check', function () {
  this.timeout(60000);

  it('reports the version, the mode, the scripts on every master and the ACL of the user: exit 0', async () => {
    const load = await cli('scripts', 'load', '--url', testServer().url);
    expect(load.code, load.stderr).to.equal(0);
    const r = await cli('check', '--url', testServer().url, '--json');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      cluster: boolean;
      commands: string[];
      warnings: string[];
      masters: { version: string; missingScripts: string[]; aclUser: string; deniedCommands: unknown[] }[];
    };
    expect(out.ok).to.equal(true);
    expect(out.cluster).to.equal(testTopology() === 'cluster');
    expect(out.masters).to.have.length((await testMasters()).length);
    expect(out.commands).to.include.members([...SCRIPT_COMMANDS, 'evalsha', 'script|load']);
    for (const m of out.masters) {
      expect(m.version).to.match(/^\d+\.\d+/);
      expect(m).to.deep.include({ missingScripts: [], aclUser: 'default', deniedCommands: [] });
    }
    expect(out.warnings).to.deep.equal([]);
  });

  it('scripts missing after SCRIPT FLUSH are a warning, not a failure', async () => {
    await Promise.all((await testMasters()).map((m) => m.script('FLUSH')));
    const r = await cli('check', '--url', testServer().url);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/warning: .*no script is loaded/);
  });

  it('a user whose ACL lacks a command the library needs: exit 1, naming the command', async () => {
    try {
      await defineCheckUser(['+hset']);
      const r = await cli('check', '--url', urlAs(CHECK_USER, CHECK_PASSWORD));
      expect(r.code, r.stdout + r.stderr).to.equal(1);
      expect(r.stdout).to.match(new RegExp(`FAIL: .*user ${CHECK_USER} may not run hset`));
      expect(r.stdout).not.to.match(/may not run (?!hset)/);
      // The same user, checked by an admin with --user, and with its key patterns for a model.
      const admin = await cli('check', '--url', testServer().url, '--user', CHECK_USER, '--model', 'CliShop', '--model', 'Elsewhere', '--json');
      expect(admin.code).to.equal(1);
      const out = JSON.parse(admin.stdout) as { masters: { deniedCommands: { command: string }[]; deniedKeys: { key: string }[] }[] };
      for (const m of out.masters) {
        expect(m.deniedCommands.map((d) => d.command)).to.deep.equal(['hset']);
        expect(m.deniedKeys.map((d) => d.key)).to.deep.equal(['Elsewhere:{rapyer-check}']);
      }
    } finally {
      await dropCheckUser();
    }
  });

  it('the same user with every command the library needs passes', async () => {
    try {
      await defineCheckUser([]);
      const r = await cli('check', '--url', urlAs(CHECK_USER, CHECK_PASSWORD), '--model', 'CliShop');
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(new RegExp(`ACL: user ${CHECK_USER}, (\\d+)/\\1 commands allowed`));
    } finally {
      await dropCheckUser();
    }
  });

  it('a user that may not run ACL DRYRUN fails the check with a hint (--user)', async () => {
    // Its refusal lands in ACL LOG; clear it afterwards only where the log held nothing before,
    // so a denial of the library's own user earlier in a TEST_ACL=1 run is never hidden.
    const masters = await testMasters();
    const emptyBefore = await Promise.all(masters.map(async (m) => ((await m.acl('LOG')) as unknown[]).length === 0));
    try {
      await defineCheckUser(['+acl|dryrun']);
      for (const m of await testMasters()) await m.acl('SETUSER', CHECK_USER, '-acl|dryrun');
      const r = await cli('check', '--url', urlAs(CHECK_USER, CHECK_PASSWORD));
      expect(r.code).to.equal(1);
      expect(r.stdout).to.contain('ACL not checked');
      expect(r.stdout).to.contain('--user NAME');
    } finally {
      await dropCheckUser();
      for (const [i, m] of masters.entries()) if (emptyBefore[i]) await m.acl('LOG', 'RESET');
    }
  });

  it('a refused connection exits 1; no --url is a usage error', async () => {
    const refused = await cli('check', '--url', `redis://127.0.0.1:${await closedPort()}`, '--timeout', '2000');
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('connection refused');
    const missing = await cli('check');
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('check needs --url');
  });
});
