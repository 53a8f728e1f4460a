/** A run's stdout and stderr as they arrive, and waits on them: for the in-process and the process helpers alike. */
export class OutputWatch {
  readonly output = { stdout: '', stderr: '' };
  readonly #listeners = new Set<() => void>();
  #ended = false;

  /** `command` names the run in failure messages. */
  constructor(
    private readonly command: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  append(stream: 'stdout' | 'stderr', text: string): void {
    this.output[stream] += text;
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Resolves with the first match in the stream as soon as it is written; rejects if the run ends first. */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs = this.defaultTimeoutMs): Promise<RegExpExecArray> {
    const { output } = this;
    const seen = () => `\nstdout: ${output.stdout}\nstderr: ${output.stderr}`;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      const check = () => {
        const match = pattern.exec(output[stream]);
        if (match) {
          done();
          resolve(match);
        } else if (this.#ended) {
          done();
          reject(new Error(`\`${this.command}\` ended before its ${stream} matched ${pattern}.${seen()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`No ${pattern} on the ${stream} of \`${this.command}\` within ${timeoutMs}ms.${seen()}`));
      }, timeoutMs);
      this.#listeners.add(check);
      check();
    });
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}
