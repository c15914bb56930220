// Where CLI output goes. Commands write through this so tests can capture stdout/stderr.
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress is shown only then). */
  stderrIsTTY: boolean;
}

export function processIo(): CliIo {
  // `cloudtrail-lens query … | head` closes stdout early: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

/** A bad argument or option: main() prints the message and exits 2. */
export class UsageError extends Error {}

/**
 * Walks command-line arguments: `handle` gets each argument (an option's name without its
 * `=value`, or a positional argument as is) and `value()`, which reads the option's value from
 * `--name=value` or the next argument.
 */
export function forEachArg(args: string[], handle: (arg: string, value: () => string) => void): void {
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const name = a;
    handle(name, () => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    });
  }
}
