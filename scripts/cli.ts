/**
 * Development wrapper of the `rapyer-ts` command: runs src/cli.ts through tsx, so that
 * `npm run cli -- scripts list` works without a build. The published `bin` is dist/esm/cli.js.
 */
import '../src/cli.js';
