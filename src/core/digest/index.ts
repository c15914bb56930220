// Digest-chain validation (log file integrity): the public surface used by the CLI and the extension.
import { promises as fs } from 'node:fs';
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
  FAILING_REPORT_FINDINGS,
  LOGS_NAMED_FINDINGS,
  UNVOUCHED_NOTICES,
  NOTICE_FILES_NAMED,
} from './report';
export { parseTime } from './digestFile';

/** Reads list-public-keys output files into one key ring. Errors name the file. */
export async function loadPublicKeyFiles(files: string[]): Promise<PublicKeyRing> {
  const ring = new PublicKeyRing();
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      throw new Error(`${file}: cannot read the public keys file (${(e as Error).message})`);
    }
    for (const entry of parsePublicKeyFile(text, file)) ring.add(entry);
  }
  return ring;
}

export async function loadSignaturesFile(file: string): Promise<SignaturesFile> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the signatures file (${(e as Error).message})`);
  }
  return parseSignaturesFile(text, file);
}
