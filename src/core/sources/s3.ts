// An S3 bucket (and optional key prefix) as a LogSource, over AWS SDK for JavaScript v3.
//
// Keys are relative to the BUCKET root (prefix included), like the keys digests list in
// `logFiles[].s3Object`, so digest validation, the signatures file and the layout parser see the
// same keys as for a local copy of the bucket. The configured prefix limits what is reachable:
// levels above it list only the next folder on the way down (without a request), levels below
// it are one ListObjectsV2 with Delimiter '/' (all pages) each, so the layout-pruned explorer
// never lists more than the level it opens.
//
// Credentials come from the SDK's standard chain (environment, shared config/credentials files,
// named profiles, IAM Identity Center/SSO, container and instance roles). Nothing here ever logs
// or returns a secret: error messages name the bucket, key, profile and what to do.
import {
  GetObjectCommand,
  GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  S3Client,
  S3ClientConfig,
} from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { redactSecrets, serviceErrorName } from '../redact';
import { compareKeys } from './folder';
import { LogSource, ReadOptions, SourceEntry, SourceError, SourceObject } from './source';
import { NETWORK_ERROR_CODES } from '../networkErrors';

export interface S3Location {
  bucket: string;
  /** '' or a key prefix; a trailing '/' is added when missing. */
  prefix?: string;
  /** A named profile of the shared config/credentials files (SSO profiles included). */
  profile?: string;
  /** The bucket's region; when absent the SDK's configured region, redirects followed. */
  region?: string;
  /** An S3-compatible endpoint (e.g. https://minio.example:9000); path-style addressing is used. */
  endpoint?: string;
}

/** How to reach S3, apart from where: profile, region, endpoint. */
export type S3Access = Pick<S3Location, 'profile' | 'region' | 'endpoint'>;

export interface S3SourceOptions {
  /** Explicit credentials (tests, or a caller that resolved them itself); else the standard chain. */
  credentials?: S3ClientConfig['credentials'];
  /** Attempts per request including the first (the SDK retries throttling and 5xx with backoff). */
  maxAttempts?: number;
  /** Keys per listing page (S3's maximum and default is 1000). */
  pageSize?: number;
  /** Another cache of bytes by bucket/key/ETag (see S3ObjectCache). */
  cache?: ObjectCache;
  /** A client to use instead of building one (the options above are then ignored). */
  client?: S3Client;
}

/**
 * Where S3Source keeps downloaded objects; see s3Cache.ts. `bucket` is the bucket's name, after
 * its server when the source has one (S3Source.server).
 */
export interface ObjectCache {
  get(bucket: string, key: string, etag: string): Promise<Uint8Array | undefined>;
  put(bucket: string, key: string, etag: string, bytes: Uint8Array): Promise<void>;
  /** The cached file of the newest version seen of the key, if any. */
  pathOf(bucket: string, key: string, etag?: string): string | undefined;
  /** The ETag of the key's cached copy, when there is one (for a conditional GET). */
  etagOf(bucket: string, key: string): Promise<string | undefined>;
}

/** Normalises a prefix to '' or `a/b/`. */
export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

export class S3Source implements LogSource {
  readonly type = 's3';
  readonly bucket: string;
  readonly prefix: string;
  readonly server?: string;
  /** Requests sent to S3 so far (listing pages, HEADs, GETs), for tests and diagnostics. */
  requests = 0;
  private readonly client: S3Client;
  private readonly cache?: ObjectCache;
  private readonly pageSize?: number;
  /** The bucket as the object cache names it: after the server, when there is one. */
  private readonly cachedBucket: string;
  /** ETags seen in listings, so a cached object is used without asking S3 again. */
  private readonly listedEtags = new Map<string, string>();
  private readonly metadataCache = new Map<string, Promise<Record<string, string> | undefined>>();

  constructor(
    readonly location: S3Location,
    options: S3SourceOptions = {},
  ) {
    this.bucket = location.bucket;
    this.prefix = normalizePrefix(location.prefix);
    this.server = location.endpoint === undefined ? undefined : redactSecrets(location.endpoint);
    this.cachedBucket = this.server === undefined ? this.bucket : `${this.server}|${this.bucket}`;
    this.cache = options.cache;
    this.pageSize = options.pageSize;
    this.client = options.client ?? new S3Client(s3ClientConfig(location, options));
  }

  get label(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  /** s3://bucket/key for a key of this source. */
  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  dispose(): void {
    this.client.destroy();
  }

  async listLevel(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]> {
    const above = this.towardPrefix(prefix);
    if (above) return [above];
    if (!this.reachable(prefix)) return [];
    const entries: SourceEntry[] = [];
    const tokens = new Set<string>();
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.send(
        () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: prefix,
              Delimiter: '/',
              ContinuationToken: token,
              MaxKeys: this.pageSize,
              EncodingType: 'url',
            }),
          ),
        prefix,
        signal,
      );
      const keyOf = listedKeyDecoder(page, this.uri(prefix));
      for (const p of page.CommonPrefixes ?? [])
        if (p.Prefix) entries.push({ kind: 'prefix', prefix: keyOf(p.Prefix) });
      for (const o of page.Contents ?? []) {
        const key = o.Key && keyOf(o.Key);
        // A "folder marker" object (key ending in '/') made by consoles is not a file.
        if (key && key !== prefix && !key.endsWith('/'))
          entries.push(this.objectOf({ ...o, Key: key }));
      }
      token = this.nextPage(page, tokens, prefix);
    } while (token);
    return entries.sort((a, b) =>
      compareKeys(a.kind === 'object' ? a.key : a.prefix, b.kind === 'object' ? b.key : b.prefix),
    );
  }

  async *listAll(prefix: string, signal?: AbortSignal): AsyncIterable<SourceObject> {
    // Above the configured prefix, everything reachable is under the prefix itself.
    const start = this.prefix.startsWith(prefix) ? this.prefix : prefix;
    if (!this.reachable(start)) return;
    const tokens = new Set<string>();
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await this.send(
        () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: start,
              ContinuationToken: token,
              MaxKeys: this.pageSize,
              EncodingType: 'url',
            }),
          ),
        start,
        signal,
      );
      const keyOf = listedKeyDecoder(page, this.uri(start));
      for (const o of page.Contents ?? []) {
        const key = o.Key && keyOf(o.Key);
        if (key && !key.endsWith('/')) yield this.objectOf({ ...o, Key: key });
      }
      token = this.nextPage(page, tokens, start);
    } while (token);
  }

  /**
   * The continuation token of the page after `page` of the listing of `prefix`, or undefined
   * after its last page; `tokens` holds those the listing has had. A server that says there is
   * more but gives no token would end the listing short without a word, and one that sends a
   * token again would list for ever: either is an error.
   */
  private nextPage(
    page: ListObjectsV2CommandOutput,
    tokens: Set<string>,
    prefix: string,
  ): string | undefined {
    if (!page.IsTruncated) return undefined;
    const token = page.NextContinuationToken;
    const problem = !token
      ? 'says there is more but gives no continuation token'
      : tokens.has(token)
        ? 'sent the same continuation token twice'
        : undefined;
    if (problem)
      throw new SourceError(
        'io',
        prefix,
        `${this.uri(prefix)}: the server's listing ${problem}, so it cannot be listed in full`,
      );
    tokens.add(token!);
    return token;
  }

  async read(key: string, options: ReadOptions = {}): Promise<Uint8Array> {
    if (!this.reachable(key))
      throw new SourceError('not-found', key, `${this.uri(key)}: outside the source ${this.label}`);
    const cache = this.cache;
    const listed = this.listedEtags.get(key);
    if (cache && listed) {
      const hit = await cache.get(this.cachedBucket, key, listed);
      if (hit) return this.checkSize(key, hit, options.maxBytes);
    }
    const cachedEtag = await cache?.etagOf(this.cachedBucket, key);
    let res;
    try {
      // A listed key is read as the version listed (If-Match): callers key what they keep by the
      // listing's ETag (the index cache), so other bytes under it would be served as that
      // version later. A key rewritten since is an error ('changed'), until it is listed again.
      res = await this.send(
        () =>
          this.client.send(
            new GetObjectCommand({
              Bucket: this.bucket,
              Key: key,
              IfMatch: listed,
              IfNoneMatch: cachedEtag,
            }),
          ),
        key,
        options.signal,
        (late) => discard(late.Body),
      );
    } catch (e) {
      // 304: the cached copy is the current one.
      if (cache && cachedEtag && isNotModified(e)) {
        const hit = await cache.get(this.cachedBucket, key, cachedEtag);
        if (hit) {
          this.listedEtags.set(key, cachedEtag);
          return this.checkSize(key, hit, options.maxBytes);
        }
        return this.read(key, options); // the cached file vanished meanwhile: fetch it whole
      }
      throw e;
    }
    const size = res.ContentLength ?? 0;
    if (options.maxBytes !== undefined && size > options.maxBytes) {
      discard(res.Body);
      throw new SourceError(
        'too-large',
        key,
        `${this.uri(key)}: ${size} bytes is larger than the limit of ${options.maxBytes} bytes`,
      );
    }
    const bytes = await this.readBody(res.Body, key, options);
    if (res.ContentLength !== undefined && bytes.length !== res.ContentLength) {
      throw new SourceError(
        'network',
        key,
        `${this.uri(key)}: the download stopped after ${bytes.length} of ${res.ContentLength} bytes (connection lost); try again`,
      );
    }
    if (res.Metadata) this.metadataCache.set(key, Promise.resolve(res.Metadata));
    const etag = res.ETag;
    if (etag) {
      this.listedEtags.set(key, etag);
      if (cache) await cache.put(this.cachedBucket, key, etag, bytes);
    }
    return bytes;
  }

  /**
   * The body, counted as it streams: a server that sends no Content-Length (or a wrong one) is
   * stopped at the limit, not read into memory to the end.
   */
  private async readBody(
    body: GetObjectCommandOutput['Body'],
    key: string,
    options: ReadOptions,
  ): Promise<Uint8Array> {
    if (!body) return new Uint8Array(0);
    const max = options.maxBytes ?? Infinity;
    const chunks: Uint8Array[] = [];
    let total = 0;
    // A cancel stops the download (the request itself is not given the signal: see send()).
    const stop = () => discard(body);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      if (options.signal?.aborted) stop();
      for await (const chunk of bodyChunks(body)) {
        total += chunk.length;
        if (total > max) {
          discard(body);
          throw new SourceError(
            'too-large',
            key,
            `${this.uri(key)}: more than ${max} bytes (the server did not say the size, or said less), larger than the limit; the download was stopped`,
          );
        }
        chunks.push(chunk);
      }
    } catch (e) {
      throw this.toSourceError(e, key, options.signal);
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  }

  private checkSize(key: string, bytes: Uint8Array, maxBytes: number | undefined): Uint8Array {
    if (maxBytes !== undefined && bytes.length > maxBytes) {
      throw new SourceError(
        'too-large',
        key,
        `${this.uri(key)}: ${bytes.length} bytes is larger than the limit of ${maxBytes} bytes`,
      );
    }
    return bytes;
  }

  localPath(key: string): string | undefined {
    return this.cache?.pathOf(this.cachedBucket, key, this.listedEtags.get(key));
  }

  /** The object's user metadata (`x-amz-meta-*`), e.g. a digest's `signature`, from HeadObject. */
  metadata(key: string): Promise<Record<string, string> | undefined> {
    let m = this.metadataCache.get(key);
    if (!m) {
      m = this.send(
        () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
        key,
      ).then((h) => h.Metadata ?? {});
      m.catch(() => this.metadataCache.delete(key)); // a failure is not remembered
      this.metadataCache.set(key, m);
    }
    return m;
  }

  /** Above the configured prefix: the one folder on the way down to it. */
  private towardPrefix(prefix: string): SourceEntry | undefined {
    if (prefix.length >= this.prefix.length || !this.prefix.startsWith(prefix)) return undefined;
    const next = this.prefix.indexOf('/', prefix.length);
    return { kind: 'prefix', prefix: this.prefix.slice(0, next + 1) };
  }

  private reachable(key: string): boolean {
    return key.startsWith(this.prefix);
  }

  private objectOf(o: {
    Key?: string;
    Size?: number;
    LastModified?: Date;
    ETag?: string;
  }): SourceObject {
    const key = o.Key as string;
    if (o.ETag) this.listedEtags.set(key, o.ETag);
    return {
      kind: 'object',
      key,
      size: o.Size ?? 0,
      modified: o.LastModified?.getTime(),
      etag: o.ETag,
    };
  }

  /**
   * Sends one request. No per-request options go to the SDK: with none, the client resolves
   * each command's middleware stack once (`cacheMiddleware`) instead of on every request, which
   * was the largest part of the CPU time per GET (issue 22). So a cancel is met by no longer
   * waiting: the caller gets 'cancelled' at once, the request runs out on its own, and a result
   * that arrives after the cancel is handed to `late` (a GET's body is discarded).
   */
  private async send<T>(
    request: () => Promise<T>,
    key: string,
    signal?: AbortSignal,
    late?: (result: T) => void,
  ): Promise<T> {
    if (signal?.aborted) throw new SourceError('cancelled', key, 'cancelled');
    this.requests++;
    try {
      return await (signal ? untilAborted(request(), signal, late) : request());
    } catch (e) {
      if (isNotModified(e)) throw e;
      throw this.toSourceError(e, key, signal);
    }
  }

  private toSourceError(e: unknown, key: string, signal?: AbortSignal): SourceError {
    return s3Error(e, {
      bucket: this.bucket,
      key,
      profile: this.location.profile,
      endpoint: this.location.endpoint,
      aborted: signal?.aborted,
    });
  }
}

export function s3ClientConfig(
  location: S3Location,
  options: S3SourceOptions = {},
): S3ClientConfig {
  // The SDK warns on stderr that its releases after January 2027 will need Node 22. VS Code's
  // extension host and the CLI run on Node 20 today; the warning is for the SDK's own
  // maintainers, not something a user of this tool can act on. A user's own setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    region:
      location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // Without a configured region the bucket's own is found from S3's redirect.
    followRegionRedirects: true,
    credentials:
      options.credentials ??
      fromNodeProviderChain(location.profile ? { profile: location.profile } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    // Each command's middleware stack is resolved once, not on every request (see send()).
    cacheMiddleware: true,
    // No CRC of every downloaded body, and no x-amz-checksum-mode asking S3 for one: what is read
    // here is judged by its SHA-256 against the signed digest (validation) or is only read
    // (timeline), and TLS already guards the transfer. Uploads the SDK requires one for still get it.
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    ...(location.endpoint ? { endpoint: location.endpoint, forcePathStyle: true } : {}),
  };
}

/**
 * How to read the keys of a listing page. Listings ask for URL-encoded keys (as the AWS CLI
 * does): XML cannot carry every character a key may hold as written, and its parser turns a
 * carriage return into a line feed, so `a\rb.json` would be listed as `a\nb.json`, another object
 * read in its place. A server that ignores the request (no EncodingType in its answer) sends
 * keys as they are, and they must not be decoded.
 */
function listedKeyDecoder(
  page: ListObjectsV2CommandOutput,
  where: string,
): (key: string) => string {
  if (page.EncodingType !== 'url') return (key) => key;
  return (key) => {
    try {
      return decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      throw new SourceError(
        'io',
        key,
        `${where}: the server's listing holds a key that is not URL-encoded as asked (${JSON.stringify(key.slice(0, 200))}), so it cannot be listed reliably`,
      );
    }
  };
}

/** The chunks of a GetObject body: a Node stream (the SDK on Node) or a web stream. */
async function* bodyChunks(
  body: NonNullable<GetObjectCommandOutput['Body']>,
): AsyncIterable<Uint8Array> {
  if (Symbol.asyncIterator in body) {
    yield* body as unknown as AsyncIterable<Uint8Array>;
    return;
  }
  const reader = body.transformToWebStream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value as Uint8Array;
  }
}

/**
 * `request`'s outcome, or a rejection as soon as `signal` aborts; a result that comes after the
 * abort goes to `late`.
 */
function untilAborted<T>(
  request: Promise<T>,
  signal: AbortSignal,
  late?: (result: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    request.then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) late?.(result);
        else resolve(result);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Stops a body that will not be read (the connection is closed). */
function discard(body: GetObjectCommandOutput['Body']): void {
  const stream = body as unknown as { destroy?: () => void } | undefined;
  if (typeof stream?.destroy === 'function') stream.destroy();
  else
    body
      ?.transformToWebStream()
      .cancel()
      .catch(() => undefined);
}

function isNotModified(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err?.$metadata?.httpStatusCode === 304 || err?.name === 'NotModified' || err?.name === '304'
  );
}

/** A clear SourceError for an SDK failure: what happened to which object, and what to do. */
export function s3Error(
  e: unknown,
  ctx: { bucket: string; key: string; profile?: string; endpoint?: string; aborted?: boolean },
): SourceError {
  if (e instanceof SourceError) return e;
  const err = e as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  // The name and message may come from the server's error body: a hostile endpoint can put
  // anything there, including the request's own Authorization and session token.
  const name = serviceErrorName(e);
  const status = err?.$metadata?.httpStatusCode;
  const where = ctx.key ? `s3://${ctx.bucket}/${ctx.key}` : `s3://${ctx.bucket}`;
  const profile = ctx.profile ? `profile "${ctx.profile}"` : 'the default credentials';
  const message = redactSecrets(err?.message ?? String(e)).slice(0, 300);
  ctx = { ...ctx, endpoint: ctx.endpoint === undefined ? undefined : redactSecrets(ctx.endpoint) };
  if (ctx.aborted || name === 'AbortError')
    return new SourceError('cancelled', ctx.key, 'cancelled');
  if (name === 'NoSuchBucket')
    return new SourceError(
      'not-found',
      ctx.key,
      `s3://${ctx.bucket}: no such bucket (check the bucket name${ctx.endpoint ? ` and the endpoint ${ctx.endpoint}` : ''})`,
    );
  if (name === 'PreconditionFailed' || status === 412)
    return new SourceError(
      'changed',
      ctx.key,
      `${where}: changed since it was listed (another version was written meanwhile); refresh and load it again`,
    );
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404)
    return new SourceError(
      'not-found',
      ctx.key,
      `${where}: no such object (it was deleted or moved; refresh the explorer)`,
    );
  // IAM Identity Center: the cached SSO token is gone or expired (GetRoleCredentials answers
  // UnauthorizedException; the SDK's SSO provider says to run aws sso login).
  if (
    /sso/i.test(name) ||
    name === 'UnauthorizedException' ||
    /sso (session|token)|sso login|session token not found or invalid/i.test(message)
  ) {
    return new SourceError(
      'access-denied',
      ctx.key,
      `${where}: the IAM Identity Center (SSO) session of ${profile} has expired or is invalid; run "aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}" and refresh`,
    );
  }
  if (
    name === 'ExpiredToken' ||
    name === 'ExpiredTokenException' ||
    name === 'TokenRefreshRequired'
  ) {
    return new SourceError(
      'access-denied',
      ctx.key,
      `${where}: the credentials of ${profile} have expired; renew them (e.g. "aws sso login" or new session credentials) and refresh`,
    );
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new SourceError(
      'access-denied',
      ctx.key,
      `${where}: no AWS credentials found for ${profile} (set a profile on the source, AWS_PROFILE, or run "aws configure" / "aws sso login")`,
    );
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') {
    return new SourceError(
      'access-denied',
      ctx.key,
      `${where}: the access key of ${profile} is not accepted (${name}); check the credentials`,
    );
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || status === 403) {
    return new SourceError(
      'access-denied',
      ctx.key,
      `${where}: access denied for ${profile} (the identity needs s3:ListBucket on the bucket and s3:GetObject on the keys; check the bucket policy and KMS key policy)`,
    );
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
    return new SourceError(
      'io',
      ctx.key,
      `${where}: the bucket is in another region; set "region" on the source`,
    );
  }
  if (
    name === 'SlowDown' ||
    name === 'ThrottlingException' ||
    name === 'TooManyRequestsException' ||
    status === 503
  ) {
    return new SourceError(
      'network',
      ctx.key,
      `${where}: S3 is throttling requests (still after retries with backoff); wait a moment and try again`,
    );
  }
  const code = err?.code ?? err?.cause?.code;
  if (
    (code && NETWORK_ERROR_CODES.has(code)) ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout' ||
    /socket hang up|network|ECONNREFUSED|ECONNRESET|ENOTFOUND|premature close|aborted/i.test(
      message,
    )
  ) {
    return new SourceError(
      'network',
      ctx.key,
      `${where}: cannot reach S3${ctx.endpoint ? ` at ${ctx.endpoint}` : ''} (${code ?? name ?? 'network error'}); check the network connection and try again`,
    );
  }
  return new SourceError(
    'io',
    ctx.key,
    `${where}: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`,
  );
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** True for text the user means as an S3 location (`s3://…`). */
export function isS3Uri(text: string): boolean {
  return /^s3:\/\//i.test(text.trim());
}

/** `s3://bucket[/key-or-prefix]` → its parts; undefined when it is not one. */
export function parseS3Uri(text: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/\s]+)(?:\/(.*))?$/i.exec(text.trim());
  if (!m || !BUCKET_NAME.test(m[1])) return undefined;
  return { bucket: m[1], key: (m[2] ?? '').replace(/^\/+/, '') };
}

/** An S3Source for `s3://bucket/prefix` (the key part taken as a prefix). */
export function openS3Uri(
  uri: string,
  access: S3Access = {},
  options?: S3SourceOptions,
): S3Source | undefined {
  const loc = parseS3Uri(uri);
  return loc
    ? new S3Source({ ...access, bucket: loc.bucket, prefix: loc.key }, options)
    : undefined;
}
