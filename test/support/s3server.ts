// A real S3-protocol server for tests (s3rver) on 127.0.0.1, with a few hooks the tests need:
// every request is counted (and recorded) at the server, a bucket can be made to answer 403,
// and a key can be made to drop the connection halfway through its body. Stop it in `after`.
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DigestMetadata } from '../../src/core/digest/signatures';

// s3rver has no bundled types; the part used here.
interface S3rverInstance {
  store: {
    listObjects(bucket: string, options: ListOptions): Promise<ListResult>;
    getMetadata(bucket: string, key: string): Promise<Record<string, string | number>>;
    getBucket(bucket: string): Promise<unknown>;
    getResourcePath(bucket: string, key: string, resource: string): string;
  };
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void> | void>;
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
  httpServer?: Server;
}
interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface ListResult {
  objects: Array<{ key: string; metadata: Record<string, string | number> }>;
  commonPrefixes: string[];
  isTruncated: boolean;
}
interface KoaContext {
  method: string;
  path: string;
  querystring: string;
  status: number;
  body: unknown;
  type: string;
  respond?: boolean;
  headers: Record<string, string | undefined>;
  res: import('node:http').ServerResponse;
}
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's fixed test credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** The request's headers (lower-case names). */
  headers: Record<string, string | undefined>;
  /** The response status, once answered. */
  status?: number;
  /** The response body's length (Content-Length), once answered. */
  bytes?: number;
}

export class TestS3Server {
  readonly requests: RecordedRequest[] = [];
  /** Buckets that answer every request with 403 AccessDenied. */
  readonly deniedBuckets = new Set<string>();
  /**
   * `bucket/prefix`es whose listings answer 403 AccessDenied (an identity allowed to list only
   * part of the bucket): any listing whose prefix starts with one.
   */
  readonly deniedListings = new Set<string>();
  /** `bucket/key`s whose GET sends half the body and then drops the connection. */
  readonly brokenKeys = new Set<string>();
  /**
   * A broken server's ListObjectsV2 pages: 'token-missing' says a page is truncated without a
   * continuation token; 'token-repeated' answers every continuation token with the first page.
   */
  listingFault: ListingFault | undefined;
  endpoint = '';
  /** Added to every request before it is answered: a network round trip, for benchmarks. */
  latencyMs = 0;
  /** Requests being answered right now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** The time requests spent being answered, summed (ms): divided by a wall time, how many were in flight on average. */
  requestMs = 0;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ctl-s3rver-'));
  private server: S3rverInstance | undefined;
  private listing: ListingIndex | undefined;

  constructor(private readonly buckets: string[]) {}

  async start(): Promise<this> {
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: this.dir,
      configureBuckets: this.buckets.map((name) => ({ name })),
      vhostBuckets: false,
    });
    const listing = new ListingIndex(server);
    this.listing = listing;
    server.middleware.unshift(async (ctx, next) => {
      const recorded: RecordedRequest = {
        method: ctx.method,
        path: ctx.path,
        query: ctx.querystring,
        headers: ctx.headers,
      };
      this.requests.push(recorded);
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      const started = performance.now();
      try {
        if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
        await this.handle(ctx, next);
      } finally {
        this.inFlight--;
        this.requestMs += performance.now() - started;
        recorded.status = ctx.status;
        recorded.status = ctx.res.headersSent ? ctx.res.statusCode : ctx.status;
        recorded.bytes = Number(ctx.res.getHeader('content-length') ?? 0);
      }
    });
    const addr = await server.run();
    this.server = server;
    this.endpoint = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  private async handle(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
    const bucket = decodeURIComponent(ctx.path.split('/')[1] ?? '');
    const listed = `${bucket}/${new URLSearchParams(ctx.querystring).get('prefix') ?? ''}`;
    const deniedListing =
      ctx.method === 'GET' &&
      /(^|&)list-type=2(&|$)/.test(ctx.querystring) &&
      [...this.deniedListings].some((p) => listed.startsWith(p));
    if (this.deniedBuckets.has(bucket) || deniedListing) {
      ctx.status = 403;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
      return;
    }
    const segments = ctx.path.split('/');
    const objectKey = segments.length > 2 ? decodeURIComponent(segments.slice(2).join('/')) : '';
    const bucketLevel = !objectKey && segments.length <= 3;
    if (
      ctx.method === 'GET' &&
      bucketLevel &&
      !/(^|&)(location|versioning|acl|policy|cors|website|lifecycle|tagging|uploads|versions)(=|&|$)/.test(
        ctx.querystring,
      )
    ) {
      // A missing bucket is s3rver's to answer (NoSuchBucket).
      if (await this.server!.store.getBucket(bucket))
        return this.listing!.answer(ctx, bucket, this.listingFault);
    }
    const key = decodeURIComponent(ctx.path.slice(1));
    if (
      ctx.method === 'GET' &&
      objectKey &&
      !this.brokenKeys.has(key) &&
      (await this.listing!.get(ctx, bucket, objectKey))
    )
      return;
    if (ctx.method === 'GET' && this.brokenKeys.has(key)) {
      await next();
      const body = ctx.body as NodeJS.ReadableStream | Buffer | undefined;
      const chunks: Buffer[] = [];
      if (body && typeof (body as NodeJS.ReadableStream).on === 'function')
        for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
      const all = Buffer.concat(chunks);
      ctx.respond = false;
      ctx.res.writeHead(200, {
        'Content-Length': String(all.length),
        'Content-Type': 'application/octet-stream',
        ETag: '"broken"',
      });
      ctx.res.write(all.subarray(0, all.length >> 1), () => ctx.res.socket?.destroy());
      return;
    }
    await next();
    await this.listing!.track(ctx, bucket, objectKey);
  }

  /** A client for seeding the server (not the code under test). */
  client(): S3Client {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    return new S3Client({
      endpoint: this.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
    });
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array | string,
    metadata?: Record<string, string>,
  ): Promise<void> {
    const client = this.client();
    try {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }),
      );
    } finally {
      client.destroy();
    }
  }

  /**
   * Uploads every file under `folder` with its path as the key; digests get their signature
   * metadata from `signatures` (keyed like the signatures file), as CloudTrail writes it.
   */
  async uploadFolder(
    bucket: string,
    folder: string,
    signatures?: Map<string, DigestMetadata>,
    skip?: (key: string) => boolean,
  ): Promise<string[]> {
    const keys: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else keys.push(relative(folder, full).split(sep).join('/'));
      }
    };
    walk(folder);
    const client = this.client();
    try {
      const todo = keys.filter((k) => !skip?.(k));
      for (let i = 0; i < todo.length; i += 8) {
        await Promise.all(
          todo.slice(i, i + 8).map((key) => {
            const meta = signatures?.get(key);
            const metadata = meta
              ? (Object.fromEntries(
                  Object.entries(meta).filter(([, v]) => v !== undefined),
                ) as Record<string, string>)
              : undefined;
            return client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: readFileSync(join(folder, ...key.split('/'))),
                Metadata: metadata,
              }),
            );
          }),
        );
      }
      await this.listing!.index(bucket); // now, not during the first listing a test times
      return todo;
    } finally {
      client.destroy();
    }
  }

  /**
   * An object s3rver's file store cannot hold (a key with `//`, `./` or `../`, which S3 keeps as
   * written): listed and read by this server only, from memory.
   */
  async plant(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
    await this.listing!.plant(bucket, key, Buffer.from(body));
  }

  /** Requests recorded since `from` (an index into `requests`). */
  since(from: number): RecordedRequest[] {
    return this.requests.slice(from);
  }

  /** Stops listening and drops open connections (a network outage, as clients see it). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = server.close().catch(() => undefined);
    server.httpServer?.closeAllConnections();
    await closed;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Bucket listings (ListObjects and ListObjectsV2), answered here from a sorted in-memory index of
 * each bucket's keys, instead of by s3rver, which (3.7) walks the bucket's directory tree and
 * reads the metadata of every key under the prefix for each page, prunes its walk below the
 * first delimiter (so AWSLogs/ → 1234…/ → CloudTrail/ lists no common prefixes), and makes
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node 20) lacks.
 *
 * Here a page costs a binary search and the page itself: keys are kept sorted with their size,
 * ETag and date, updated by the PUTs and DELETEs that pass through the server (anything else
 * that may change a bucket drops its index, rebuilt from s3rver's store on the next listing).
 * A common prefix is skipped with one more binary search. Continuation tokens are opaque
 * (base64url of where the page stopped), V1 pages carry NextMarker, `encoding-type=url` is
 * honoured, and objects and common prefixes both count toward max-keys, as in S3.
 */
interface IndexedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
  /** The object's stored metadata (Content-Type, x-amz-meta-*), for GETs answered here. */
  metadata: Record<string, string | number>;
  /** Its bytes, when small (see BODY_KEPT_BYTES). */
  body?: Buffer;
}

/** Objects up to this size are kept in memory by the index. */
const BODY_KEPT_BYTES = 64 * 1024;

export type ListingFault = 'token-missing' | 'token-repeated';

class ListingIndex {
  private readonly buckets = new Map<string, IndexedObject[]>();
  /** Objects only this index holds (see TestS3Server.plant), kept when the index is rebuilt. */
  private readonly planted = new Map<string, IndexedObject[]>();

  constructor(private readonly server: S3rverInstance) {}

  /** Keeps the index in step with a request that went through s3rver (call after it answered). */
  async track(ctx: KoaContext, bucket: string, key: string): Promise<void> {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return;
    const list = this.buckets.get(bucket);
    if (!list) return;
    if (
      !key ||
      ctx.status >= 300 ||
      (ctx.method !== 'PUT' && ctx.method !== 'DELETE') ||
      /(^|&)(tagging|acl|uploadId|partNumber)=/.test(ctx.querystring)
    ) {
      this.buckets.delete(bucket); // rebuilt when next listed
      return;
    }
    if (ctx.method === 'DELETE') {
      const at = lowerBound(list, key);
      if (list[at]?.key === key) list.splice(at, 1);
      return;
    }
    const entry = await this.entryOf(bucket, key, await this.server.store.getMetadata(bucket, key));
    // Where it goes is found after the awaits: other PUTs may have changed the list meanwhile.
    const at = lowerBound(list, key);
    if (list[at]?.key === key) list[at] = entry;
    else list.splice(at, 0, entry);
  }

  /** An object's entry; a small one's bytes are kept from the start, so GETs cost no file reads. */
  private async entryOf(
    bucket: string,
    key: string,
    metadata: Record<string, string | number>,
  ): Promise<IndexedObject> {
    const entry = indexed(key, metadata);
    if (entry.size <= BODY_KEPT_BYTES)
      entry.body = await fs.readFile(this.server.store.getResourcePath(bucket, key, 'object'));
    return entry;
  }

  async plant(bucket: string, key: string, body: Buffer): Promise<void> {
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    const lastModified = new Date().toISOString();
    const entry: IndexedObject = {
      key,
      size: body.length,
      etag,
      lastModified,
      metadata: { etag, 'content-length': body.length, 'last-modified': lastModified },
      body,
    };
    this.planted.set(bucket, [...(this.planted.get(bucket) ?? []), entry]);
    this.buckets.delete(bucket);
    await this.keysOf(bucket);
  }

  /** Indexes the bucket now, if it is not (e.g. after an upload, before a benchmark's requests). */
  async index(bucket: string): Promise<void> {
    await this.keysOf(bucket);
  }

  private async keysOf(bucket: string): Promise<IndexedObject[]> {
    let list = this.buckets.get(bucket);
    if (!list) {
      const all = await this.server.store.listObjects(bucket, { maxKeys: Infinity });
      list = [];
      for (const o of all.objects) list.push(await this.entryOf(bucket, o.key, o.metadata));
      list.push(...(this.planted.get(bucket) ?? []));
      list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      this.buckets.set(bucket, list);
    }
    return list;
  }

  /**
   * A plain GET of an indexed object, answered from the index and the object's file, without
   * s3rver's per-request routing, signature check and metadata reads (so a benchmark measures
   * its client, not this server). Anything else (ranges, unknown keys) is left to s3rver.
   */
  async get(ctx: KoaContext, bucket: string, key: string): Promise<boolean> {
    if (ctx.headers.range || ctx.querystring.replace(/(^|&)x-id=GetObject/, '')) return false;
    const list = await this.keysOf(bucket);
    const o = list[lowerBound(list, key)];
    if (o?.key !== key) return false;
    const headers: Record<string, string> = {
      ETag: o.etag,
      'Last-Modified': new Date(o.lastModified).toUTCString(),
      'Content-Type': String(o.metadata['content-type'] ?? 'binary/octet-stream'),
    };
    for (const [k, v] of Object.entries(o.metadata))
      if (k.startsWith('x-amz-meta-')) headers[k] = String(v);
    // As S3: If-Match is judged first (412 when the object is another version now), then If-None-Match.
    const ifMatch = ctx.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== o.etag && ifMatch !== '*') {
      ctx.respond = false;
      ctx.res
        .writeHead(412, { 'Content-Type': 'application/xml' })
        .end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-Match</Condition></Error>',
        );
      ctx.status = 412;
      return true;
    }
    if (ctx.headers['if-none-match'] === o.etag) {
      ctx.respond = false;
      ctx.res.writeHead(304, headers).end();
      return true;
    }
    const body =
      o.body ?? (await fs.readFile(this.server.store.getResourcePath(bucket, key, 'object')));
    ctx.respond = false;
    ctx.res.writeHead(200, { ...headers, 'Content-Length': String(body.length) }).end(body);
    ctx.status = 200;
    return true;
  }

  async answer(ctx: KoaContext, bucket: string, fault?: ListingFault): Promise<void> {
    const q = new URLSearchParams(ctx.querystring);
    const v2 = q.get('list-type') === '2';
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const maxKeys = Math.min(1000, Math.max(0, Number(q.get('max-keys') ?? 1000) || 0));
    const url = q.get('encoding-type') === 'url';
    const token = q.get('continuation-token');
    // A server repeating itself answers every token with the first page again.
    const resume =
      token && fault !== 'token-repeated'
        ? Buffer.from(token, 'base64url').toString('utf8')
        : undefined;
    const after = v2 ? (resume ?? q.get('start-after') ?? '') : (q.get('marker') ?? '');
    const list = await this.keysOf(bucket);

    const contents: IndexedObject[] = [];
    const prefixes: string[] = [];
    let i = lowerBound(list, prefix > after ? prefix : after);
    if (list[i]?.key === after) i++;
    // A marker or token that is a common prefix (ends with the delimiter) resumes after all of it.
    if (delimiter && after.endsWith(delimiter) && after.startsWith(prefix))
      i = lowerBound(list, after + '\uffff', i);
    let last = '';
    let truncated = false;
    while (i < list.length && list[i].key.startsWith(prefix)) {
      if (contents.length + prefixes.length >= maxKeys) {
        truncated = true;
        break;
      }
      const o = list[i];
      const at = delimiter ? o.key.indexOf(delimiter, prefix.length) : -1;
      if (at === -1) {
        contents.push(o);
        last = o.key;
        i++;
      } else {
        const common = o.key.slice(0, at + delimiter.length);
        prefixes.push(common);
        last = common;
        i = lowerBound(list, common + '\uffff', i);
      }
    }
    const enc = (s: string) => xml(url ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
    const el = (name: string, value: string | number | undefined) =>
      value === undefined ? '' : `<${name}>${value}</${name}>`;
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      el('Name', xml(bucket)) +
      el('Prefix', enc(prefix)) +
      (v2
        ? el('KeyCount', contents.length + prefixes.length) +
          el('ContinuationToken', token ? xml(token) : undefined) +
          el(
            'NextContinuationToken',
            truncated && fault !== 'token-missing'
              ? Buffer.from(last, 'utf8').toString('base64url')
              : undefined,
          ) +
          el('StartAfter', !token && q.has('start-after') ? enc(after) : undefined)
        : el('Marker', enc(after)) + el('NextMarker', truncated ? enc(last) : undefined)) +
      el('MaxKeys', maxKeys) +
      el('Delimiter', delimiter ? enc(delimiter) : undefined) +
      el('EncodingType', url ? 'url' : undefined) +
      el('IsTruncated', String(truncated)) +
      contents
        .map(
          (o) =>
            `<Contents>${el('Key', enc(o.key))}${el('LastModified', o.lastModified)}${el('ETag', xml(o.etag))}${el('Size', o.size)}<StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join('') +
      prefixes.map((p) => `<CommonPrefixes>${el('Prefix', enc(p))}</CommonPrefixes>`).join('') +
      '</ListBucketResult>';
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body = body;
  }
}

function indexed(key: string, metadata: Record<string, string | number>): IndexedObject {
  return {
    key,
    size: Number(metadata['content-length']),
    etag: String(metadata.etag),
    lastModified: new Date(String(metadata['last-modified'])).toISOString(),
    metadata,
  };
}

/** The first position in the sorted list whose key is >= `key` (from `from`). */
function lowerBound(list: IndexedObject[], key: string, from = 0): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function xml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
