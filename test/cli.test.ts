/**
 * The rapyer-ts CLI, run as a separate process (node --import tsx src/cli.ts) against the test
 * server (or, with TEST_TOPOLOGY=cluster, the test cluster through one of its masters): it lists every embedded script with its SHA1, loads and verifies them, and fails
 * clearly, with a non-zero exit, on a refused connection, a bad URL or an unknown command.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { LUA_SCRIPTS } from '../src/runtime/lua-scripts.generated.js';
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
    const rows = new Map(r.stdout.trim().split('\n').slice(1).map((l) => {
      const [name, keys, sha] = l.trim().split(/\s+/);
      return [name!, { keys, sha }];
    }));
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
