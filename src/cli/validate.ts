// Placeholder until the validate command lands; replaced by its implementation.
import { CliIo } from './io';

export async function runValidate(_args: string[], io: CliIo): Promise<number> {
  io.err('cloudtrail-lens validate: not built yet\n');
  return 2;
}
