// A case file named on the command line (`report CASEFILE`, `query --case FILE`): read and
// checked, or a usage error naming the file and the problem (the file is never written).
import { promises as fs } from 'node:fs';
import { CaseFile, CaseFileError, parseCase } from '../core/case/caseFile';
import { UsageError } from './io';

export async function readCaseArg(file: string): Promise<CaseFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: ${code === 'ENOENT' ? 'no such case file' : (e as Error).message}`,
    );
  }
  try {
    return parseCase(text, file);
  } catch (e) {
    if (e instanceof CaseFileError) throw new UsageError(e.message);
    throw e;
  }
}
