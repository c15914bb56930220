// The on-disk cache of S3 objects (the extension keeps it in its global storage), keyed by
// bucket/key/ETag: a changed object (new ETag) is a different entry, so a stale copy is never
// served, and the older copy of the key is dropped when the new one is stored.
//
// Layout: <root>/objects/<h2>/<version hash>/{meta.json, <file name>} where the version hash is
// over bucket, key and ETag. The file keeps its own name, so an editor opening it shows the
// real name and recognises .json.gz. No shared index file: the directory is the index (two VS
// Code windows may use one cache), and meta.json's modification time is the last use, for LRU
// eviction above the size cap.
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { safeFileName } from './fileNames';
import type { ObjectCache } from './s3';

interface Entry {
  bucket: string;
  key: string;
  etag: string;
  size: number;
  dir: string;
  file: string;
  lastUsed: number;
}

export interface CacheStats {
  objects: number;
  bytes: number;
}

export class S3ObjectCache implements ObjectCache {
  private readonly objectsDir: string;
  private readonly entries = new Map<string, Entry>(); // by dir
  private readonly latest = new Map<string, Entry>(); // by bucket\0key
  private loaded: Promise<void> | undefined;
  private bytes = 0;

  constructor(
    readonly root: string,
    /** The most bytes kept; least recently used objects go first. */
    public maxBytes: number,
  ) {
    this.objectsDir = path.join(root, 'objects');
  }

  /** Reads what a previous session left (call once before use; later calls are free). */
  load(): Promise<void> {
    this.loaded ??= this.scan();
    return this.loaded;
  }

  async get(bucket: string, key: string, etag: string): Promise<Uint8Array | undefined> {
    await this.load();
    const e = this.entries.get(this.dirOf(bucket, key, etag));
    if (!e) return undefined;
    try {
      const bytes = await fs.readFile(e.file);
      if (bytes.length !== e.size) throw new Error('size differs'); // a damaged copy is a miss
      e.lastUsed = Date.now();
      const now = new Date(e.lastUsed);
      await fs.utimes(path.join(e.dir, 'meta.json'), now, now).catch(() => undefined);
      return bytes;
    } catch {
      await this.remove(e);
      return undefined;
    }
  }

  async put(bucket: string, key: string, etag: string, bytes: Uint8Array): Promise<void> {
    await this.load();
    if (bytes.length > this.maxBytes) return; // larger than the whole cache: not kept
    const dir = this.dirOf(bucket, key, etag);
    const name = cacheFileName(key);
    const file = path.join(dir, name);
    await fs.mkdir(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    await fs.writeFile(tmp, bytes);
    await fs.rename(tmp, file);
    await fs.writeFile(
      path.join(dir, 'meta.json'),
      JSON.stringify({ bucket, key, etag, size: bytes.length, name }),
    );
    const previous = this.latest.get(`${bucket}\0${key}`);
    if (previous && previous.dir !== dir) await this.remove(previous);
    const existing = this.entries.get(dir);
    if (existing) this.bytes -= existing.size;
    this.add({ bucket, key, etag, size: bytes.length, dir, file, lastUsed: Date.now() });
    await this.evict(dir);
  }

  pathOf(bucket: string, key: string, etag?: string): string | undefined {
    const e = etag
      ? this.entries.get(this.dirOf(bucket, key, etag))
      : this.latest.get(`${bucket}\0${key}`);
    return e && existsSync(e.file) ? e.file : undefined;
  }

  async etagOf(bucket: string, key: string): Promise<string | undefined> {
    await this.load();
    return this.latest.get(`${bucket}\0${key}`)?.etag;
  }

  async stats(): Promise<CacheStats> {
    await this.load();
    return { objects: this.entries.size, bytes: this.bytes };
  }

  /** Removes every cached object; returns what was freed. */
  async clear(): Promise<CacheStats> {
    await this.load();
    const freed = { objects: this.entries.size, bytes: this.bytes };
    await fs.rm(this.objectsDir, { recursive: true, force: true });
    this.entries.clear();
    this.latest.clear();
    this.bytes = 0;
    return freed;
  }

  private dirOf(bucket: string, key: string, etag: string): string {
    const h = createHash('sha256').update(`${bucket}\0${key}\0${etag}`).digest('hex');
    return path.join(this.objectsDir, h.slice(0, 2), h.slice(2, 34));
  }

  private add(e: Entry): void {
    this.entries.set(e.dir, e);
    this.bytes += e.size;
    const id = `${e.bucket}\0${e.key}`;
    const cur = this.latest.get(id);
    if (!cur || cur.lastUsed <= e.lastUsed) this.latest.set(id, e);
  }

  private async remove(e: Entry): Promise<void> {
    if (this.entries.delete(e.dir)) this.bytes -= e.size;
    const id = `${e.bucket}\0${e.key}`;
    if (this.latest.get(id) === e) this.latest.delete(id);
    await fs.rm(e.dir, { recursive: true, force: true });
  }

  /** Drops least recently used objects until the cache fits its cap (never `keep`). */
  private async evict(keep?: string): Promise<void> {
    if (this.bytes <= this.maxBytes) return;
    const order = [...this.entries.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const e of order) {
      if (this.bytes <= this.maxBytes) break;
      if (e.dir === keep) continue;
      await this.remove(e);
    }
  }

  private async scan(): Promise<void> {
    let shards: string[];
    try {
      shards = await fs.readdir(this.objectsDir);
    } catch {
      return; // no cache yet
    }
    for (const shard of shards) {
      let versions: string[];
      try {
        versions = await fs.readdir(path.join(this.objectsDir, shard));
      } catch {
        continue;
      }
      for (const v of versions) {
        const dir = path.join(this.objectsDir, shard, v);
        try {
          const metaFile = path.join(dir, 'meta.json');
          const [text, st] = await Promise.all([fs.readFile(metaFile, 'utf8'), fs.stat(metaFile)]);
          const m = JSON.parse(text) as {
            bucket: string;
            key: string;
            etag: string;
            size: number;
            name: string;
          };
          if (dir !== this.dirOf(m.bucket, m.key, m.etag)) throw new Error('misplaced');
          this.add({
            bucket: m.bucket,
            key: m.key,
            etag: m.etag,
            size: m.size,
            dir,
            file: path.join(dir, m.name),
            lastUsed: st.mtimeMs,
          });
        } catch {
          // Half-written (a crash, or another window writing it right now) or damaged: dropped
          // once it is clearly not in progress.
          const st = await fs.stat(dir).catch(() => undefined);
          if (st && Date.now() - st.mtimeMs > 60_000)
            await fs.rm(dir, { recursive: true, force: true });
        }
      }
    }
    await this.evict();
  }
}

/** The key's file name in the cache (never the entry's own meta.json). */
function cacheFileName(key: string): string {
  const name = safeFileName(key);
  return name === 'meta.json' ? '_meta.json' : name;
}
