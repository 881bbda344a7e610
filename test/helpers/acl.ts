/**
 * Least privilege: with TEST_ACL=1 the library's client connects as a Redis ACL user
 * that may run only the commands the library needs, on the keys of the models defined in the
 * run; the test's own connection (testClient(): FLUSHALL, raw reads, CONFIG…) stays the
 * default user. The command list is the one the README gives to users who run with ACLs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster, Redis } from 'ioredis';
import { masters } from '../../src/runtime/client.js';
import { modelNames } from '../../src/model/registry.js';
import { SCRIPT_COMMANDS } from '../../src/runtime/lua-scripts.generated.js';

/** The library's own commands (src/acl-commands.ts, which `rapyer-ts check` uses too). */
import { CLIENT_COMMANDS, CLUSTER_COMMANDS, OPTIONAL_COMMANDS } from '../../src/acl-commands.js';
export { CLIENT_COMMANDS, CLUSTER_COMMANDS, OPTIONAL_COMMANDS };

/** Commands the scripts run inside Redis (ACLs apply to them too): made by the Lua build from lua/. */
export { SCRIPT_COMMANDS };

export const ACL_USER = 'rapyer';
const ACL_PASSWORD = 'rapyer-test-password';

export function aclEnabled(): boolean {
  return process.env.TEST_ACL === '1';
}

/**
 * The model names the test files define (`defineModel('Name', …)`), read from their source:
 * some tests define their models inside the test body, after any hook could see them.
 */
function sourceModelNames(dir = fileURLToPath(new URL('..', import.meta.url))): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) names.push(...sourceModelNames(path));
    else if (entry.name.endsWith('.ts')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/defineModel\(\s*'([A-Za-z_][A-Za-z0-9_.-]*)'/g)) names.push(m[1]!);
    }
  }
  return names;
}

/** A key pattern per model: its main key, collection keys and lock keys all start `Name:{`. */
let fromSource: string[] | null = null;

/** The model names of the README's examples (some tests run them as written, in this process). */
function readmeModelNames(): string[] {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  return [...readme.matchAll(/defineModel\(\s*'([A-Za-z_][A-Za-z0-9_.-]*)'/g)].map((m) => m[1]!);
}

export function keyPatterns(
  names: readonly string[] = [...new Set([...modelNames(), ...(fromSource ??= [...sourceModelNames(), ...readmeModelNames()])])],
): string[] {
  return names.map((n) => `~${n}:{*`);
}

/** ACL SETUSER arguments: nothing but the library's commands, on the keys of these models. */
export function aclRules(cluster: boolean, names?: readonly string[]): string[] {
  const commands = [...CLIENT_COMMANDS, ...(cluster ? CLUSTER_COMMANDS : []), ...SCRIPT_COMMANDS];
  return ['on', `>${ACL_PASSWORD}`, 'resetkeys', 'resetchannels', ...keyPatterns(names), '-@all', ...commands.map((c) => `+${c}`)];
}

/** The user's credentials, as ioredis options. */
export const ACL_AUTH = { username: ACL_USER, password: ACL_PASSWORD } as const;

/** Defines the ACL user on every master. */
export async function defineAclUser(admin: Redis | Cluster): Promise<void> {
  const cluster = admin instanceof Cluster;
  for (const node of await masters(admin)) await node.acl('SETUSER', ACL_USER, 'reset', ...aclRules(cluster));
}

/** Adds the key patterns of models defined since (a test may define its models as it runs). */
export async function refreshAclKeys(admin: Redis | Cluster): Promise<void> {
  if (!aclEnabled()) return;
  for (const node of await masters(admin)) await node.acl('SETUSER', ACL_USER, ...keyPatterns());
}

/** The library's client: the ACL user when TEST_ACL=1, else the admin client itself. */
export async function libraryClientFor(
  admin: Redis | Cluster,
  url: string,
  startupNodes: readonly { host: string; port: number }[] = [],
): Promise<Redis | Cluster> {
  if (!aclEnabled()) return admin;
  await defineAclUser(admin);
  return admin instanceof Cluster ? new Cluster([...startupNodes], { redisOptions: { ...ACL_AUTH } }) : new Redis(url, { ...ACL_AUTH });
}

/**
 * Throws if Redis refused the ACL user anything during the run (ACL LOG on every master): a
 * test that expects some error must not pass on a NOPERM.
 */
export async function assertNoDenials(admin: Redis | Cluster): Promise<void> {
  if (!aclEnabled()) return;
  for (const node of await masters(admin)) {
    const log = (await node.acl('LOG')) as unknown[];
    if (log.length > 0) throw new Error(`the ACL user was refused ${log.length} time(s) during the run: ${JSON.stringify(log.slice(0, 3))}`);
  }
}
