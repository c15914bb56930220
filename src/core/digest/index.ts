// Digest-chain validation (log file integrity): the public surface used by the CLI and the extension.
import { readRegularFile } from '../sources/regularFile';
import { SourceError } from '../sources/source';
import { parsePublicKeyFile, PublicKeyRing } from './publicKeys';
import { parseSignaturesFile, SignaturesFile } from './signatures';

export * from './types';
export {
  validateSource,
  validateInventory,
  ValidationAbort,
  chainLabel,
  DIGEST_DELIVERY_SLACK,
  CLOCK_SLACK,
  MAX_DIGEST_BYTES,
} from './validator';
export type { ValidateOptions, ValidationProgress } from './validator';
export { inventorySource, parseTrailArn, trailArnOf } from './chains';
export type { ChainId, DigestChain, SourceInventory } from './chains';
export {
  PublicKeyRing,
  parsePublicKeyFile,
  PublicKeyFileError,
  PUBLIC_KEYS_FILE_NAME,
} from './publicKeys';
export {
  parseSignaturesFile,
  serializeSignaturesFile,
  SignaturesFileError,
  SIGNATURES_FILE_NAME,
} from './signatures';
export type { SignaturesFile, DigestMetadata } from './signatures';
export {
  writeChainText,
  writeFindings,
  exitCodeOf,
  coverageSummary,
  unverifiedText,
  FINDING_PREFIX,
  TAMPERING_FINDINGS,
  NOT_VALIDATED_FINDINGS,
  FAILING_REPORT_FINDINGS,
  LOGS_NAMED_FINDINGS,
  UNVOUCHED_NOTICES,
  NOTICE_FILES_NAMED,
} from './report';
export { ignoredOffset, parseTime } from './digestFile';

/**
 * The text of a keys or signatures file the user names: a regular file only (a FIFO would block
 * the read for ever, /dev/zero never ends), at most what a JavaScript string holds.
 */
async function readNamedFile(file: string, what: string): Promise<string> {
  try {
    return new TextDecoder().decode(await readRegularFile(file, { maxBytes: 512 * 1024 * 1024 }));
  } catch (e) {
    const reason =
      e instanceof SourceError ? e.message.replace(`${file}: `, '') : (e as Error).message;
    throw new Error(`${file}: cannot read the ${what} file (${reason})`);
  }
}

/** Reads list-public-keys output files into one key ring. Errors name the file. */
export async function loadPublicKeyFiles(files: string[]): Promise<PublicKeyRing> {
  const ring = new PublicKeyRing();
  for (const file of files)
    for (const entry of parsePublicKeyFile(await readNamedFile(file, 'public keys'), file))
      ring.add(entry);
  return ring;
}

export async function loadSignaturesFile(file: string): Promise<SignaturesFile> {
  return parseSignaturesFile(await readNamedFile(file, 'signatures'), file);
}
