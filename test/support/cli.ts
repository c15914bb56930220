// Runs the cloudtrail-lens CLI in-process, as the tests of every command do: its exit code and
// what it wrote to stdout and stderr (stderr is not a terminal, so no progress lines).
import { main } from '../../src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    stderrIsTTY: false,
  });
  return { code, out, err };
}
