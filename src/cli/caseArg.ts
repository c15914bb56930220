// A case file named on the command line (`report CASEFILE`, `query --case FILE`): read and
// checked, or a usage error naming the file and the problem (the file is never written).
import { CaseFile, CaseFileError, parseCaseBytes } from '../core/case/caseFile';
import { readCaseBytes } from '../core/case/caseWrite';
import { SourceError } from '../core/sources/source';
import { UsageError } from './io';

export async function readCaseArg(file: string): Promise<CaseFile> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readCaseBytes(file);
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    throw new UsageError(e.message);
  }
  if (bytes === undefined) throw new UsageError(`${file}: no such case file`);
  try {
    return parseCaseBytes(bytes, file);
  } catch (e) {
    if (e instanceof CaseFileError) throw new UsageError(e.message);
    throw e;
  }
}
