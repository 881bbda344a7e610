#!/usr/bin/env bash
# The package as a user meets it (README, Install): build, pack, lint the tarball (publint and
# @arethetypeswrong/cli, both must be clean), then install the tarball into a scratch project in a
# temp dir and use it there as an app would: a strict TypeScript ESM program (nodenext, type-checked
# by tsc), a TypeScript CommonJS one, plain `require`, and the `rapyer-ts` bin. With redis-server on
# PATH it also starts one on a free loopback port and does a real round trip.
#
#   npm run check:package        (KEEP=1 keeps the temp dir and prints where it is)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d)
redis_pid=''
cleanup() {
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  if [ "${KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

# The scratch project's files (kept here, not under scripts/, which the repository's tsc checks).
write_app() {
  cat >"$1/package.json" <<'EOF'
{ "name": "scratch-app", "private": true, "type": "module" }
EOF
  cat >"$1/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "es2022", "lib": ["es2023"], "types": ["node"],
    "module": "nodenext", "moduleResolution": "nodenext",
    "strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false,
    "rootDir": "src", "outDir": "out"
  },
  "include": ["src/*.ts", "src/*.cts"]
}
EOF
  cat >"$1/src/esm.ts" <<'EOF'
import assert from 'node:assert/strict';
import * as rapyer from 'rapyer-ts';
import { ActionGroup, UnsupportedArgumentError, defineModel, field } from 'rapyer-ts';
import { ActionGroup as ActionGroupAlone, type ActionGroupName } from 'rapyer-ts/actions';

class Session extends defineModel('Session', {
  userId: field.str({ key: true }),
  visits: field.int({ default: 0 }),
  tags: field.list(field.str()),
}, { ttl: 60, refreshTtl: ActionGroup.UPDATE | ActionGroup.ARITHMETIC }) {}

const input: ConstructorParameters<typeof Session>[0] = { userId: 'u1' };
const s = new Session(input);
const visits: number = s.visits.value;
assert.throws(() => {
  // @ts-expect-error: a str is not an int (the types reach the app), and the runtime refuses it too
  s.visits.value = 'x';
}, rapyer.ValidationError);
const group: ActionGroupName = 'UPDATE';
assert.equal(ActionGroupAlone, ActionGroup);
assert.equal(ActionGroupAlone[group], 8);
assert.equal(visits, 0);
assert.equal(s.key, 'Session:{u1}');

const refused = await rapyer.init({ redis: 'http://x' }).then(() => null, (e: unknown) => e);
assert.ok(refused instanceof UnsupportedArgumentError, String(refused));
assert.ok(refused instanceof rapyer.RapyerError);
assert.equal(refused.code, 'UNSUPPORTED');

const url = process.env.CHECK_REDIS_URL;
if (url) {
  await rapyer.init({ redis: url, models: [Session] });
  try {
    await s.asave();
    await s.visits.aincrease(2);
    const again = await Session.aget('u1');
    assert.equal(again.visits.value, 2);
    await again.adelete();
    console.log('ESM: round trip on', url);
  } finally {
    await rapyer.teardown();
  }
}
console.log('ESM: ok');
EOF
  cat >"$1/src/cjs.cts" <<'EOF'
import assert = require('node:assert/strict');
import rapyer = require('rapyer-ts');
import actions = require('rapyer-ts/actions');

const Counter = rapyer.defineModel('Counter', { n: rapyer.field.int({ default: 0 }) });
const c = new Counter({});
const n: number = c.n.value;
assert.equal(n, 0);
assert.equal(actions.ActionGroup, rapyer.ActionGroup);
assert.equal(actions.ActionGroup.all({ forTtl: true }) & actions.ActionGroup.DELETE, 0);
rapyer.init({ redis: 'http://x' }).then(
  () => { throw new Error('init accepted an http:// URL'); },
  (e: unknown) => {
    assert.ok(e instanceof rapyer.UnsupportedArgumentError, String(e));
    console.log('CommonJS (TypeScript): ok');
  },
);
EOF
  cat >"$1/src/plain.cjs" <<'EOF'
'use strict';
const assert = require('node:assert/strict');
const rapyer = require('rapyer-ts');
const { ActionGroup } = require('rapyer-ts/actions');
assert.equal(ActionGroup, rapyer.ActionGroup);
assert.equal(typeof rapyer.defineModel, 'function');
const Item = rapyer.defineModel('Item', { name: rapyer.field.str() });
assert.equal(new Item({ name: 'a' }).name.value, 'a');
rapyer.init({ redis: 'http://x' }).then(
  () => { throw new Error('init accepted an http:// URL'); },
  (e) => {
    assert.ok(e instanceof rapyer.UnsupportedArgumentError, String(e));
    assert.equal(e.code, 'UNSUPPORTED');
    console.log('plain require: ok');
  },
);
EOF
}

step build
npm run --silent build >/dev/null

step "npm pack"
tarball="$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)"
tar -tzf "$tarball" | sed 's|^package/||' | sort >"$work/files.txt"
for f in package.json actions/package.json dist/esm/index.js dist/esm/index.d.ts dist/cjs/index.js \
  dist/cjs/index.d.ts dist/cjs/package.json dist/esm/actions.js dist/cjs/actions.js dist/esm/cli.js README.md; do
  grep -qx "$f" "$work/files.txt" || { echo "missing from the tarball: $f" >&2; exit 1; }
done
if grep -E '^(src|test|scripts|node_modules)/' "$work/files.txt"; then echo "the tarball carries development files (above)" >&2; exit 1; fi
# The maps carry their sources (inlineSources): src/ is not shipped.
node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (!Array.isArray(m.sourcesContent) || !m.sourcesContent[0]) { console.error(process.argv[1] + ": no sourcesContent"); process.exit(1); }
' "$root/dist/esm/index.js.map"
echo "$(wc -l <"$work/files.txt") files, $(du -k "$tarball" | cut -f1) KiB: $(basename "$tarball")"

step publint
publint_out=$(npx --no-install publint run "$tarball" --pack false 2>&1) || { echo "$publint_out"; exit 1; }
echo "$publint_out"
echo "$publint_out" | grep -q 'All good!' || { echo "publint is not clean" >&2; exit 1; }

step "arethetypeswrong (every resolution: node10, node16 from CJS and ESM, bundler)"
npx --no-install attw "$tarball" --format table-flipped --no-color

step "scratch project: npm install <tarball> ioredis@6 typescript @types/node"
app="$work/app"
mkdir -p "$app/src"
write_app "$app"
ts_version=$(node -p 'require("typescript/package.json").version')
node_types=$(node -p 'require("@types/node/package.json").version')
(cd "$app" && npm install --no-audit --no-fund --prefer-offline --loglevel=error \
  "$tarball" ioredis@6 "typescript@$ts_version" "@types/node@$node_types" >/dev/null)

step "tsc --noEmit (strict, module nodenext: ESM and CommonJS consumers)"
(cd "$app" && npx --no-install tsc --noEmit -p . && npx --no-install tsc -p .)

if command -v redis-server >/dev/null 2>&1; then
  port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  export CHECK_REDIS_URL="redis://127.0.0.1:$port"
  echo "redis-server on $CHECK_REDIS_URL for a round trip"
fi

step "ESM program (import 'rapyer-ts', 'rapyer-ts/actions')"
(cd "$app" && node out/esm.js)
step "CommonJS program (TypeScript, require condition types)"
(cd "$app" && node out/cjs.cjs)
step "plain require('rapyer-ts'), require('rapyer-ts/actions')"
(cd "$app" && node src/plain.cjs)
step "the rapyer-ts bin"
(cd "$app" && npx --no-install rapyer-ts --version && npx --no-install rapyer-ts scripts list | head -n 3)
if [ -n "${CHECK_REDIS_URL:-}" ]; then (cd "$app" && npx --no-install rapyer-ts check --url "$CHECK_REDIS_URL"); fi

printf '\npackage check: all good\n'
