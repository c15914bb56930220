// A LogSource over documents that arrive while it is read (result pages of an Athena or Lake
// query): listing yields each document as it comes, so a timeline loads them as they arrive.
// The documents are kept in memory; a second listing replays them.
import { LogSource, ReadOptions, SourceEntry, SourceError, SourceObject } from './source';

export interface StreamedDocument {
  key: string;
  bytes: Uint8Array;
}

export class StreamedSource implements LogSource {
  readonly type = 'query-results';
  private readonly documents = new Map<string, Uint8Array>();
  private readonly listed: SourceObject[] = [];
  private producing?: AsyncIterator<StreamedDocument>;
  private finished = false;

  constructor(
    readonly label: string,
    produce: AsyncIterable<StreamedDocument>,
  ) {
    this.producing = produce[Symbol.asyncIterator]();
  }

  async listLevel(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]> {
    const out: SourceEntry[] = [];
    for await (const o of this.listAll(prefix, signal))
      if (!o.key.slice(prefix.length).includes('/')) out.push(o);
    return out;
  }

  async *listAll(prefix: string, signal?: AbortSignal): AsyncIterable<SourceObject> {
    let i = 0;
    for (;;) {
      while (i < this.listed.length) {
        const o = this.listed[i++];
        if (o.key.startsWith(prefix)) yield o;
      }
      if (this.finished || signal?.aborted || !this.producing) return;
      const next = await this.producing.next();
      if (next.done) {
        this.finished = true;
        return;
      }
      this.documents.set(next.value.key, next.value.bytes);
      this.listed.push({
        kind: 'object',
        key: next.value.key,
        size: next.value.bytes.length,
        etag: `${next.value.key}:${next.value.bytes.length}`,
      });
    }
  }

  async read(key: string, options?: ReadOptions): Promise<Uint8Array> {
    const bytes = this.documents.get(key);
    if (!bytes) throw new SourceError('not-found', key, `${this.label}: no document ${key}`);
    if (options?.maxBytes !== undefined && bytes.length > options.maxBytes)
      throw new SourceError('too-large', key, `${key}: larger than the limit`);
    // A copy: the caller may hand it to a worker, which takes (detaches) its buffer, and the
    // page is read again for its records.
    return bytes.slice();
  }
}
