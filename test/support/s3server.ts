// A real S3-protocol server for tests (s3rver) on 127.0.0.1, with a few hooks the tests need:
// every request is counted (and recorded) at the server, a bucket can be made to answer 403,
// and a key can be made to drop the connection halfway through its body. Stop it in `after`.
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DigestMetadata } from '../../src/core/digest/signatures';

// s3rver has no bundled types; the part used here.
interface S3rverInstance {
  store: { listObjects(bucket: string, options: ListOptions): Promise<ListResult> };
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
  objects: Array<{ key: string }>;
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
  res: import('node:http').ServerResponse;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's fixed test credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** The response status, once answered. */
  status?: number;
}

export class TestS3Server {
  readonly requests: RecordedRequest[] = [];
  /** Buckets that answer every request with 403 AccessDenied. */
  readonly deniedBuckets = new Set<string>();
  /** `bucket/key`s whose GET sends half the body and then drops the connection. */
  readonly brokenKeys = new Set<string>();
  endpoint = '';
  /** Requests being answered right now, and the most there were at once. */
  inFlight = 0;
  maxInFlight = 0;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ctl-s3rver-'));
  private server: S3rverInstance | undefined;

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
    fixDelimiterListing(server);
    server.middleware.unshift(async (ctx, next) => {
      const recorded: RecordedRequest = { method: ctx.method, path: ctx.path, query: ctx.querystring };
      this.requests.push(recorded);
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      try {
        await this.handle(ctx, next);
      } finally {
        this.inFlight--;
        recorded.status = ctx.status;
      }
    });
    const addr = await server.run();
    this.server = server;
    this.endpoint = `http://127.0.0.1:${addr.port}`;
    return this;
  }

  private async handle(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
    const bucket = decodeURIComponent(ctx.path.split('/')[1] ?? '');
    if (this.deniedBuckets.has(bucket)) {
      ctx.status = 403;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>';
      return;
    }
    if (ctx.method === 'GET' && /(^|&)list-type=2(&|$)/.test(ctx.querystring)) return pagedListing(ctx, next);
    const key = decodeURIComponent(ctx.path.slice(1));
    if (ctx.method === 'GET' && this.brokenKeys.has(key)) {
      await next();
      const body = ctx.body as NodeJS.ReadableStream | Buffer | undefined;
      const chunks: Buffer[] = [];
      if (body && typeof (body as NodeJS.ReadableStream).on === 'function') for await (const c of body as AsyncIterable<Buffer>) chunks.push(c);
      const all = Buffer.concat(chunks);
      ctx.respond = false;
      ctx.res.writeHead(200, { 'Content-Length': String(all.length), 'Content-Type': 'application/octet-stream', ETag: '"broken"' });
      ctx.res.write(all.subarray(0, all.length >> 1), () => ctx.res.socket?.destroy());
      return;
    }
    await next();
  }

  /** A client for seeding the server (not the code under test). */
  client(): S3Client {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    return new S3Client({ endpoint: this.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  }

  async put(bucket: string, key: string, body: Uint8Array | string, metadata?: Record<string, string>): Promise<void> {
    const client = this.client();
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }));
    } finally {
      client.destroy();
    }
  }

  /**
   * Uploads every file under `folder` with its path as the key; digests get their signature
   * metadata from `signatures` (keyed like the signatures file), as CloudTrail writes it.
   */
  async uploadFolder(bucket: string, folder: string, signatures?: Map<string, DigestMetadata>, skip?: (key: string) => boolean): Promise<string[]> {
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
            const metadata = meta ? (Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as Record<string, string>) : undefined;
            return client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: readFileSync(join(folder, ...key.split('/'))), Metadata: metadata }));
          }),
        );
      }
      return todo;
    } finally {
      client.destroy();
    }
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
 * s3rver 3.7 prunes its directory walk below the first delimiter, so a level whose sub-folders
 * hold no object directly (AWSLogs/ → 1234…/ → CloudTrail/) lists no common prefixes. S3 lists
 * them; so does this: one flat listing of the prefix, grouped by the delimiter and paged by
 * maxKeys (objects and prefixes both count, as in S3). A page ends on an object, because
 * s3rver's continuation token is the last object's key.
 */
// s3rver's continuation tokens use DES, which OpenSSL 3 (Node 20) no longer has: listings of
// more than one page fail there. Tokens here are the base64url of the page's last key, handed
// to the store as startAfter; the truncation is passed from the store back to the response.
const page = new AsyncLocalStorage<{ startAfter?: string; nextAfter?: string }>();

async function pagedListing(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  const params = new URLSearchParams(ctx.querystring);
  const token = params.get('continuation-token');
  params.delete('continuation-token');
  ctx.querystring = params.toString();
  const state: { startAfter?: string; nextAfter?: string } = { startAfter: token ? Buffer.from(token, 'base64url').toString('utf8') : undefined };
  await page.run(state, next);
  if (state.nextAfter !== undefined && typeof ctx.body === 'string') {
    const next64 = Buffer.from(state.nextAfter, 'utf8').toString('base64url');
    ctx.body = ctx.body.replace('<IsTruncated>false</IsTruncated>', `<IsTruncated>true</IsTruncated><NextContinuationToken>${next64}</NextContinuationToken>`);
  }
}

function fixDelimiterListing(server: S3rverInstance): void {
  const store = server.store;
  const flat = store.listObjects.bind(store);
  store.listObjects = async (bucket, options) => {
    const paging = page.getStore();
    const { delimiter, prefix = '', maxKeys = 1000 } = options;
    const startAfter = paging?.startAfter ?? options.startAfter ?? '';
    const all = (await flat(bucket, { prefix, maxKeys: Infinity })).objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const objects: ListResult['objects'] = [];
    const prefixes = new Set<string>();
    let isTruncated = false;
    for (const o of all) {
      if (o.key <= startAfter) continue;
      const rest = o.key.slice(prefix.length);
      const at = delimiter ? rest.indexOf(delimiter) : -1;
      if (objects.length + prefixes.size >= maxKeys) {
        isTruncated = true;
        break;
      }
      if (at !== -1) prefixes.add(o.key.slice(0, prefix.length + at + 1));
      else objects.push(o);
    }
    const truncated = isTruncated && objects.length > 0;
    if (truncated && paging) paging.nextAfter = objects[objects.length - 1].key;
    return { objects, commonPrefixes: [...prefixes].sort(), isTruncated: truncated && !paging };
  };
}
