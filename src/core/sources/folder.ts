// A local folder as a LogSource. Keys are paths relative to the folder with '/' separators.
// Read-only: nothing here ever writes to the user's files.
//
// The folder is the evidence boundary. Symbolic links that lead outside it are not followed
// unless the source allows it (`followLinksOutside`): a link in a log folder to ~/.aws/credentials
// or to another case's logs must not bring those bytes in. Only regular files are read (see
// regularFile.ts). A full listing (listAll) reports what it leaves out through `onProblem`: links
// leading outside, FIFOs and devices, sub-folders it cannot read, and second paths to a file it
// already listed (two links to one file would count its events twice).
import { promises as fs, Dirent, Stats } from 'node:fs';
import * as path from 'node:path';
import {
  fileError,
  notRegularFileError,
  readRegularFile,
  specialKindOf,
  WorkerFile,
} from './regularFile';
import { LogSource, ReadOptions, SourceEntry, SourceError, SourceObject } from './source';

const STAT_BATCH = 256;

export interface FolderSourceOptions {
  /** Follow symbolic links whose target lies outside the folder (default false: not read, reported). */
  followLinksOutside?: boolean;
}

/** What the setting and the CLI flag that allow links outside the folder are called, for messages. */
export const FOLLOW_LINKS_HINT =
  'allowed by --follow-links-outside or the setting cloudtrailLens.folders.followLinksOutside';

/** True when `full` is `root` or lies inside it (both absolute; works for `/` and drive roots). */
export function isInside(root: string, full: string): boolean {
  const rel = path.relative(root, full);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

interface LevelEntry {
  entry: SourceEntry;
  /** The entry is a symbolic link (possibly leading outside). */
  link: boolean;
  /** A FIFO, device or socket: what it is. */
  special?: string;
  /** device:inode of a regular file, to find a second path to it. */
  identity?: string;
}

export class FolderSource implements LogSource {
  readonly type = 'folder';
  readonly root: string;
  private realRoot: Promise<string> | undefined;
  /** Real paths of folders files were read from (see read); cleared by every full listing. */
  private readonly realFolders = new Map<string, Promise<string>>();

  constructor(
    root: string,
    readonly options: FolderSourceOptions = {},
  ) {
    this.root = path.resolve(root);
  }

  get label(): string {
    return this.root;
  }

  localPath(key: string): string {
    const full = path.resolve(this.root, ...key.split('/'));
    if (!isInside(this.root, full)) {
      throw new SourceError('not-found', key, `${key}: outside the folder ${this.root}`);
    }
    return full;
  }

  async listLevel(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]> {
    return (await this.readLevel(prefix, signal)).map((e) => e.entry);
  }

  async *listAll(
    prefix: string,
    signal?: AbortSignal,
    onProblem?: (problem: SourceError) => void,
  ): AsyncIterable<SourceObject> {
    // Each folder is walked once, however many links reach it (a link back up the tree is a loop).
    const seenFolders = new Set<string>();
    const seenFiles = new Map<string, string>(); // device:inode → first key
    this.realFolders.clear();
    const report = (p: SourceError) => onProblem?.(p);
    // `known`: the folder's real path when the walk already knows it (see below), else undefined.
    const walk = async function* (
      this: FolderSource,
      level: string,
      known?: string,
    ): AsyncIterable<SourceObject> {
      const dir = level ? this.localPath(level.replace(/\/$/, '')) : this.root;
      let entries: LevelEntry[];
      let real: string;
      try {
        real = known ?? (await fs.realpath(dir));
        if (seenFolders.has(real)) {
          if (level)
            report(
              new SourceError(
                'duplicate',
                level,
                `${dir}: a link to a folder already listed (${real}); not walked again`,
              ),
            );
          return;
        }
        seenFolders.add(real);
        // What `read` asks of each file's folder, answered once here.
        this.realFolders.set(dir, Promise.resolve(real));
        entries = await this.readLevel(level, signal, known !== undefined);
      } catch (e) {
        if (e instanceof SourceError && e.code === 'cancelled') throw e;
        // An unreadable sub-folder is reported like an unreadable file: its files were not read.
        const err = fileError(e, level, dir, 'folder');
        report(new SourceError(err.code, level, `${err.message}; the files in it were not read`));
        return;
      }
      for (const e of entries) {
        const key = e.entry.kind === 'object' ? e.entry.key : e.entry.prefix;
        let target: Awaited<ReturnType<FolderSource['linkTarget']>>;
        if (e.link) {
          target = await this.linkTarget(key.replace(/\/$/, ''));
          if (target && !target.inside && !this.options.followLinksOutside) {
            report(this.outsideError(key.replace(/\/$/, ''), target.real));
            continue;
          }
          // A link to something this listing reaches at its own path: read there, once.
          if (
            target?.inside &&
            (target.key + (e.entry.kind === 'prefix' ? '/' : '')).startsWith(prefix) &&
            !e.special
          ) {
            report(
              new SourceError(
                'duplicate',
                key,
                `${this.localPath(key)}: a link to ${target.real}, which is read at its own path; not read twice`,
              ),
            );
            continue;
          }
        }
        if (e.special) {
          report(notRegularFileError(key, this.localPath(key), e.special));
          continue;
        }
        if (e.entry.kind === 'prefix') {
          // A sub-folder that is no link is really where this folder really is, under its name;
          // a link's real path was just found, and whether it may be followed decided. Asking
          // realpath instead walks every component again: a tree thousands of folders deep cost
          // its depth squared per level (a folder 2,000 deep took minutes to list).
          const name = e.entry.prefix.slice(level.length, -1);
          yield* walk.call(this, e.entry.prefix, e.link ? target?.real : path.join(real, name));
          continue;
        }
        if (e.identity) {
          const first = seenFiles.get(e.identity);
          if (first !== undefined) {
            report(
              new SourceError(
                'duplicate',
                key,
                `${this.localPath(key)}: the same file as ${this.localPath(first)} (a link or hard link); read once`,
              ),
            );
            continue;
          }
          seenFiles.set(e.identity, key);
        }
        yield e.entry;
      }
    };
    yield* walk.call(this, prefix);
  }

  async read(key: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const file = this.localPath(key);
    if (!this.options.followLinksOutside) {
      // A file that is no link is where its folder really is: one lstat, and one realpath per
      // folder (remembered until the next full listing), instead of a realpath per file.
      const st = await fs.lstat(file).catch(() => undefined);
      const outside =
        st && !st.isSymbolicLink()
          ? await this.folderOutside(key, path.dirname(file))
          : await this.outsideTarget(key);
      if (outside) throw outside;
    }
    return readRegularFile(file, { maxBytes: options.maxBytes, signal: options.signal, key });
  }

  async workerFile(key: string): Promise<WorkerFile | undefined> {
    const file = this.localPath(key);
    if (this.options.followLinksOutside) return { path: file, key, noFollow: false };
    // A file that is no link, in a folder really inside this one: what `read` checks, with the
    // lstat left to the worker (which declines a link, for `read` to decide on).
    if (await this.folderOutside(key, path.dirname(file))) return undefined;
    return { path: file, key, noFollow: true };
  }

  /** The error for a file in `dir` when `dir` really is outside the folder (a linked folder), else undefined. */
  private async folderOutside(key: string, dir: string): Promise<SourceError | undefined> {
    let real = this.realFolders.get(dir);
    if (!real) this.realFolders.set(dir, (real = fs.realpath(dir).catch(() => dir)));
    this.realRoot ??= fs.realpath(this.root).catch(() => this.root);
    const [realDir, realRoot] = await Promise.all([real, this.realRoot]);
    return isInside(realRoot, realDir)
      ? undefined
      : this.outsideError(key, path.join(realDir, path.basename(key)));
  }

  /** The error for a key whose real location is outside the folder (through a link), else undefined. */
  private async outsideTarget(key: string): Promise<SourceError | undefined> {
    const target = await this.linkTarget(key);
    return target && !target.inside ? this.outsideError(key, target.real) : undefined;
  }

  private outsideError(key: string, real: string): SourceError {
    return new SourceError(
      'outside',
      key,
      `${this.localPath(key)}: a symbolic link to ${real}, outside the folder ${this.root}; not followed (${FOLLOW_LINKS_HINT})`,
    );
  }

  /** Where a key really is: its real path, whether that is inside the folder and, if so, its key. */
  private async linkTarget(
    key: string,
  ): Promise<{ real: string; inside: boolean; key: string } | undefined> {
    let real: string;
    try {
      real = await fs.realpath(this.localPath(key));
    } catch {
      return undefined; // missing or a loop: reading it says so
    }
    this.realRoot ??= fs.realpath(this.root).catch(() => this.root);
    const realRoot = await this.realRoot;
    const inside = isInside(realRoot, real);
    return {
      real,
      inside,
      key: inside ? path.relative(realRoot, real).split(path.sep).join('/') : '',
    };
  }

  /** `checked`: the caller already knows the folder is not outside (a full listing's walk). */
  private async readLevel(
    prefix: string,
    signal?: AbortSignal,
    checked = false,
  ): Promise<LevelEntry[]> {
    const dir = prefix ? this.localPath(prefix.replace(/\/$/, '')) : this.root;
    if (prefix && !checked && !this.options.followLinksOutside) {
      const outside = await this.outsideTarget(prefix.replace(/\/$/, ''));
      if (outside) throw outside;
    }
    let dirents: Dirent[];
    try {
      dirents = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw fileError(e, prefix, dir, 'folder');
    }
    const entries: LevelEntry[] = [];
    for (let i = 0; i < dirents.length; i += STAT_BATCH) {
      if (signal?.aborted) throw new SourceError('cancelled', prefix, 'cancelled');
      const batch = await Promise.all(
        dirents.slice(i, i + STAT_BATCH).map((d) => this.entryFor(prefix, dir, d)),
      );
      for (const e of batch) if (e) entries.push(e);
    }
    return entries.sort((a, b) => compareKeys(entryKey(a.entry), entryKey(b.entry)));
  }

  private async entryFor(prefix: string, dir: string, d: Dirent): Promise<LevelEntry> {
    const key = prefix + d.name;
    const link = d.isSymbolicLink();
    if (d.isDirectory()) return { entry: { kind: 'prefix', prefix: key + '/' }, link };
    let st: Stats;
    try {
      st = await fs.stat(path.join(dir, d.name)); // follows links
    } catch {
      // A dangling or looping link is still listed, so reading it reports the reason.
      return { entry: { kind: 'object', key, size: 0 }, link };
    }
    if (st.isDirectory()) return { entry: { kind: 'prefix', prefix: key + '/' }, link };
    const object: SourceObject = {
      kind: 'object',
      key,
      size: st.isFile() ? st.size : 0,
      modified: st.mtimeMs,
      etag: `${st.size}-${Math.floor(st.mtimeMs)}-${Math.floor(st.ctimeMs)}`,
    }; // ctime: an edit whose mtime was set back still changes it
    // FIFOs, devices and sockets are listed (the explorer shows them; reading one says what it is).
    const special = specialKindOf(st);
    return {
      entry: object,
      link,
      special,
      identity: !special && st.ino ? `${st.dev}:${st.ino}` : undefined,
    };
  }
}

function entryKey(e: SourceEntry): string {
  return e.kind === 'object' ? e.key : e.prefix;
}

/** Byte-wise key order, as S3 lists keys. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
