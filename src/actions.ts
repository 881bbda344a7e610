/**
 * ActionGroup: the groups an operation belongs to. Scripts receive an operation's groups as
 * ARGV[1]; the TTL step compares them with the model's refreshTtl mask inside Redis. Data only:
 * the table of operations (src/ops/table.ts) says which method is in which groups.
 */

export const ActionGroup = {
  READ: 1,
  FETCH: 2,
  CREATE: 4,
  UPDATE: 8,
  APPEND: 16,
  DELETE: 32,
  ERASE: 64,
  ARITHMETIC: 128,
  /** Every member; with `{ forTtl: true }` every member but DELETE (a valid refreshTtl). */
  all(options: { forTtl?: boolean } = {}): number {
    const every = 1 | 2 | 4 | 8 | 16 | 32 | 64 | 128;
    return options.forTtl ? every & ~32 : every;
  },
} as const;

/** The name of an action group: a key of ActionGroup (but `all`). */
export type ActionGroupName = 'READ' | 'FETCH' | 'CREATE' | 'UPDATE' | 'APPEND' | 'DELETE' | 'ERASE' | 'ARITHMETIC';
