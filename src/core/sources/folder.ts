// A local folder as a LogSource. Keys are paths relative to the folder with '/' separators.
// Read-only: nothing here ever writes to the user's files.
import { promises as fs, Dirent } from 'node:fs';
import * as path from 'node:path';
import { LogSource, ReadOptions, SourceEntry, SourceError, SourceObject } from './source';

const STAT_BATCH = 256;

export class FolderSource implements LogSource {
  readonly type = 'folder';
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get label(): string {
    return this.root;
  }

  localPath(key: string): string {
    const full = path.resolve(this.root, ...key.split('/'));
    if (full !== this.root && !full.startsWith(this.root + path.sep)) {
      throw new SourceError('not-found', key, `${key}: outside the folder ${this.root}`);
    }
    return full;
  }

  async listLevel(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]> {
    const dir = prefix ? this.localPath(prefix.replace(/\/$/, '')) : this.root;
    let dirents: Dirent[];
    try {
      dirents = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw toSourceError(e, prefix, dir);
    }
    const entries: SourceEntry[] = [];
    for (let i = 0; i < dirents.length; i += STAT_BATCH) {
      if (signal?.aborted) throw new SourceError('cancelled', prefix, 'cancelled');
      const batch = await Promise.all(dirents.slice(i, i + STAT_BATCH).map((d) => this.entryFor(prefix, dir, d)));
      for (const e of batch) if (e) entries.push(e);
    }
    return entries.sort((a, b) => compareKeys(entryKey(a), entryKey(b)));
  }

  async *listAll(prefix: string, signal?: AbortSignal): AsyncIterable<SourceObject> {
    // Follows symbolic links to folders once each: a link back up the tree (a loop) is not
    // walked again.
    const seen = new Set<string>();
    const walk = async function* (this: FolderSource, level: string): AsyncIterable<SourceObject> {
      const dir = level ? this.localPath(level.replace(/\/$/, '')) : this.root;
      let real: string;
      try {
        real = await fs.realpath(dir);
      } catch {
        return;
      }
      if (seen.has(real)) return;
      seen.add(real);
      let entries: SourceEntry[];
      try {
        entries = await this.listLevel(level, signal);
      } catch (e) {
        if (e instanceof SourceError && e.code === 'cancelled') throw e;
        return; // an unreadable sub-folder is skipped; reading its files reports the reason
      }
      for (const e of entries) {
        if (e.kind === 'object') yield e;
        else yield* walk.call(this, e.prefix);
      }
    };
    yield* walk.call(this, prefix);
  }

  async read(key: string, options: ReadOptions = {}): Promise<Uint8Array> {
    const file = this.localPath(key);
    try {
      const stat = await fs.stat(file);
      if (options.maxBytes !== undefined && stat.size > options.maxBytes) {
        throw new SourceError('too-large', key, `${file}: ${stat.size} bytes is larger than the limit of ${options.maxBytes} bytes`);
      }
      return await fs.readFile(file, { signal: options.signal });
    } catch (e) {
      throw toSourceError(e, key, file);
    }
  }

  private async entryFor(prefix: string, dir: string, d: Dirent): Promise<SourceEntry | undefined> {
    const key = prefix + d.name;
    if (d.isDirectory()) return { kind: 'prefix', prefix: key + '/' };
    if (!d.isFile() && !d.isSymbolicLink()) return undefined; // sockets, fifos, devices
    try {
      const st = await fs.stat(path.join(dir, d.name)); // follows links
      if (st.isDirectory()) return { kind: 'prefix', prefix: key + '/' };
      if (!st.isFile()) return undefined;
      return { kind: 'object', key, size: st.size, modified: st.mtimeMs, etag: `${st.size}-${Math.floor(st.mtimeMs)}` };
    } catch {
      // A dangling or looping link is still listed, so reading it reports the reason.
      return { kind: 'object', key, size: 0 };
    }
  }
}

function entryKey(e: SourceEntry): string {
  return e.kind === 'object' ? e.key : e.prefix;
}

/** Byte-wise key order, as S3 lists keys. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toSourceError(e: unknown, key: string, file: string): SourceError {
  if (e instanceof SourceError) return e;
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return new SourceError('not-found', key, `${file}: no such file`);
    case 'EACCES':
    case 'EPERM':
      return new SourceError('access-denied', key, `${file}: permission denied (check the file's permissions)`);
    case 'ELOOP':
      return new SourceError('loop', key, `${file}: symbolic link loop`);
    case 'ABORT_ERR':
      return new SourceError('cancelled', key, 'cancelled');
    default:
      return new SourceError('io', key, `${file}: ${err?.message ?? String(e)}`);
  }
}
