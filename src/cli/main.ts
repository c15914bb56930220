// The `cloudtrail-lens` command: a thin front end over src/core. Each subcommand lives in its
// own module and returns the process exit code (0 ok, 1 findings, 2 bad arguments or query).
import { runQuery } from './query';
import { runDetect } from './detect';
import { runValidate } from './validate';
import { runReport } from './report';
import { runLint } from './lint';
import { runAthenaDdl, runSql } from './sql';
import { CliIo, processIo, terminalSafeIo, UsageError } from './io';
import { lookupTable } from '../core/lookupTable';
import { SourceError } from '../core/sources/source';
import { redactSecrets } from '../core/redact';

const COMMANDS = lookupTable<(args: string[], io: CliIo) => Promise<number>>({
  query: runQuery,
  detect: runDetect,
  validate: runValidate,
  lint: runLint,
  report: runReport,
  sql: runSql,
  'athena-ddl': runAthenaDdl,
});

const USAGE = `Usage: cloudtrail-lens <command> [options]

Commands:
  query PATH...      search CloudTrail events (files, folders, s3://bucket/prefix)
  detect PATH...     run Sigma detection rules (built-in pack and your own) over the events
  validate PATH      validate digest chains (log file integrity), like aws cloudtrail validate-logs
  lint FILE...       check trail and event-selector configuration files
  report CASEFILE PATH...  the evidence report of a case file (Markdown, HTML, Timesketch JSONL)
  sql                print the Athena or CloudTrail Lake SQL a filter compiles to
  athena-ddl S3URI   print the Athena table (partition projection) for a trail's bucket

Run "cloudtrail-lens <command> --help" for a command's options.`;

export async function main(argv: string[], rawIo: CliIo = processIo()): Promise<number> {
  // Everything printed goes through the terminal guard: arguments, file names and log content alike.
  const io = terminalSafeIo(rawIo);
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE + '\n');
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${require('../../package.json').version}\n`);
    return 0;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    io.err(`cloudtrail-lens: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await handler(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`cloudtrail-lens ${command}: ${e.message}\n`);
      return 2;
    }
    // A file that could not be read again for its records (or changed since it was loaded): its
    // message names it and says what to do; a stack trace would bury it.
    if (e instanceof SourceError) {
      io.err(`cloudtrail-lens ${command}: ${e.message}\n`);
      return 2;
    }
    // An unexpected error's text may quote an --endpoint URL or a server's reply: no secrets.
    io.err(
      `cloudtrail-lens ${command}: ${redactSecrets(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`,
    );
    return 2;
  }
}

if (require.main === module || process.env.CTL_CLI_ENTRY === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
