// A hostile S3-compatible endpoint: a raw HTTP server on 127.0.0.1 (no S3 semantics at all) that
// streams bodies without Content-Length and echoes the request's credentials back in its errors.
// The real SDK client talks to it; nothing is mocked.
import { strict as assert } from 'node:assert';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';
import { redactSecrets } from '../../../src/core/redact';
import { S3Source } from '../../../src/core/sources/s3';
import { SourceError } from '../../../src/core/sources/source';

const CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: `FwoGZXIvYXdzEBYaD${'Q'.repeat(40)}EXAMPLETOKEN${'z9'.repeat(60)}`,
};

interface Hostile {
  server: Server;
  endpoint: string;
  /** Bytes of body written for the last streamed GET before the client went away. */
  sent: number;
}

/** GET /bucket/big: 64 MiB in chunks, no Content-Length. Anything else: 400 echoing the request headers. */
function startHostile(): Promise<Hostile> {
  const state: Hostile = { server: undefined as unknown as Server, endpoint: '', sent: 0 };
  state.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url?.startsWith('/bucket/big')) {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', ETag: '"e"' }); // chunked: no length
      state.sent = 0;
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (state.sent < 64 * 1024 * 1024) {
          state.sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
      return;
    }
    // The secrets first, so that no cut of a long message hides them.
    const echoed = ['authorization', 'x-amz-security-token']
      .map((k) => `${k}: ${String(req.headers[k])}`)
      .join('; ');
    res.writeHead(400, { 'Content-Type': 'application/xml' });
    res.end(
      `<?xml version="1.0"?><Error><Code>InvalidArgument</Code><Message>bad request, you sent ${echoed} to ${req.url}</Message></Error>`,
    );
  });
  return new Promise((resolve) =>
    state.server.listen(0, '127.0.0.1', () => {
      state.endpoint = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}`;
      resolve(state);
    }),
  );
}

const leaks = (text: string): string[] =>
  [
    CREDENTIALS.accessKeyId,
    CREDENTIALS.secretAccessKey,
    CREDENTIALS.sessionToken.slice(0, 30),
    'hunter2',
    'Signature=',
    'Credential=AKIA',
  ].filter((s) => text.includes(s));

describe('a hostile S3 endpoint', function () {
  this.timeout(60_000);
  let hostile: Hostile;
  before(async () => (hostile = await startHostile()));
  after(() => new Promise<void>((r) => hostile.server.close(() => r())));

  const source = (endpoint = hostile.endpoint) =>
    new S3Source(
      { bucket: 'bucket', endpoint, region: 'us-east-1' },
      { credentials: CREDENTIALS, maxAttempts: 1 },
    );

  it('cannot push more than the limit through a body without Content-Length', async () => {
    const s = source();
    await assert.rejects(
      s.read('big', { maxBytes: 1024 * 1024 }),
      (e: unknown) =>
        e instanceof SourceError &&
        e.code === 'too-large' &&
        /more than 1048576 bytes/.test(e.message),
    );
    // The client hung up: the server did not get to write its 64 MiB.
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(hostile.sent < 32 * 1024 * 1024, `${hostile.sent} bytes were sent`);
    s.dispose();
  });

  it('never repeats the credentials a server echoes in its error body', async () => {
    const s = source();
    const err = await s.read('other-key').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof SourceError, String(err));
    assert.match(err.message, /^s3:\/\/bucket\/other-key: InvalidArgument: bad request/);
    assert.deepEqual(leaks(err.message), [], err.message);
    s.dispose();
  });

  it('never prints the password of an --endpoint URL', async () => {
    let err = '';
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), stderrIsTTY: false };
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const code = await main(
        ['query', 's3://bucket/trails/', '--endpoint', 'http://alice:hunter2@127.0.0.1:1'],
        io,
      );
      assert.equal(code, 2);
      assert.match(err, /cannot reach S3 at http:\/\/<redacted>@127\.0\.0\.1:1/);
      assert.deepEqual(leaks(err), [], err);
    } finally {
      process.env = saved;
    }
  });

  it('redacts URL passwords, authorization headers, session tokens, presigned credentials and key ids', () => {
    const text = [
      'https://bob:s3cr3t@minio.local:9000/bucket',
      'authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240514/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef',
      `x-amz-security-token: ${CREDENTIALS.sessionToken}`,
      '?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240514&X-Amz-Signature=deadbeefdeadbeef&X-Amz-Security-Token=abc',
    ].join('\n');
    const out = redactSecrets(text);
    for (const secret of [
      's3cr3t',
      'AKIAIOSFODNN7EXAMPLE',
      '0123456789abcdef',
      CREDENTIALS.sessionToken.slice(0, 20),
      'deadbeef',
    ])
      assert.ok(!out.includes(secret), `${secret} in ${out}`);
    assert.match(out, /minio\.local:9000\/bucket/);
  });

  it('redacts the whole of a URL password that holds an unescaped "@" (the host is after the last one)', () => {
    const out = redactSecrets(
      'cannot reach S3 at http://bob:p@ss@w0rd@minio.local:9000/bucket: refused',
    );
    assert.equal(out, 'cannot reach S3 at http://<redacted>@minio.local:9000/bucket: refused');
    // A later '@' in the path or query is not taken for the user-info's end.
    assert.equal(
      redactSecrets('see http://minio.local:9000/a@b?c=d@e and mail@example.com'),
      'see http://minio.local:9000/a@b?c=d@e and mail@example.com',
    );
    assert.equal(
      redactSecrets('{"endpoint":"http://minio.local:9000","by":"bob@example.com"}'),
      '{"endpoint":"http://minio.local:9000","by":"bob@example.com"}',
    );
  });
});
