// Saving a change to the shared case file without losing anyone else's. A change is made to the
// case as this reader last read or wrote it (what the analyst saw: the base, with its version);
// the save replaces the file only while it is still that version, and when it is not, merges the
// change with the file as it is now (core/case/caseMerge.ts) and tries again. A file that changed
// into something that is not a case file, or that was deleted, is never written over: the save
// is refused and says why, for the user to decide.
import {
  CaseFile,
  CaseFileError,
  emptyCase,
  parseCase,
  parseCaseBytes,
  serializeCase,
} from './caseFile';
import { mergeCases } from './caseMerge';
import { ABSENT, caseVersion, readCaseBytes, writeCaseFile } from './caseWrite';

/** A case as read from its file, with the file's version (caseVersion) it was read from. */
export interface CaseRead {
  case: CaseFile;
  version: string;
}

export type CaseSave =
  | {
      saved: true;
      /** The case as written, and the version of the file that holds it. */
      read: CaseRead;
      /** Whether the file had changed since the base was read (the change was merged into it). */
      merged: boolean;
      /** Where both sides changed one entry differently, and what was kept. */
      conflicts: string[];
    }
  /** The file changed into something that is not a case file (or cannot be read): `problem` says what. */
  | { saved: false; reason: 'unreadable'; problem: string }
  /** The file the base was read from was deleted since. */
  | { saved: false; reason: 'deleted' }
  /** The file kept changing while it was being saved. */
  | { saved: false; reason: 'busy' }
  /** The file could not be written (read-only, no permission, a full disk): `problem` says what, naming it. */
  | { saved: false; reason: 'unwritable'; problem: string };

const ATTEMPTS = 5;

/** Reads the case file: its case and version (an empty case for no file). Throws CaseFileError. */
export async function readCase(file: string): Promise<CaseRead> {
  let bytes: Buffer | undefined;
  try {
    bytes = await readCaseBytes(file);
  } catch (e) {
    // A SourceError names the file already.
    const message = e instanceof Error ? e.message : String(e);
    throw new CaseFileError(
      file,
      message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message,
    );
  }
  return {
    case: bytes === undefined ? emptyCase() : parseCaseBytes(bytes, file),
    version: caseVersion(bytes),
  };
}

/**
 * Saves `ours` (a change of `base.case`) to `file`: written as it is while the file is still
 * `base.version`, else merged with the file as it is now.
 */
export async function saveCase(file: string, base: CaseRead, ours: CaseFile): Promise<CaseSave> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let now: CaseRead;
    try {
      now = await readCase(file);
    } catch (e) {
      if (e instanceof CaseFileError)
        return { saved: false, reason: 'unreadable', problem: e.message };
      throw e;
    }
    const unkept = now.case.unkeptFields;
    if (unkept?.length)
      return {
        saved: false,
        reason: 'unreadable',
        problem: `${file}: holds fields a case does not keep (${unkept.slice(0, 3).join('; ')}${unkept.length > 3 ? `; and ${unkept.length - 3} more` : ''}), which saving would drop. Move what they say into a note, or remove them`,
      };
    const changed = now.version !== base.version;
    if (changed && now.version === ABSENT) return { saved: false, reason: 'deleted' };
    const { merged, conflicts } = changed
      ? mergeCases(base.case, ours, now.case)
      : { merged: ours, conflicts: [] };
    const text = serializeCase(merged);
    let written: boolean;
    try {
      written = await writeCaseFile(file, text, now.version);
    } catch (e) {
      const problem =
        e instanceof CaseFileError
          ? e.message
          : `${file}: could not be written: ${e instanceof Error ? e.message : String(e)}`;
      return { saved: false, reason: 'unwritable', problem };
    }
    if (written)
      return {
        saved: true,
        read: { case: parseCase(text, file), version: caseVersion(Buffer.from(text, 'utf8')) },
        merged: changed,
        conflicts,
      };
  }
  return { saved: false, reason: 'busy' };
}
