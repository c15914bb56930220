// A case file named on the command line (`report CASEFILE`, `query --case FILE`): read and
// checked, or a usage error naming the file and the problem (the file is never written).
import { CaseFile, CaseFileError, parseCase } from '../core/case/caseFile';
import { readRegularFile } from '../core/sources/regularFile';
import { SourceError } from '../core/sources/source';
import { UsageError } from './io';

/** A case file holds one line per annotation: far less than this. */
const MAX_CASE_FILE_BYTES = 256 * 1024 * 1024;

export async function readCaseArg(file: string): Promise<CaseFile> {
  let text: string;
  try {
    // Only a regular file: a FIFO would block the read for ever, /dev/zero never ends.
    text = new TextDecoder().decode(await readRegularFile(file, { maxBytes: MAX_CASE_FILE_BYTES }));
  } catch (e) {
    if (!(e instanceof SourceError)) throw e;
    throw new UsageError(e.code === 'not-found' ? `${file}: no such case file` : e.message);
  }
  try {
    return parseCase(text, file);
  } catch (e) {
    if (e instanceof CaseFileError) throw new UsageError(e.message);
    throw e;
  }
}
