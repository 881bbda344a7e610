/**
 * The service example (examples/service/, README "Use it in a service") as CI runs it: the
 * short demo, which starts its own Redis and service, loads it, and checks Redis afterwards.
 * It needs nothing from the root hooks' server, so it runs once, on the single topology.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testTopology } from './helpers/hooks.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run demo -- <args>`; resolves to its exit code and output (killed past 100 s). */
function demo(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('npm', ['run', 'demo', '--', ...args], { cwd: root, timeout: 100_000, killSignal: 'SIGKILL', maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}\n${stderr}` });
    });
  });
}

const failed = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.trimStart().startsWith('FAIL'))
    .map((l) => l.trim());

// The demo starts its own single server either way: it is registered in the single-topology run
// only (not skipped in the other).
if (testTopology() === 'single')
  describe('examples/service: the demo', function () {
    this.timeout(120_000);

    it('serves the short load and passes its check against Redis', async () => {
      const { code, out } = await demo('--short');
      expect(failed(out), out).to.deep.equal([]);
      expect(out, out).to.match(/\nCHECK PASSED\n/);
      expect(out).to.match(/requests\/s, latency p50 [\d.]+ ms, p99 [\d.]+ ms/);
      expect(code, out).to.equal(0);
    });

    it('fails, naming what broke, when Redis is changed behind the service', async () => {
      const { code, out } = await demo('--short', '--tamper');
      const names = failed(out).map((l) => l.replace(/ \(of \d+ keys scanned\)/, '').replace(/:.*/, ''));
      expect(names, out).to.deep.equal(['FAIL jobs run twice or more', 'FAIL keys of TTL models without a TTL']);
      expect(out).to.match(/\nCHECK FAILED\n/);
      expect(code, out).to.equal(1);
    });
  });
