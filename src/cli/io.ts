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
