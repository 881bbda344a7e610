/**
 * The README's API table, made from the one method table (src/actions.ts), so the README cannot
 * drift from the code. `npx tsx scripts/api-table.ts --write` rewrites README.md between the
 * api-table markers; test/readme.test.ts checks that it is up to date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ActionGroup, METHODS } from '../src/actions.js';

const START = '<!-- api-table:start -->';
const END = '<!-- api-table:end -->';

export function apiTable(): string {
  const groups = Object.entries(ActionGroup).flatMap(([n, v]) => (typeof v === 'number' ? [[n, v] as const] : []));
  const rows = Object.entries(METHODS).map(([method, row]) => {
    const names = groups.filter(([, bit]) => (row.groups & bit) !== 0).map(([n]) => n);
    return `| \`${method}\` | \`${row.script}\` | ${names.join(', ') || '—'} |`;
  });
  return [START, '| Method | Script | Action groups |', '|---|---|---|', ...rows, END].join('\n');
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
