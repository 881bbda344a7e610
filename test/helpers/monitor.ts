/**
 * Counting the commands clients send, with MONITOR on raw `node:net` sockets: no ioredis state
 * machine (an ioredis MONITOR connection whose ready check raced the first monitor line threw
 * "Command queue state error" and then reconnected forever after its server stopped), and no
 * sleeps: a unique marker command (ECHO) bounds the window on every monitored node.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** One line of a MONITOR stream: `+<time> [<db> <addr>|lua] "cmd" "arg" ...`. */
export interface MonitorLine {
  readonly time: string;
  readonly db: string;
  /** `host:port` of the client, `unix:<path>`, or `lua` for a command a script ran. */
  readonly source: string;
  readonly args: string[];
}

const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, '\\': 92, '"': 34 };

/** The quoted arguments of a MONITOR line, unescaped as Redis escaped them (sdscatrepr). */
function parseArgs(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i += 1;
      continue;
    }
    if (text[i] !== '"') throw new Error(`MONITOR line: expected a quote at ${i} in ${text}`);
    const bytes: number[] = [];
    i += 1;
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`MONITOR line: unterminated argument in ${text}`);
      i += 1;
      if (c === '"') break;
      if (c !== '\\') {
        bytes.push(c.charCodeAt(0));
        continue;
      }
      const e = text[i] ?? '';
      i += 1;
      if (e === 'x') {
        bytes.push(parseInt(text.slice(i, i + 2), 16));
        i += 2;
      } else {
        bytes.push(ESCAPES[e] ?? e.charCodeAt(0));
      }
    }
    args.push(Buffer.from(bytes).toString('utf8'));
  }
  return args;
}

/** Parses a MONITOR line without its leading `+` and trailing CRLF. */
export function parseMonitorLine(line: string): MonitorLine {
  const m = /^(\S+) \[(\S+) ([^\]]*)\] (.*)$/s.exec(line);
  if (!m) throw new Error(`not a MONITOR line: ${line}`);
  return { time: m[1]!, db: m[2]!, source: m[3]!, args: parseArgs(m[4]!) };
}

/** A TCP connection to host:port, once connected (or the connection error). */
function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      resolve(socket);
    });
  });
}

/** A command in RESP, as a client sends it. */
function resp(...args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

const WAIT_MS = 15000;

/** Receives each line of a stream that is not a marker, with the markers shown before it. */
export type OnLine = (line: MonitorLine, markersSeen: ReadonlySet<string>) => void;

/**
 * One node's MONITOR stream. Each line goes to `onLine` except the markers, which it records;
 * `waitMarker` resolves once the stream has shown a marker.
 */
export class MonitorStream {
  private pending = '';
  private readonly seen = new Set<string>();
  private readonly waiters = new Map<string, () => void>();
  private failure: Error | null = null;
  private readonly failed: (() => void)[] = [];

  private constructor(
    private readonly socket: Socket,
    readonly node: string,
    private readonly isMarker: (args: readonly string[]) => string | null,
    private readonly onLine: OnLine,
  ) {}

  /** Connects, sends MONITOR and resolves once Redis answered +OK (the stream is live). */
  static async open(host: string, port: number, isMarker: (args: readonly string[]) => string | null, onLine: OnLine): Promise<MonitorStream> {
    const socket = await openSocket(host, port);
    const stream = new MonitorStream(socket, `${host}:${port}`, isMarker, onLine);
    const ok = new Promise<void>((resolve, reject) => {
      stream.waiters.set('', resolve);
      stream.failed.push(() => reject(stream.failure));
    });
    socket.setEncoding('latin1'); // MONITOR escapes every byte outside printable ASCII
    socket.on('data', (chunk: string) => stream.receive(chunk));
    socket.on('error', (e) => stream.fail(e));
    socket.on('close', () => stream.fail(new Error(`MONITOR connection to ${stream.node} closed`)));
    socket.write(resp('MONITOR'));
    try {
      await withDeadline(ok, `MONITOR +OK from ${stream.node}`);
    } catch (e) {
      stream.close();
      throw e;
    }
    return stream;
  }

  private receive(chunk: string): void {
    this.pending += chunk;
    let end: number;
    while ((end = this.pending.indexOf('\r\n')) >= 0) {
      const line = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      this.handle(line);
    }
  }

  private handle(line: string): void {
    if (line === '+OK') {
      this.mark('');
      return;
    }
    if (!line.startsWith('+')) {
      this.fail(new Error(`MONITOR on ${this.node} answered ${line}`));
      return;
    }
    const parsed = parseMonitorLine(line.slice(1));
    const marker = this.isMarker(parsed.args);
    if (marker !== null) this.mark(marker);
    else this.onLine(parsed, this.seen);
  }

  private mark(marker: string): void {
    this.seen.add(marker);
    this.waiters.get(marker)?.();
    this.waiters.delete(marker);
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const f of this.failed.splice(0)) f();
  }

  /** Resolves once the stream has shown `marker`; rejects if the connection fails first. */
  waitMarker(marker: string): Promise<void> {
    if (this.seen.has(marker)) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    const shown = new Promise<void>((resolve, reject) => {
      this.waiters.set(marker, resolve);
      this.failed.push(() => reject(this.failure));
    });
    return withDeadline(shown, `the marker ${marker} on the MONITOR stream of ${this.node}`);
  }

  close(): void {
    this.failure ??= new Error('closed');
    this.socket.destroy();
  }
}

/** A connection that sends marker commands to one node (their replies are not read). */
export class MarkerSender {
  private constructor(private readonly socket: Socket) {}

  static async open(host: string, port: number): Promise<MarkerSender> {
    const socket = await openSocket(host, port);
    socket.on('error', () => {
      /* the MONITOR stream then never shows the marker: its wait fails */
    });
    socket.resume(); // replies are read and dropped
    return new MarkerSender(socket);
  }

  send(marker: string): void {
    this.socket.write(resp('ECHO', marker));
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A promise that rejects after WAIT_MS instead of waiting forever (the timer never outlives it). */
function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** A fresh marker id: `rapyer-mark-<random>`. */
export function newMarkerId(): string {
  return `rapyer-mark-${randomBytes(8).toString('hex')}`;
}
