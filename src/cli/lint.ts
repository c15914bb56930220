// Placeholder until the lint command lands; replaced by its implementation.
import { CliIo } from './io';

export async function runLint(_args: string[], io: CliIo): Promise<number> {
  io.err('cloudtrail-lens lint: not built yet\n');
  return 2;
}
