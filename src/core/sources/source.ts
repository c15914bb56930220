// Where bytes come from. A source is addressed like an S3 bucket: by keys relative to its root
// ('/'-separated, no leading slash), listed one level at a time with a delimiter. A local folder
// and an S3 bucket/prefix both implement it, so discovery, the tree, ingest and digest
// validation work the same on either.
import type { WorkerFile } from './regularFile';

export interface SourceObject {
  kind: 'object';
  /** Key relative to the source root, '/'-separated. */
  key: string;
  size: number;
  /** Last modified time, ms since the epoch, when known. */
  modified?: number;
  /** S3 ETag (or a local stand-in: size + mtime) used to key caches. */
  etag?: string;
}

export interface SourcePrefix {
  kind: 'prefix';
  /** Ends with '/'. */
  prefix: string;
}

export type SourceEntry = SourceObject | SourcePrefix;

export interface ReadOptions {
  /** Refuse objects larger than this many bytes (before decompression). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface LogSource {
  /** Human-readable location, e.g. a folder path or s3://bucket/prefix. */
  readonly label: string;
  /** 'folder' or 's3'. */
  readonly type: string;
  /**
   * The server the source is read from when the label does not say (an S3-compatible endpoint,
   * its password redacted); undefined for AWS and for folders. What is cached of a source is
   * kept by label and server, so that a bucket's name at another endpoint never shares it.
   */
  readonly server?: string;
  /**
   * Lists the entries directly under `prefix` ('' for the root, else ending in '/'): objects at
   * that level and sub-prefixes, like S3 ListObjectsV2 with Delimiter '/'. Sorted by key.
   */
  listLevel(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]>;
  /**
   * Every object under `prefix`, recursively, in key order. What the listing leaves out and the
   * user should know of (a sub-folder it cannot read, a link it does not follow, a FIFO) is
   * passed to `onProblem`, one error naming each; the listing goes on.
   */
  listAll(
    prefix: string,
    signal?: AbortSignal,
    onProblem?: (problem: SourceError) => void,
  ): AsyncIterable<SourceObject>;
  /**
   * The object's bytes exactly as stored (still gzipped for .gz), in a buffer the caller owns (the
   * worker pool transfers it). Throws SourceError.
   */
  read(key: string, options?: ReadOptions): Promise<Uint8Array>;
  /**
   * The key as a local file a worker thread may read itself (readRegularFileSync), when the
   * source can vouch for it without reading it: a folder's file whose folder is inside the
   * folder. Undefined: read it with `read`. A worker that finds a symbolic link there declines
   * it (LinkDeclined), and `read` decides whether it is followed.
   */
  workerFile?(key: string): Promise<WorkerFile | undefined>;
  /** A local file path for the key when the source has one (folders; cached S3 objects). */
  localPath?(key: string): string | undefined;
  /** S3 user metadata of the object (e.g. digest `signature`); undefined where there is none. */
  metadata?(key: string): Promise<Record<string, string> | undefined>;
  /** The key as people write it (s3://bucket/key), where the label plus the key is not it. */
  uri?(key: string): string;
}

/**
 * 'special': a FIFO, device or socket (only regular files are read). 'outside': a symbolic link
 * leading out of a folder source, not followed unless allowed. 'duplicate': a second path to a
 * file already listed (a link or hard link), read once. 'changed': a file read again for its
 * records holds other bytes than those indexed (EventIndex.rawRecords), or an S3 object is
 * another version than the one listed.
 */
export type SourceErrorCode =
  | 'not-found'
  | 'access-denied'
  | 'too-large'
  | 'loop'
  | 'io'
  | 'network'
  | 'cancelled'
  | 'special'
  | 'outside'
  | 'duplicate'
  | 'changed';

/** A failure reading from a source, with the key it concerns and what the user can do. */
/** Where a key is, as people write it: s3://bucket/key (keys include any prefix), or label/key. */
export function keyLocation(source: LogSource, key: string): string {
  return source.uri?.(key) ?? `${source.label.replace(/\/+$/, '')}/${key}`;
}

/** Problems that are notices, not failures: what they name was left out on purpose. */
export function isNoticeCode(code: string): boolean {
  return code === 'outside' || code === 'duplicate';
}

export class SourceError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}
