/**
 * The progress shown on stderr while the benchmark runs: a redrawn bar when stderr is a TTY,
 * otherwise one plain line per finished step (CI logs, pipes).
 */
export interface Progress {
  /** A step starts; `expectedMs` is how long it should take (for the bar's fill). */
  start(label: string, expectedMs: number): void;
  /** The step is done. */
  done(): void;
  /** A message outside the steps (a skip, a warning). */
  note(message: string): void;
  stop(): void;
}

const WIDTH = 30;

function fmtTime(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

class TtyProgress implements Progress {
  #step = 0;
  #label = '';
  #stepStart = 0;
  #expected = 1;
  readonly #begin = performance.now();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream,
  ) {
    this.#timer = setInterval(() => this.#draw(), 100);
    this.#timer.unref();
  }

  #draw(): void {
    const within = Math.min(0.99, (performance.now() - this.#stepStart) / this.#expected);
    const fraction = Math.min(1, (this.#step + (this.#label ? within : 0)) / this.total);
    const filled = Math.round(fraction * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const line = `${bar} ${String(Math.floor(fraction * 100)).padStart(3)}%  ${this.#step}/${this.total}  ${fmtTime(performance.now() - this.#begin)}  ${this.#label}`;
    const cols = this.out.columns ?? 100;
    this.out.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
  }

  start(label: string, expectedMs: number): void {
    this.#label = label;
    this.#stepStart = performance.now();
    this.#expected = Math.max(1, expectedMs);
    this.#draw();
  }

  done(): void {
    this.#step += 1;
    this.#label = '';
    this.#draw();
  }

  note(message: string): void {
    this.out.write(`\r\x1b[2K${message}\n`);
    this.#draw();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.out.write('\r\x1b[2K');
  }
}

/** Without a TTY: no bar, only the notes (one line per workload, warnings, skips). */
class LineProgress implements Progress {
  #step = 0;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WritableStream,
  ) {}

  start(): void {}

  done(): void {
    this.#step += 1;
  }

  note(message: string): void {
    this.out.write(`[${this.#step}/${this.total}] ${message}\n`);
  }

  stop(): void {}
}

export function progress(total: number): Progress {
  return process.stderr.isTTY ? new TtyProgress(total, process.stderr) : new LineProgress(total, process.stderr);
}
