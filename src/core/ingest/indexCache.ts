// The persisted index: what indexing each event file produced (its ColumnBatch, notes and
// warnings), saved per scope so that reopening a case does not read, gunzip and scan again.
//
// One pack file per scope. Each entry is one event file's batch, keyed by the file's location
// and its version (S3 ETag; size, mtime and ctime for a local file), so a changed file misses its
// entry and is read again, a deleted one is simply not asked for (and dropped at the next save),
// and a new one is read and added: invalidation is exactly per file. The index built from cached
// batches is the index built from the files, because the batches are the same bytes.
//
// Pack layout (little-endian), format 3:
//   "CTLENS-INDEX\n"  u32 format, padded to 8
//   entries, each 8-aligned: meta length (u32), meta JSON, then the typed arrays, each 8-aligned
//   header JSON, padded to 8
//   footer: u64 offset of the header JSON, u32 its length, u32 its crc32
// The header lists every entry with its offset, length and crc32. It comes last so that the pack
// is written one entry at a time and read entry by entry when a file asks for it: at ten million
// events the entries are 2.4 GB, which neither a load nor a reopening holds in memory. An entry
// taken from the old pack is copied as the load takes it; the entry of a file indexed anew is
// made when the cache is saved, from the file's rows in the index (ColumnStore.batches), so that
// the load spends nothing on it (at a million events, 0.8 CPU seconds of the workers'). A pack of
// another format or schema, a truncated one or an entry whose checksum fails is never used: it is
// reported (a notice) and rebuilt. The pack holds the index only (field values, times,
// positions), never a raw record and nothing about credentials beyond the key ids the index shows.
//
// Beside the pack, the scope's snapshot (indexSnapshot.ts): the whole index as it was after the
// last complete load. When the files are listed again exactly as then, the index is taken from
// the snapshot whole and the pack is not even read; otherwise the pack's entries serve the files
// that did not change. Both are checked the same way, and both are kept, sized and cleared together.
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { CachedFile, decodeEntry, EntryEncoder } from './cacheEntry';
import {
  appendTrailer,
  leadOf,
  PaddedFileWriter,
  readAll,
  readTrailer,
  removeOrphanTemps,
} from './cacheFileIo';
import { RESOURCE_FIELDS, STORED_FIELDS } from '../index/schema';
import type { IndexState } from '../index/eventIndex';
import {
  readSnapshot,
  readSnapshotHeader,
  SnapshotError,
  type SnapshotFiles,
  type SnapshotHeader,
  snapshotWriting,
} from './indexSnapshot';

const MAGIC = Buffer.from('CTLENS-INDEX\n', 'latin1');
/** How long one step of writing the pack's entries may hold the thread (IndexCache.saving). */
const PACK_STEP_MS = 8;
/** Bump when the entry encoding or what a batch holds changes (3: exporters' zone-less event times are times, impossible dates are none, and a file with bytes that are not UTF-8 has a note; 4: a record naming eventName twice is read by JSON.parse, so an issuing call's credentials are kept, and a field spelt two ways, neither CloudTrail's, has a note; 5: records naming an indexed key twice are read by JSON.parse and the file has a warning, IndexedText.repeatedKeys; 6: a number JSON cannot write, 1e999, is IRREGULAR, no longer saved as null; 7: files read by the general path have the repeated-keys warning too, and a UTF-16 file that is not valid UTF-16 has a note; 8: a file whose event times are dates only or zone-less has a warning, IndexedText.timeWarning; 9: a number a double would not print back as written, 1E2, is kept as its text, index/schema.ts WrittenNumber). */
export const INDEX_CACHE_FORMAT = 9;
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
  /** The entries of the pack read (the one on disk when the load began), by file identity. */
  private readonly previous = new Map<string, EntryRef>();
  /** The pack read, open to read its entries one at a time. */
  private previousFd: number | undefined;
  /** The new pack, written entry by entry as files are indexed or taken from the old one. */
  private writer: PaddedFileWriter | undefined;
  /** Where each entry of the new pack is. */
  private readonly written = new Map<string, EntryRef>();
  /** The entries of files indexed anew, encoded and written when the pack is saved (`put`). */
  private readonly deferred = new Map<string, () => CachedFile>();
  /** Writing the new pack failed: `save` reports it (the load itself goes on). */
  private writeError: unknown;
  /** The new pack differs from the old one (a file read again, a damaged entry, a bad pack). */
  private changed = false;
  /**
   * Entries taken from the old pack while nothing has changed: they are copied into a new pack
   * only once one is needed (`startRewrite`), so that a reopening with nothing changed (the
   * snapshot unused) writes nothing.
   */
  private readonly pendingHits: EntryRef[] = [];
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

  /** Where the pack of `scope` in `dir` is (its snapshot beside it). */
  static packPath(dir: string, scope: string): string {
    return join(dir, createHash('sha256').update(scope).digest('hex').slice(0, 32) + PACK_SUFFIX);
  }

  /** The pack of `scope` in `dir` (made when saved). Never throws for a bad pack: it notes it. */
  static open(dir: string, scope: string): IndexCache {
    removeOrphanTemps(dir);
    const cache = new IndexCache(IndexCache.packPath(dir, scope), scope);
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
    const ref = this.previous.get(id);
    if (!ref || this.previousFd === undefined) {
      this.stats.misses++;
      return undefined;
    }
    // A buffer of its own per entry (8-aligned, so its typed arrays are read in place), dropped
    // once the index has taken the batch in.
    const bytes = Buffer.allocUnsafeSlow(ref.length);
    let decoded: CachedFile | undefined;
    try {
      if (readAll(this.previousFd, bytes, ref.offset) === ref.length && crc32(bytes) === ref.crc)
        decoded = decodeEntry(bytes);
    } catch {
      decoded = undefined;
    }
    if (!decoded) {
      this.notices.push(
        `index cache ${this.path}: an entry is damaged (checksum or format); that file is read again`,
      );
      this.previous.delete(id);
      this.stats.misses++;
      this.startRewrite();
      return undefined;
    }
    this.stats.hits++;
    if (this.changed) this.append(id, bytes, ref.crc);
    else this.pendingHits.push(ref);
    return decoded;
  }

  /**
   * A file indexed anew: its entry is `entry()`, asked for when the pack is saved (`saving`), so
   * that the load does not spend its time encoding entries (the loader reads each file's rows
   * back from the index then: ColumnStore.batches).
   */
  put(id: string | undefined, entry: () => CachedFile): void {
    if (id === undefined) return;
    this.readPack();
    this.startRewrite();
    this.deferred.set(id, entry);
  }

  /**
   * Writes the pack if anything changed and the snapshot if one was offered (each atomically: a
   * new file renamed over the old); removes a snapshot that no longer applies. Throws when a
   * file could not be written (the answer of the load does not depend on it).
   */
  save(): void {
    const steps = this.saving();
    while (!steps.next().done);
  }

  /**
   * `save` in steps (see snapshotWriting): the pack's new entries a few milliseconds at a time and
   * its header, then the snapshot piece by piece, so that the extension host can answer the view
   * between the steps. The index must not change until it is done; given up before the end, it
   * leaves no new snapshot.
   */
  *saving(): Generator<void, void> {
    try {
      if (this.packRead) yield* this.packSaving();
    } finally {
      this.close();
    }
    if (this.offered) {
      const { files, state } = this.offered;
      this.offered = undefined;
      mkdirSync(join(this.path, '..'), { recursive: true });
      const started = performance.now();
      this.stats.snapshotBytes = yield* snapshotWriting(
        this.snapshotPath,
        this.scope,
        files,
        state(),
      );
      // (Time from the first step to the last, the waits between them included.)
      this.stats.snapshotWriteMs = performance.now() - started;
      this.snapshotStale = false;
    } else if (this.snapshotStale) {
      rmSync(this.snapshotPath, { force: true });
      this.snapshotStale = false;
    }
  }

  /**
   * Ends without saving (a cancelled load): the pack read is closed and the new one, unfinished,
   * removed; the files on disk stay as they were. `save` does this itself.
   */
  close(): void {
    this.deferred.clear();
    this.closePrevious();
    this.writer?.abort();
    this.writer = undefined;
  }

  /**
   * From now on the pack is written anew: the entries taken from the old one so far are copied
   * into it, one at a time, and later ones as they come.
   */
  private startRewrite(): void {
    if (this.changed) return;
    this.changed = true;
    for (const ref of this.pendingHits.splice(0)) {
      if (this.writeError !== undefined || this.previousFd === undefined) break;
      const bytes = Buffer.allocUnsafeSlow(ref.length);
      try {
        readAll(this.previousFd, bytes, ref.offset); // (checked when it was taken)
      } catch (e) {
        this.writeError = e;
        break;
      }
      this.append(ref.id, bytes, ref.crc);
    }
  }

  /** Closes the pack read (before the new one is renamed over it, or at the end). */
  private closePrevious(): void {
    if (this.previousFd !== undefined) closeSync(this.previousFd);
    this.previousFd = undefined;
  }

  /** Appends one entry to the new pack (opened at the first). A failure stops the writing only. */
  private append(id: string, bytes: Uint8Array, crc: number): void {
    if (this.writeError !== undefined) return;
    try {
      if (!this.writer) {
        mkdirSync(join(this.path, '..'), { recursive: true });
        this.writer = new PaddedFileWriter(this.path);
        this.writer.append(leadOf(MAGIC, INDEX_CACHE_FORMAT));
      }
      const offset = this.writer.append(bytes);
      this.written.set(id, { id, offset, length: bytes.length, crc });
    } catch (e) {
      this.writeError = e;
      this.writer?.abort();
      this.writer = undefined;
    }
  }

  /** Writes the new pack: the entries of files indexed anew, a step every few ms; then its header. */
  private *packSaving(): Generator<void, void> {
    const taken = new Set([
      ...this.written.keys(),
      ...this.pendingHits.map((r) => r.id),
      ...this.deferred.keys(),
    ]);
    this.stats.dropped = [...this.previous.keys()].filter((k) => !taken.has(k)).length;
    if (!this.changed && this.stats.dropped === 0) return; // the pack on disk is this one
    this.startRewrite();
    let stepStarted = performance.now();
    const encoder = new EntryEncoder();
    for (const [id, entry] of this.deferred) {
      if (this.writeError !== undefined) break;
      const encoded = encoder.encode(entry()); // (written at once: its bytes are the encoder's)
      this.append(id, encoded.bytes, encoded.crc);
      if (performance.now() - stepStarted >= PACK_STEP_MS) {
        yield;
        stepStarted = performance.now();
      }
    }
    this.deferred.clear();
    if (this.writeError !== undefined) throw this.writeError;
    if (!this.writer) {
      // Nothing to keep: no pack rather than an empty one.
      rmSync(this.path, { force: true });
      this.stats.bytes = 0;
      return;
    }
    const header: PackHeader = {
      schema: SCHEMA,
      scope: this.scope,
      written: new Date().toISOString(),
      entries: [...this.written.values()],
    };
    appendTrailer(this.writer, Buffer.from(JSON.stringify(header), 'utf8'));
    this.stats.bytes = this.writer.position;
    this.closePrevious(); // (renamed over below)
    this.writer.commit();
    this.writer = undefined;
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

  /**
   * Reads the pack's header, once, when a file's entry is first wanted (not when the snapshot
   * serves); the entries are read one by one as they are asked for.
   */
  private readPack(): void {
    if (this.packRead) return;
    this.packRead = true;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no pack yet
      return this.packFailed(`could not be read (${(e as Error).message})`);
    }
    let why: string | undefined;
    try {
      why = this.readPackHeader(fd);
    } catch (e) {
      why = `could not be read (${e instanceof Error ? e.message : String(e)})`;
    }
    if (why !== undefined) {
      closeSync(fd);
      this.previous.clear();
      return this.packFailed(why);
    }
    this.previousFd = fd;
    touch(this.path);
  }

  /** Fills `previous` from the pack open as `fd`; returns what is wrong with it, if anything. */
  private readPackHeader(fd: number): string | undefined {
    const t = readTrailer(fd, MAGIC, INDEX_CACHE_FORMAT, 'an index cache file');
    if ('problem' in t) return t.problem;
    this.stats.bytes = t.size;
    const { headerOffset, bodyOffset } = t;
    let header: PackHeader;
    try {
      header = JSON.parse(t.header.toString('utf8')) as PackHeader;
    } catch {
      return 'its header is damaged';
    }
    if (header.schema !== SCHEMA) return 'written for other index columns';
    if (header.scope !== this.scope) return 'written for another scope';
    if (!Array.isArray(header.entries)) return 'its header is damaged';
    for (const ref of header.entries) {
      if (
        typeof ref?.id !== 'string' ||
        !Number.isInteger(ref.offset) ||
        !Number.isInteger(ref.length) ||
        ref.offset < bodyOffset ||
        ref.offset % 8 !== 0 ||
        ref.length < 0 ||
        ref.offset + ref.length > headerOffset
      )
        return 'its header is damaged (an entry out of place)';
      this.previous.set(ref.id, ref);
    }
    return undefined;
  }

  private packFailed(why: string): void {
    this.notices.push(`index cache ${this.path}: ${why}; the index is rebuilt from the files`);
    this.startRewrite();
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
