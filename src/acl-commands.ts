/**
 * The Redis commands the library's client sends itself (README, Reliability: ACLs); the commands
 * its scripts run are SCRIPT_COMMANDS, generated from lua/. `rapyer-ts check` dry-runs both
 * lists against the connected user's ACL, and the least-privilege test run grants exactly them.
 */

/** Commands the library's client sends itself, ioredis's connection set-up included. */
export const CLIENT_COMMANDS = [
  'hello', // ioredis's hand-shake (RESP3, with AUTH); with `protocol: 2`, `auth` instead
  'info', // ioredis's ready check; init() reads the server version
  'script|load', // init() preloads every script
  'evalsha',
  'eval', // every operation; EVAL after NOSCRIPT
  'scan', // afind() / afindKeys() without keys
] as const;

/**
 * Only with some client options: `connectionName` (client|setname), `db` (select), Redis 7.2+
 * (ioredis sends client|setinfo and ignores a refusal), `scaleReads` on a Cluster (readonly).
 */
export const OPTIONAL_COMMANDS = ['client|setname', 'select', 'client|setinfo', 'readonly'] as const;

/**
 * What a Cluster client needs on top of CLIENT_COMMANDS: its slot map, its ready check, and the
 * name it gives its slot-refresh connection.
 */
export const CLUSTER_COMMANDS = ['cluster|slots', 'cluster|info', 'client|setname'] as const;
