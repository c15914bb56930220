// The persisted index: what indexing each event file produced (its ColumnBatch, notes and
// warnings), saved per scope so that reopening a case does not read, gunzip and scan again.
//
// One pack file per scope. Each entry is one event file's batch, keyed by the file's location
// and its version (S3 ETag; size, mtime and ctime for a local file), so a changed file misses its
// entry and is read again, a deleted one is simply not asked for (and dropped at the next save),
// and a new one is read and added: invalidation is exactly per file. The index built from cached
// batches is the index built from the files, because the batches are the same bytes.
//
// Pack layout (little-endian):
//   "CTLENS-INDEX\n"  u32 format  u32 headerLength  header JSON  u32 crc32(header JSON)
//   entries, each 8-aligned: meta length (u32), meta JSON, then the typed arrays, each 8-aligned.
// The header lists every entry with its offset, length and crc32. A pack of another format or
// schema, a truncated one or an entry whose checksum fails is never used: it is reported (a
// notice) and rebuilt. The pack holds the index only (field values, times, positions), never a
// raw record and nothing about credentials beyond the key ids the index shows.
//
// Beside the pack, the scope's snapshot (indexSnapshot.ts): the whole index as it was after the
// last complete load. When the files are listed again exactly as then, the index is taken from
// the snapshot whole and the pack is not even read; otherwise the pack's entries serve the files
// that did not change. Both are checked the same way, and both are kept, sized and cleared together.
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { batchArrays, type ColumnBatch } from './batch';
import { align8, readWholeFile, writePaddedAtomically } from './cacheFileIo';
import { RESOURCE_FIELDS, STORED_FIELDS } from '../index/schema';
import type { IndexState } from '../index/eventIndex';
import type { IndexedText } from './jobs';
import {
  readSnapshot,
  readSnapshotHeader,
  SnapshotError,
  type SnapshotFiles,
  type SnapshotHeader,
  writeSnapshot,
} from './indexSnapshot';

const MAGIC = Buffer.from('CTLENS-INDEX\n', 'latin1');
/** Bump when the entry encoding or what a batch holds changes. */
export const INDEX_CACHE_FORMAT = 1;
/** The columns a batch carries (query columns and attribution inputs): a pack written for other columns is foreign. */
const SCHEMA = createHash('sha256')
  .update(JSON.stringify([STORED_FIELDS, RESOURCE_FIELDS, 'responses of issuing events only']))
  .digest('hex')
  .slice(0, 16);
const PACK_SUFFIX = '.ctlindex';
const SNAPSHOT_SUFFIX = '.ctlsnap';
const isCacheFile = (name: string) => name.endsWith(PACK_SUFFIX) || name.endsWith(SNAPSHOT_SUFFIX);
/** The packs of all scopes together are kept under this (least recently used go first). */
export const DEFAULT_INDEX_CACHE_MAX_BYTES = 8 * 1024 ** 3;

/** What loading one file produced, as the loader appends it. */
export type CachedFile = Pick<
  IndexedText,
  'batch' | 'warnings' | 'skipped' | 'uncompressedBytes' | 'notes'
>;

interface EntryRef {
  /** Where the file is and which version of it (see fingerprint). */
  id: string;
  offset: number;
  length: number;
  crc: number;
}

interface PackHeader {
  schema: string;
  scope: string;
  written: string;
  entries: EntryRef[];
}

/** What identifies one version of one event file. */
export function fingerprint(
  sourceLabel: string,
  key: string,
  version: string | undefined,
  size: number,
): string | undefined {
  return version === undefined
    ? undefined
    : `${sourceLabel}\u0000${key}\u0000${size}\u0000${version}`;
}

/** Counts for people: how much of a load came from the cache. */
export interface IndexCacheStats {
  hits: number;
  misses: number;
  /** Entries of the previous pack no longer asked for (files changed or gone). */
  dropped: number;
  /** Bytes of the pack as last read or written. */
  bytes: number;
  /** The index was taken whole from the snapshot (no file read, the pack not needed). */
  snapshot: boolean;
  /** Bytes of the snapshot as last read or written. */
  snapshotBytes: number;
  /** Time taken to write the snapshot at the last save (ms; 0 when not written). */
  snapshotWriteMs: number;
}

/** What a load may take in (budget.ts): a snapshot that holds more is not used. */
export interface SnapshotLimits {
  maxRecords: number;
  maxBytes: number;
  maxFileBytes: number;
  /** Memory the process may still take before its ceiling. */
  memoryRoom?: number;
}

/**
 * One scope's persisted index. `open` reads the snapshot's header (if any). The loader, once the
 * files are listed, asks `snapshotFor` for the whole index; when the files changed it asks `get`
 * for each file before reading it (the pack is read then) and hands every newly indexed file to
 * `put`, and offers the new index with `offerSnapshot` when the load was complete. `save` then
 * writes the pack with the entries of this load only (what was not asked for is gone) and the
 * snapshot.
 */
export class IndexCache {
  readonly notices: string[] = [];
  readonly stats: IndexCacheStats = {
    hits: 0,
    misses: 0,
    dropped: 0,
    bytes: 0,
    snapshot: false,
    snapshotBytes: 0,
    snapshotWriteMs: 0,
  };
  readonly snapshotPath: string;
  private readonly previous = new Map<string, { bytes: Buffer; ref: EntryRef }>();
  private readonly kept = new Map<string, Uint8Array>();
  private changed = false;
  private packRead = false;
  private snapshotHeader: SnapshotHeader | undefined;
  /** A snapshot file is there that is not (or no longer) right: replaced or removed at save. */
  private snapshotStale = false;
  private offered: { files: SnapshotFiles; state: () => IndexState } | undefined;

  private constructor(
    readonly path: string,
    private readonly scope: string,
  ) {
    this.snapshotPath = path.slice(0, -PACK_SUFFIX.length) + SNAPSHOT_SUFFIX;
  }

  /** The pack of `scope` in `dir` (made when saved). Never throws for a bad pack: it notes it. */
  static open(dir: string, scope: string): IndexCache {
    const name = createHash('sha256').update(scope).digest('hex').slice(0, 32) + PACK_SUFFIX;
    const cache = new IndexCache(join(dir, name), scope);
    cache.openSnapshot();
    return cache;
  }

  /** A snapshot is there: the loader lists every file before loading any, to compare. */
  get hasSnapshot(): boolean {
    return this.snapshotHeader !== undefined;
  }

  /**
   * The whole index saved after the last complete load, when `ids` (each listed file's
   * identity, in listing order) are exactly the files it was made of and it fits `limits`;
   * else undefined (a damaged snapshot is noted). The caller adopts it (EventIndex.adopt).
   */
  snapshotFor(
    ids: readonly (string | undefined)[],
    limits: SnapshotLimits,
  ): IndexState | undefined {
    const h = this.snapshotHeader;
    if (!h) return undefined;
    const same = h.files.length === ids.length && h.files.every((id, i) => id === ids[i]);
    if (!same) {
      this.snapshotStale = true;
      return undefined;
    }
    const size = h.body.offset + h.body.length;
    if (
      h.records > limits.maxRecords ||
      h.bytes > limits.maxBytes ||
      h.largestFile > limits.maxFileBytes ||
      (limits.memoryRoom !== undefined && size > limits.memoryRoom)
    )
      return undefined; // the load's budget decides, file by file
    try {
      const state = readSnapshot(this.snapshotPath, h);
      this.stats.snapshot = true;
      this.stats.snapshotBytes = size;
      this.stats.hits += ids.length;
      return state;
    } catch (e) {
      this.snapshotFailed(e);
      return undefined;
    }
  }

  /**
   * The index of a complete load, saved as the snapshot at `save` (the state is asked for then).
   * `files`: each file's identity and decompressed size, in listing order.
   */
  offerSnapshot(files: SnapshotFiles, state: () => IndexState): void {
    this.offered = { files, state };
  }

  get(id: string | undefined): CachedFile | undefined {
    if (id === undefined) return undefined;
    this.readPack();
    const entry = this.previous.get(id);
    if (!entry) {
      this.stats.misses++;
      return undefined;
    }
    const bytes = entry.bytes.subarray(entry.ref.offset, entry.ref.offset + entry.ref.length);
    let decoded: CachedFile | undefined;
    if (crc32(bytes) === entry.ref.crc) {
      try {
        decoded = decodeEntry(bytes);
      } catch {
        decoded = undefined;
      }
    }
    if (!decoded) {
      this.notices.push(
        `index cache ${this.path}: an entry is damaged (checksum or format); that file is read again`,
      );
      this.previous.delete(id);
      this.stats.misses++;
      this.changed = true;
      return undefined;
    }
    this.stats.hits++;
    this.kept.set(id, bytes);
    return decoded;
  }

  put(id: string | undefined, result: CachedFile): void {
    if (id === undefined) return;
    this.readPack();
    this.kept.set(id, encodeEntry(result));
    this.changed = true;
  }

  /**
   * Writes the pack if anything changed and the snapshot if one was offered (each atomically: a
   * new file renamed over the old); removes a snapshot that no longer applies.
   */
  save(): void {
    if (this.packRead) this.savePack();
    if (this.offered) {
      const { files, state } = this.offered;
      this.offered = undefined;
      mkdirSync(join(this.path, '..'), { recursive: true });
      const started = performance.now();
      this.stats.snapshotBytes = writeSnapshot(this.snapshotPath, this.scope, files, state());
      this.stats.snapshotWriteMs = performance.now() - started;
      this.snapshotStale = false;
    } else if (this.snapshotStale) {
      rmSync(this.snapshotPath, { force: true });
      this.snapshotStale = false;
    }
  }

  private savePack(): void {
    this.stats.dropped = [...this.previous.keys()].filter((k) => !this.kept.has(k)).length;
    if (!this.changed && this.stats.dropped === 0) return;
    const entries: EntryRef[] = [];
    let offset = 0;
    for (const [id, bytes] of this.kept) {
      entries.push({ id, offset, length: bytes.length, crc: crc32(bytes) });
      offset = align8(offset + bytes.length);
    }
    const header: PackHeader = {
      schema: SCHEMA,
      scope: this.scope,
      written: new Date().toISOString(),
      entries,
    };
    const headerJson = Buffer.from(JSON.stringify(header), 'utf8');
    const start = MAGIC.length + 8 + headerJson.length + 4;
    const lead = Buffer.alloc(align8(start));
    MAGIC.copy(lead);
    lead.writeUInt32LE(INDEX_CACHE_FORMAT, MAGIC.length);
    lead.writeUInt32LE(headerJson.length, MAGIC.length + 4);
    headerJson.copy(lead, MAGIC.length + 8);
    lead.writeUInt32LE(crc32(headerJson), MAGIC.length + 8 + headerJson.length);
    mkdirSync(join(this.path, '..'), { recursive: true });
    // Written entry by entry from the bytes kept (no copy of the whole: at ten million events
    // the pack is over 2 GiB), to a new file renamed over the old.
    writePaddedAtomically(this.path, [lead, ...this.kept.values()]);
    this.stats.bytes = lead.length + offset;
  }

  private openSnapshot(): void {
    try {
      this.snapshotHeader = readSnapshotHeader(this.snapshotPath, this.scope);
    } catch (e) {
      this.snapshotFailed(e);
      return;
    }
    if (!this.snapshotHeader) return;
    touch(this.snapshotPath);
  }

  private snapshotFailed(e: unknown): void {
    if (!(e instanceof SnapshotError)) throw e;
    this.notices.push(
      `index cache ${this.snapshotPath}: ${e.message}; the index is rebuilt from the per-file entries and the files`,
    );
    this.snapshotHeader = undefined;
    this.snapshotStale = true;
  }

  /** Reads the pack, once, when a file's entry is first wanted (not when the snapshot serves). */
  private readPack(): void {
    if (this.packRead) return;
    this.packRead = true;
    let bytes: Buffer | undefined;
    try {
      bytes = readWholeFile(this.path);
    } catch (e) {
      this.notices.push(
        `index cache ${this.path}: could not be read (${e instanceof Error ? e.message : String(e)}); the index is rebuilt from the files`,
      );
      this.changed = true;
      return;
    }
    if (!bytes) return; // no pack yet
    this.stats.bytes = bytes.length;
    touch(this.path);
    const fail = (why: string) => {
      this.notices.push(`index cache ${this.path}: ${why}; the index is rebuilt from the files`);
      this.changed = true;
    };
    if (bytes.length < MAGIC.length + 8 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
      return fail('not an index cache file');
    const format = bytes.readUInt32LE(MAGIC.length);
    if (format !== INDEX_CACHE_FORMAT)
      return fail(`written in format ${format}, this version reads format ${INDEX_CACHE_FORMAT}`);
    const headerLength = bytes.readUInt32LE(MAGIC.length + 4);
    const headerStart = MAGIC.length + 8;
    if (headerStart + headerLength + 4 > bytes.length) return fail('truncated');
    const headerJson = bytes.subarray(headerStart, headerStart + headerLength);
    if (crc32(headerJson) !== bytes.readUInt32LE(headerStart + headerLength))
      return fail('its header is damaged (checksum)');
    let header: PackHeader;
    try {
      header = JSON.parse(headerJson.toString('utf8')) as PackHeader;
    } catch {
      return fail('its header is damaged');
    }
    if (header.schema !== SCHEMA) return fail('written for other index columns');
    if (header.scope !== this.scope) return fail('written for another scope');
    const body = align8(headerStart + headerLength + 4);
    // Typed arrays are read in place: entries start 8-aligned within an 8-aligned body.
    const view = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
    const data = view.subarray(body);
    for (const ref of header.entries) {
      if (
        !Number.isInteger(ref.offset) ||
        !Number.isInteger(ref.length) ||
        ref.offset < 0 ||
        ref.offset + ref.length > data.length
      )
        return fail('truncated');
      this.previous.set(ref.id, { bytes: data, ref });
    }
  }
}

/** Marks a cache file used now: pruning deletes the least recently used. */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // read-only cache folder: still usable
  }
}

/** The size of every pack and snapshot in `dir` (what Clear Index Cache would free). */
export function indexCacheSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const name of safeList(dir)) {
    if (!isCacheFile(name)) continue;
    try {
      bytes += statSync(join(dir, name)).size;
      files++;
    } catch {
      // gone meanwhile
    }
  }
  return { files, bytes };
}

/** Deletes every pack and snapshot in `dir` (only files this cache wrote). */
export function clearIndexCache(dir: string): { files: number; bytes: number } {
  const size = indexCacheSize(dir);
  for (const name of safeList(dir))
    if (isCacheFile(name) || name.endsWith('.tmp')) rmSync(join(dir, name), { force: true });
  return size;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

type Meta = Omit<CachedFile, 'batch'> & {
  count: number;
  shape: ColumnBatch['shape'];
  renamed: string[];
  /** values[1..] (values[0] is the absent value). */
  values: Array<string | number | boolean | null>;
  arrays: number[];
};

function encodeEntry(r: CachedFile): Uint8Array {
  const b = r.batch;
  const arrays = batchArrays(b);
  const meta: Meta = {
    count: b.count,
    shape: b.shape,
    renamed: b.renamed,
    values: b.values.slice(1) as Meta['values'],
    warnings: r.warnings,
    skipped: r.skipped,
    uncompressedBytes: r.uncompressedBytes,
    notes: r.notes,
    arrays: arrays.map((a) => a.length),
  };
  const metaJson = Buffer.from(JSON.stringify(meta), 'utf8');
  let size = align8(4 + metaJson.length);
  for (const a of arrays) size = align8(size + a.byteLength);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(metaJson.length, 0);
  metaJson.copy(out, 4);
  let at = align8(4 + metaJson.length);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align8(at + a.byteLength);
  }
  return out;
}

function decodeEntry(bytes: Uint8Array): CachedFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const metaLength = buf.readUInt32LE(0);
  const meta = JSON.parse(buf.subarray(4, 4 + metaLength).toString('utf8')) as Meta;
  const nScalars = STORED_FIELDS.length;
  const nResources = RESOURCE_FIELDS.length;
  if (meta.arrays.length !== 7 + nScalars + nResources) throw new Error('entry columns');
  let at = align8(4 + metaLength);
  let i = 0;
  const take = <T extends Float64Array | Uint32Array | Uint8Array>(ctor: {
    new (b: ArrayBufferLike, o: number, n: number): T;
    BYTES_PER_ELEMENT: number;
  }): T => {
    const n = meta.arrays[i++];
    const byteLength = n * ctor.BYTES_PER_ELEMENT;
    if (at + byteLength > buf.length) throw new Error('entry truncated');
    const a = new ctor(buf.buffer, buf.byteOffset + at, n);
    at = align8(at + byteLength);
    return a;
  };
  const elements = take(Uint32Array);
  const times = take(Float64Array);
  const timeIrregular = take(Uint32Array);
  const scalars = Array.from({ length: nScalars }, () => take(Uint32Array));
  const resourceStart = take(Uint32Array);
  const resources = Array.from({ length: nResources }, () => take(Uint32Array));
  const resourceIrregular = take(Uint32Array);
  const rowIrregular = take(Uint32Array);
  const eventIds = take(Uint8Array);
  if (
    elements.length !== meta.count ||
    times.length !== meta.count ||
    resourceStart.length !== meta.count + 1 ||
    eventIds.length !== meta.count * 16
  )
    throw new Error('entry sizes');
  const batch: ColumnBatch = {
    count: meta.count,
    shape: meta.shape,
    elements,
    times,
    timeIrregular,
    values: [undefined, ...meta.values],
    scalars,
    resourceStart,
    resources,
    resourceIrregular,
    rowIrregular,
    eventIds,
    renamed: meta.renamed,
  };
  return {
    batch,
    warnings: meta.warnings,
    skipped: meta.skipped,
    uncompressedBytes: meta.uncompressedBytes,
    notes: meta.notes,
  };
}

/**
 * The platform's user cache folder for the CLI's packs: $CLOUDTRAIL_LENS_CACHE_DIR when set,
 * else $XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows.
 */
export function userIndexCacheDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
): string {
  if (env.CLOUDTRAIL_LENS_CACHE_DIR) return env.CLOUDTRAIL_LENS_CACHE_DIR;
  const base =
    platform === 'darwin'
      ? join(home, 'Library', 'Caches')
      : platform === 'win32'
        ? (env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'))
        : (env.XDG_CACHE_HOME ?? join(home, '.cache'));
  return join(base, 'cloudtrail-lens', 'index');
}

/**
 * Keeps the packs and snapshots in `dir` under `maxBytes` together by deleting the least
 * recently used ones (each is touched when it is read). `keep` (the pack just written) and its
 * snapshot are never deleted.
 */
export function pruneIndexCache(dir: string, maxBytes: number, keep?: string): number {
  const packs = safeList(dir)
    .filter(isCacheFile)
    .map((n) => {
      const path = join(dir, n);
      try {
        const st = statSync(path);
        return { path, size: st.size, used: st.mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter((p): p is { path: string; size: number; used: number } => p !== undefined)
    .sort((a, b) => a.used - b.used);
  let total = packs.reduce((s, p) => s + p.size, 0);
  let removed = 0;
  for (const p of packs) {
    if (total <= maxBytes) break;
    if (keep && p.path.slice(0, p.path.lastIndexOf('.')) === keep.slice(0, keep.lastIndexOf('.')))
      continue;
    rmSync(p.path, { force: true });
    total -= p.size;
    removed++;
  }
  return removed;
}
