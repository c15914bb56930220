// Where CLI output goes. Commands write through this so tests can capture stdout/stderr.
import { escapeHiddenInJson, terminalText } from '../core/output/visibleText';
import { redactSecrets } from '../core/redact';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal (progress is shown only then). */
  stderrIsTTY: boolean;
  /** True when stdout is an interactive terminal (JSON output is then written with its hidden characters escaped). */
  stdoutIsTTY?: boolean;
  /** The CLI's own terminal controls on stderr (the progress line's \r and erase): written as they are. */
  control?(text: string): void;
}

/** What must still be done when stdout closes early (see `beforeEarlyExit`). */
const earlyExitWork = new Set<() => void>();

/**
 * Has `work` (synchronous) done before the process stops early because stdout was closed, until
 * the returned function is called. The CLI writes its index cache after the answer: under
 * `… | head` the run is otherwise complete, and the next one should find the cache.
 */
export function beforeEarlyExit(work: () => void): () => void {
  earlyExitWork.add(work);
  return () => earlyExitWork.delete(work);
}

/** The exit code a command decided before printing its answer (see `exitCodeIfOutputCut`). */
let decidedExitCode: number | undefined;

/**
 * Says the command's exit code before it prints the answer that code is about. When stdout
 * closes early (`detect … | head`), the process stops with this code instead of 0: hits found,
 * an invalid digest or a lint error must not read as "nothing found" to a pipeline's pipefail.
 */
export function exitCodeIfOutputCut(code: number): void {
  decidedExitCode = code;
}

export function processIo(): CliIo {
  // `cloudtrail-lens query … | head` closes stdout early: stop quietly, as Unix tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') {
      for (const work of [...earlyExitWork]) {
        earlyExitWork.delete(work);
        work();
      }
      process.exit(decidedExitCode ?? process.exitCode ?? 0);
    }
    throw e;
  });
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  };
}

/**
 * The same output, safe for a terminal: log values, file names and messages quoting them are
 * attacker-controlled, and a control character sent to a terminal acts (an OSC sequence retitles
 * the window or writes to the clipboard; a bare CR overwrites what was printed). On a stream
 * that is a terminal, every control and other hidden character is shown as a marker (⟨U+001B⟩),
 * except tab, line feed and CRLF line ends; files and pipes get the output unchanged.
 */
export function terminalSafeIo(io: CliIo): CliIo {
  return {
    out: io.stdoutIsTTY ? (t) => io.out(terminalText(t)) : (t) => io.out(t),
    err: io.stderrIsTTY ? (t) => io.err(terminalText(t)) : (t) => io.err(t),
    stderrIsTTY: io.stderrIsTTY,
    stdoutIsTTY: io.stdoutIsTTY,
    control: io.control ?? ((t) => io.err(t)),
  };
}

/** A value as indented JSON for stdout; to a terminal, hidden characters are written as \u escapes (the same JSON). */
export function jsonForOutput(value: unknown, io: CliIo): string {
  const json = JSON.stringify(value, null, 2);
  return io.stdoutIsTTY ? escapeHiddenInJson(json) : json;
}

/** A bad argument or option: main() prints the message and exits 2. */
export class UsageError extends Error {}

/** The value of an option that takes one of a few words, or a UsageError naming them. */
export function oneOf<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value))
    throw new UsageError(
      `${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]} (got "${value}")`,
    );
  return value as T;
}

/**
 * The value of an endpoint option (--endpoint, --service-endpoint): an http:// or https:// URL, or
 * a UsageError naming the option (the AWS SDK would fail later with "TypeError: Invalid URL").
 */
export function endpointOption(flag: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new UsageError(
      // Not parsed, so whatever comes before the last '@' may be a user and password, written
      // without a scheme or with a '/' that URL parsers would read as a path.
      `${flag} must be a URL starting with https:// or http:// (got "${redactSecrets(value.replace(/^[^\s]*@/, '<redacted>@'))}")`,
    );
  return value;
}

/**
 * Walks command-line arguments: `handle` gets each argument (an option's name without its
 * `=value`, or a positional argument as is) and `value()`, which reads the option's value from
 * `--name=value` or the next argument. A `--` ends the options, as in POSIX tools: each argument
 * after it comes with `operand` true (a file named `-x` or `--count`), to be taken as it is.
 */
export function forEachArg(
  args: string[],
  handle: (arg: string, value: () => string, operand: boolean) => void,
): void {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') {
      const noValue = (): string => {
        throw new UsageError('an argument after -- takes no value');
      };
      for (const operand of args.slice(i + 1)) handle(operand, noValue, true);
      return;
    }
    let a = args[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const name = a;
    handle(
      name,
      () => {
        if (inline !== undefined) return inline;
        const v = args[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        return v;
      },
      false,
    );
  }
}
