/**
 * The README's API table, made from the operation descriptors (src/ops/table.ts), so the README cannot
 * drift from the code. `npx tsx scripts/api-table.ts --write` rewrites README.md between the
 * api-table markers; test/readme.test.ts checks that it is up to date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ActionGroup } from '../src/actions.js';
import { OPERATIONS } from '../src/ops/table.js';

const START = '<!-- api-table:start -->';
const END = '<!-- api-table:end -->';

export function apiTable(): string {
  const groups = Object.entries(ActionGroup).flatMap(([n, v]) => (typeof v === 'number' ? [[n, v] as const] : []));
  const named = (mask: number) =>
    groups
      .filter(([, bit]) => (mask & bit) !== 0)
      .map(([n]) => n)
      .join(', ') || '—';
  const rows = Object.values(OPERATIONS).map((op) => {
    // an operation that may create the model: its groups when it creates it, and when it finds it stored
    const names = op.storedGroups === undefined ? named(op.groups) : `created: ${named(op.groups)}; stored: ${named(op.storedGroups)}`;
    const retry = op.idempotent ? 'yes' : 'no';
    return `| \`${op.name}\` | \`${op.script}\` | ${names} | ${op.pipeline} | ${retry} |`;
  });
  const header = '| Method | Script | Action groups | In a pipeline | Resent after a lost connection |';
  return [START, header, '|---|---|---|---|---|', ...rows, END].join('\n');
}

export function withTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0) throw new Error('README.md has no api-table markers');
  return readme.slice(0, a) + apiTable() + readme.slice(b + END.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = new URL('../README.md', import.meta.url);
  const text = withTable(readFileSync(file, 'utf8'));
  if (process.argv.includes('--write')) writeFileSync(file, text);
  else process.stdout.write(`${apiTable()}\n`);
}
