import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { withTable } from '../scripts/api-table.js';
import { testServer } from './helpers/hooks.js';

const run = promisify(execFile);
const readmeUrl = new URL('../README.md', import.meta.url);

describe('README', () => {
  it('holds the API table made from the method table', () => {
    const readme = readFileSync(readmeUrl, 'utf8');
    expect(readme, 'run: npx tsx scripts/api-table.ts --write').to.equal(withTable(readme));
  });

  /** Runs the first ts block of a README section as a script against the test server; its output lines. */
  async function runSection(heading: string, name: string): Promise<string[]> {
    const readme = readFileSync(readmeUrl, 'utf8');
    const section = readme.slice(readme.indexOf(heading));
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const file = new URL(`./.readme-${name}.mts`, import.meta.url);
    const src = new URL('../src/index.ts', import.meta.url).href;
    writeFileSync(file, code.replaceAll("from 'rapyer-ts'", `from '${src}'`));
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', fileURLToPath(file)], {
        env: { ...process.env, REDIS_URL: testServer().url },
        timeout: 25_000, // killed, not left running (it would keep the run from exiting)
      });
      return stdout.trim().split('\n');
    } finally {
      rmSync(file, { force: true });
    }
  }

  it('runs the quick start as written', async function () {
    this.timeout(30_000);
    expect(await runSection('## Quick start', 'quick-start')).to.deep.equal(['Session:{u1}', '1', '3']);
  });

  // The example connects a plain Redis client (as written for one server): on the cluster
  // topology its models would live on three masters. Queries on a Cluster: test/queries*.test.ts.
  if (process.env.TEST_TOPOLOGY !== 'cluster') {
    it('runs the Queries example as written', async function () {
      this.timeout(30_000);
      expect(await runSection('## Queries', 'queries')).to.deep.equal(['ann eve', 'eve', 'ann bob', 'eve', 'bob', '1', '1', '2']);
    });
  }
});
