// Running the CLI through main() with its output collected (stderr not a terminal).
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), stderrIsTTY: false };
  const code = await main(args, io);
  return { code, out, err };
}
