// Downloading part of a bucket into a local folder that mirrors the bucket root (keys become
// paths), so the copy can be opened as a folder source and validated offline later: each
// digest's signature, which lives in its S3 metadata and not in the file, is written into the
// signatures file (src/core/digest/signatures.ts) at the folder's root, merged with what is there.
//
// Nothing the user has is overwritten: a file already present with other bytes is kept and
// reported as a conflict; one with the same bytes counts as already there.
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  parseSignaturesFile,
  serializeSignaturesFile,
  SIGNATURES_FILE_NAME,
  DigestMetadata,
} from '../digest/signatures';
import { unportableName } from './fileNames';
import { isInside } from './folder';
import { parseCloudTrailKey, parseCloudTrailFileName } from './layout';
import { LogSource, SourceError, SourceObject } from './source';
import { mapLimited } from '../mapLimited';

export interface DownloadOptions {
  /** Objects fetched at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export interface DownloadProgress {
  objectsTotal: number;
  objectsDone: number;
  bytes: number;
}

export interface DownloadResult extends DownloadProgress {
  written: string[];
  /** Already present with the same bytes. */
  unchanged: string[];
  /** Present with different bytes: kept as they are, the bucket's version not written. */
  conflicts: string[];
  /** Objects that could not be read, with the reason. */
  failed: { key: string; message: string }[];
  /** The signatures file written, when digests were downloaded. */
  signaturesFile?: string;
  signatures: number;
  cancelled: boolean;
}

function isDigestKey(key: string): boolean {
  const kind =
    parseCloudTrailKey(key)?.kind ??
    parseCloudTrailFileName(key.slice(key.lastIndexOf('/') + 1))?.kind;
  return kind === 'digest';
}

/** Downloads every object under `prefix` (or exactly `objects`) of `source` into `folder`. */
export async function downloadToFolder(
  source: LogSource & { bucket: string },
  scope: { prefix: string } | { objects: SourceObject[] },
  folder: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const root = path.resolve(folder);
  const objects: SourceObject[] = [];
  if ('objects' in scope) objects.push(...scope.objects);
  else for await (const o of source.listAll(scope.prefix, options.signal)) objects.push(o);

  const result: DownloadResult = {
    objectsTotal: objects.length,
    objectsDone: 0,
    bytes: 0,
    written: [],
    unchanged: [],
    conflicts: [],
    failed: [],
    signatures: 0,
    cancelled: false,
  };
  const signatures = new Map<string, DigestMetadata>();
  const stop = () => Boolean(options.signal?.aborted);
  await mapLimited(
    objects,
    Math.max(1, options.concurrency ?? 8),
    async (o) => {
      try {
        await downloadOne(source, o.key, root, result, options.signal);
        if (isDigestKey(o.key) && source.metadata) {
          const meta = await source.metadata(o.key);
          if (meta?.signature)
            signatures.set(o.key, {
              signature: meta.signature,
              'signature-algorithm': meta['signature-algorithm'],
            });
        }
      } catch (e) {
        if (e instanceof SourceError && e.code === 'cancelled') return; // not done; the signal stops the pool
        result.failed.push({ key: o.key, message: e instanceof Error ? e.message : String(e) });
      }
      result.objectsDone++;
      options.onProgress?.({
        objectsTotal: result.objectsTotal,
        objectsDone: result.objectsDone,
        bytes: result.bytes,
      });
    },
    { stop },
  );
  result.cancelled = Boolean(options.signal?.aborted) && result.objectsDone < result.objectsTotal;
  // Signatures of what was downloaded are kept even when cancelled: those files are on disk.
  if (signatures.size > 0) {
    result.signaturesFile = await mergeSignatures(
      path.join(root, SIGNATURES_FILE_NAME),
      source.bucket,
      signatures,
    );
    result.signatures = signatures.size;
  }
  return result;
}

/**
 * Where a key is written under `root` (a folder, a drive root or `/`); throws SourceError for a
 * key that would leave it or whose names are not plain file names everywhere (fileNames.ts).
 */
export function downloadPath(root: string, key: string): string {
  const file = path.resolve(root, ...key.split('/'));
  if (file === root || !isInside(root, file))
    throw new SourceError('io', key, `${key}: a key that leaves the folder is not written`);
  for (const segment of key.split('/')) {
    const why = unportableName(segment);
    if (why) throw new SourceError('io', key, `${key}: not written: ${why}`);
  }
  return file;
}

async function downloadOne(
  source: LogSource,
  key: string,
  root: string,
  result: DownloadResult,
  signal?: AbortSignal,
): Promise<void> {
  const file = downloadPath(root, key);
  const bytes = await source.read(key, { signal });
  result.bytes += bytes.length;
  if (!(await sameBytes(file, bytes))) {
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Created only where nothing is: a file that appeared since (another key of this download
    // that is the same name on a case-insensitive file system) is kept, as one that was there.
    if (await writeNew(file, bytes)) {
      result.written.push(key);
      return;
    }
  }
  if (await sameBytes(file, bytes)) result.unchanged.push(key);
  else result.conflicts.push(key);
}

/** Whether `file` holds exactly `bytes` (false when it is missing or not a readable file). */
async function sameBytes(file: string, bytes: Uint8Array): Promise<boolean> {
  let existing: Buffer;
  try {
    existing = await fs.readFile(file);
  } catch {
    return false;
  }
  return (
    Buffer.compare(existing, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) === 0
  );
}

/**
 * Writes `file` whole or not at all, and never over a file: written next to it, then linked to
 * its name (which fails if the name exists, where a rename would replace it). false when the
 * name was taken. On a file system without hard links, an exclusive copy.
 */
async function writeNew(file: string, bytes: Uint8Array): Promise<boolean> {
  const tmp = partName(file);
  try {
    await fs.writeFile(tmp, bytes, { flag: 'wx' });
    try {
      await fs.link(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
        throw e;
      try {
        await fs.copyFile(tmp, file, fsConstants.COPYFILE_EXCL);
      } catch (copy) {
        if ((copy as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw copy;
      }
    }
    return true;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

function partName(file: string): string {
  return `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
}

/** Adds signatures to the folder's signatures file (a file for another bucket is an error). */
async function mergeSignatures(
  file: string,
  bucket: string,
  add: Map<string, DigestMetadata>,
): Promise<string> {
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    text = undefined;
  }
  const objects = new Map<string, DigestMetadata>();
  if (text !== undefined) {
    const existing = parseSignaturesFile(text, file); // a broken file is reported, never overwritten
    if (existing.bucket && existing.bucket !== bucket) {
      throw new SourceError(
        'io',
        SIGNATURES_FILE_NAME,
        `${file}: holds signatures of bucket "${existing.bucket}", not "${bucket}"; download into another folder`,
      );
    }
    for (const [k, v] of existing.objects) objects.set(k, v);
  }
  for (const [k, v] of add) objects.set(k, v);
  await writeAtomically(file, Buffer.from(serializeSignaturesFile(bucket, objects), 'utf8'));
  return file;
}

/** Replaces `file` whole or not at all (the signatures file, merged with what it held). */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = partName(file);
  try {
    await fs.writeFile(tmp, bytes, { flag: 'wx' });
    await fs.rename(tmp, file);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
