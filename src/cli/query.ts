// Placeholder until the query command lands; replaced by its implementation.
import { CliIo } from './io';

export async function runQuery(_args: string[], io: CliIo): Promise<number> {
  io.err('cloudtrail-lens query: not built yet\n');
  return 2;
}
