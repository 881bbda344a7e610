/**
 * `rapyer-ts check`: can the library run on this server, as this user? The server's version
 * (7.0 or newer), its mode (single or Cluster), whether every script is loaded on every master
 * (SCRIPT EXISTS; a missing one is a warning: init() loads them and the runner falls back to
 * EVAL), and whether the user's ACL allows every command the library sends and its scripts run
 * (ACL DRYRUN on every master, for the user ACL WHOAMI names or --user).
 */
import { Cluster, type Redis } from 'ioredis';
import { masters } from '../runtime/client.js';
import { SCRIPT_NAMES, scriptSource, type ScriptName } from '../runtime/scripts.js';
import { SCRIPT_COMMANDS } from '../runtime/lua-scripts.generated.js';
import { CLIENT_COMMANDS, CLUSTER_COMMANDS } from '../acl-commands.js';
import { describeError } from './common.js';

export interface AclDenial {
  readonly command: string;
  /** Redis's reason, as DRYRUN gave it. */
  readonly reason: string;
}

export interface MasterReport {
  readonly address: string;
  readonly version: string;
  readonly missingScripts: ScriptName[];
  /** null when the ACL could not be checked (`aclError` says why). */
  readonly aclUser: string | null;
  readonly deniedCommands: AclDenial[];
  /** Keys of a --model that the user's key patterns refuse (the commands themselves are allowed). */
  readonly deniedKeys: KeyDenial[];
  readonly aclError: string | null;
}

export interface CheckReport {
  readonly url: string;
  readonly cluster: boolean;
  readonly masters: MasterReport[];
  readonly commands: string[];
  readonly failures: string[];
  readonly warnings: string[];
  readonly ok: boolean;
}

/** The commands the library needs on this topology. */
export function requiredCommands(cluster: boolean): string[] {
  return [...new Set<string>([...CLIENT_COMMANDS, ...(cluster ? CLUSTER_COMMANDS : []), ...SCRIPT_COMMANDS])];
}

/** DRYRUN arguments for a command with a key (every argument is the key: a valid key for any slot). */
function sampleArgs(command: string, key: string, arity: Map<string, { arity: number; keyed: boolean }>): string[] {
  if (command === 'eval') return ['eval', 'return 1', '1', key];
  if (command === 'evalsha') return ['evalsha', '0'.repeat(40), '1', key];
  if (command === 'script|load') return ['script', 'load', 'return 1'];
  if (command === 'client|setname') return ['client', 'setname', 'rapyer'];
  if (command === 'client|setinfo') return ['client', 'setinfo', 'lib-name', 'rapyer'];
  if (command.includes('|')) return command.split('|');
  const info = arity.get(command) ?? { arity: 2, keyed: true };
  const n = Math.abs(info.arity) - 1;
  return [command, ...Array.from({ length: n }, () => (info.keyed ? key : '0'))];
}

async function commandInfo(node: Redis, commands: readonly string[]): Promise<Map<string, { arity: number; keyed: boolean }>> {
  const plain = commands.filter((c) => !c.includes('|') && c !== 'eval' && c !== 'evalsha');
  const rows = (await node.call('COMMAND', 'INFO', ...plain)) as (unknown[] | null)[];
  const out = new Map<string, { arity: number; keyed: boolean }>();
  rows.forEach((row, i) => {
    if (row) out.set(plain[i]!, { arity: Number(row[1]), keyed: Number(row[3]) > 0 });
  });
  return out;
}

/** A sample key the user's key patterns refuse, and the commands DRYRUN refused on it. */
export interface KeyDenial {
  readonly key: string;
  readonly commands: string[];
  readonly reason: string;
}

/**
 * DRYRUNs every command for `user` on one node; `keys` are the sample keys (one per --model).
 * A refusal is DRYRUN's answer; an error (NOPERM on ACL DRYRUN itself) means nothing was checked.
 */
async function dryRun(
  node: Redis,
  user: string,
  commands: readonly string[],
  keys: readonly string[],
): Promise<{ denied: AclDenial[]; deniedKeys: KeyDenial[] }> {
  const info = await commandInfo(node, commands);
  const denied: AclDenial[] = [];
  const byKey = new Map<string, KeyDenial>();
  for (const command of commands) {
    for (const key of keys) {
      let reason: string;
      try {
        reason = String(await node.call('ACL', 'DRYRUN', user, ...sampleArgs(command, key, info)));
      } catch (e) {
        if (/NOPERM/.test(describeError(e))) throw e;
        reason = describeError(e); // e.g. a command this server does not know
      }
      if (reason === 'OK') continue;
      if (/permissions to access the .* (key|channel)/.test(reason)) {
        const d = byKey.get(key) ?? { key, commands: [], reason };
        d.commands.push(command);
        byKey.set(key, d);
      } else {
        denied.push({ command, reason });
        break; // the command itself is refused: one line is enough
      }
    }
  }
  return { denied, deniedKeys: [...byKey.values()] };
}

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

async function checkMaster(node: Redis, options: { user: string | undefined; models: readonly string[]; commands: readonly string[] }): Promise<MasterReport> {
  const address = `${node.options.host}:${node.options.port}`;
  const version = /redis_version:([^\r\n]+)/.exec(await node.info('server'))?.[1] ?? 'unknown';
  const shas = SCRIPT_NAMES.map((n) => scriptSource(n).sha);
  const exists = (await node.script('EXISTS', ...shas)) as number[];
  const missingScripts = SCRIPT_NAMES.filter((_n, i) => exists[i] !== 1);
  const base = { address, version, missingScripts };
  if (!versionAtLeast(version, 7, 0)) return { ...base, aclUser: null, deniedCommands: [], deniedKeys: [], aclError: 'ACL DRYRUN needs Redis 7.0' };
  let user: string;
  try {
    user = options.user ?? String(await node.call('ACL', 'WHOAMI'));
    const keys = options.models.length > 0 ? options.models.map((m) => `${m}:{rapyer-check}`) : ['rapyer-check:{x}'];
    const { denied, deniedKeys } = await dryRun(node, user, options.commands, keys);
    return { ...base, aclUser: user, deniedCommands: denied, deniedKeys: options.models.length > 0 ? deniedKeys : [], aclError: null };
  } catch (e) {
    const why = describeError(e);
    const hint = /NOPERM/.test(why) ? ' (this user may not run ACL WHOAMI / ACL DRYRUN: check as an admin with --user NAME)' : '';
    return { ...base, aclUser: options.user ?? null, deniedCommands: [], deniedKeys: [], aclError: `${why}${hint}` };
  }
}

export async function check(client: Redis | Cluster, url: string, options: { user: string | undefined; models: readonly string[] }): Promise<CheckReport> {
  const cluster = client instanceof Cluster;
  const commands = requiredCommands(cluster);
  const nodes = await masters(client);
  const reports = await Promise.all(nodes.map((n) => checkMaster(n, { ...options, commands })));
  const failures: string[] = [];
  const warnings: string[] = [];
  for (const r of reports) {
    if (!versionAtLeast(r.version, 7, 0)) failures.push(`${r.address}: Redis ${r.version}; the library needs 7.0 or newer`);
    if (r.aclError) failures.push(`${r.address}: ACL not checked: ${r.aclError}`);
    for (const d of r.deniedCommands) failures.push(`${r.address}: user ${r.aclUser} may not run ${d.command}: ${d.reason}`);
    for (const d of r.deniedKeys)
      failures.push(`${r.address}: user ${r.aclUser} may not access ${d.key} (${d.commands.length} command(s): ${d.commands.join(' ')})`);
    if (r.missingScripts.length > 0) {
      const which =
        r.missingScripts.length === SCRIPT_NAMES.length
          ? 'no script is loaded'
          : `${r.missingScripts.length} script(s) not loaded (${r.missingScripts.join(', ')})`;
      warnings.push(`${r.address}: ${which}: init() or \`rapyer-ts scripts load\` loads them; until then the runner falls back to EVAL`);
    }
  }
  return { url, cluster, masters: reports, commands, failures, warnings, ok: failures.length === 0 };
}

/** The human form of a check. */
export function formatCheck(r: CheckReport): string {
  const lines = [`${r.url}: ${r.cluster ? `cluster, ${r.masters.length} master(s)` : 'single server'}`];
  for (const m of r.masters) {
    const scripts = `${SCRIPT_NAMES.length - m.missingScripts.length}/${SCRIPT_NAMES.length} scripts loaded`;
    const acl = m.aclError ? 'ACL not checked' : `ACL: user ${m.aclUser}, ${r.commands.length - m.deniedCommands.length}/${r.commands.length} commands allowed`;
    lines.push(`  ${m.address}: Redis ${m.version}; ${scripts}; ${acl}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const f of r.failures) lines.push(`FAIL: ${f}`);
  lines.push(r.ok ? 'ok' : `${r.failures.length} check(s) failed`);
  return lines.join('\n');
}
