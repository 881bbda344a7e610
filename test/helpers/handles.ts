/**
 * Diagnosis of a run that does not exit by itself (mocha runs without --exit): once the root
 * hooks have closed everything, an unref'd timer (it never keeps the process alive itself)
 * prints what still does, `why-is-node-running` style, with Node's own handle list.
 */

interface HandleLike {
  readonly constructor: { readonly name: string };
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly localPort?: number;
  readonly pid?: number;
  readonly spawnfile?: string;
  readonly fd?: number;
}

/** One line per handle that keeps the event loop alive (sockets with their peer, child PIDs). */
export function describeActiveHandles(): string[] {
  const handles = (process as unknown as { _getActiveHandles(): HandleLike[] })._getActiveHandles();
  return handles
    .filter((h) => h !== process.stdout && h !== process.stderr && h !== process.stdin)
    .map((h) => {
      const name = h.constructor.name;
      if (h.remotePort !== undefined) return `${name} to ${h.remoteAddress}:${h.remotePort} (local port ${h.localPort})`;
      if (h.pid !== undefined) return `${name} pid ${h.pid} (${h.spawnfile ?? '?'})`;
      if (h.fd !== undefined && h.fd >= 0) return `${name} fd ${h.fd}`;
      return name;
    });
}

/**
 * If the process is still running `afterMs` after the run ended, prints the handles that keep
 * it alive to stderr (again every `afterMs`, since a reconnecting client's socket changes).
 */
export function reportIfStillRunning(afterMs = 10000): void {
  const timer = setInterval(() => {
    const lines = describeActiveHandles();
    // Resource types (a reconnecting client shows as a Timeout between its attempts).
    const resources = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    process.stderr.write(
      `\nthe test run ended ${afterMs} ms ago but the process is still running; ` +
        `active resources: ${resources.join(', ') || 'none'}; handles:\n` +
        `${lines.map((l) => `  ${l}`).join('\n') || '  (none)'}\n`,
    );
  }, afterMs);
  timer.unref();
}

/**
 * Runs every step, in order, even when an earlier one fails, then throws the first failure:
 * for `after` hooks and `finally` blocks that close clients and servers, so that one failed
 * step (an assertion, a refused command) never leaves the rest open.
 */
export async function closeAll(...steps: (() => unknown)[]): Promise<void> {
  let first: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      first ??= e;
    }
  }
  if (first !== null) throw first;
}
