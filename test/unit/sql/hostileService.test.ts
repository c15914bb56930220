// A hostile (or broken) Athena / CloudTrail endpoint (cloudtrailLens.athena.endpoint, a source's
// Event history endpoint, --service-endpoint) answers every request with an error whose type is
// the request's own session token or Authorization header. The SDK takes the error's name from
// that type: nothing the runners say (shown to the user, written to the output channel, printed
// by the CLI) may hold the user's credentials.
import { strict as assert } from 'node:assert';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AthenaRunner } from '../../../src/core/sql/athena';
import { LakeRunner } from '../../../src/core/sql/lake';
import { EventHistorySource } from '../../../src/core/sources/eventHistory';
import { serviceErrorName } from '../../../src/core/redact';

const CREDENTIALS = {
  accessKeyId: 'AKIAHOSTILETEST00001',
  secretAccessKey: 'hOsTiLeSeCrEt/0123456789abcdefghijklmnop',
  sessionToken: `IQoJb3JpZ2luX2VjE${'Hk9'.repeat(30)}/hostile+token==`,
};

/** Echoes one request header as the error's type (`__type`) and message. */
function startEchoing(header: string): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const echoed = String(req.headers[header] ?? '');
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: echoed, message: `you sent ${echoed}` }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      }),
    ),
  );
}

async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  assert.fail('the call was expected to fail');
}

describe('a query service that echoes the credentials into its error type', function () {
  this.timeout(30_000);
  for (const header of ['x-amz-security-token', 'authorization']) {
    it(`Athena, CloudTrail Lake and Event history say nothing of the ${header} header`, async () => {
      const { server, endpoint } = await startEchoing(header);
      const options = { credentials: CREDENTIALS, maxAttempts: 1 };
      try {
        const athena = new AthenaRunner({ endpoint, region: 'us-east-1' }, options);
        const lake = new LakeRunner(
          { endpoint, region: 'us-east-1', eventDataStore: 'x' },
          options,
        );
        const history = new EventHistorySource(
          { regions: ['us-east-1'], endpoint },
          { credentials: CREDENTIALS, maxAttempts: 1, range: { from: 0, to: 1 } },
        );
        const messages = [
          await failure(() => athena.run('SELECT 1')),
          await failure(async () => {
            for await (const _ of lake.query('SELECT 1')) void _;
          }),
          await failure(async () => {
            for await (const _ of history.listAll('')) void _;
          }),
        ];
        athena.dispose();
        lake.dispose();
        for (const m of messages) {
          for (const secret of [
            CREDENTIALS.sessionToken,
            CREDENTIALS.sessionToken.slice(0, 24),
            CREDENTIALS.accessKeyId,
            CREDENTIALS.secretAccessKey,
          ])
            assert.ok(!m.includes(secret), `${secret.slice(0, 12)}… in: ${m}`);
          assert.doesNotMatch(m, /Signature=[0-9a-f]{16}/, m);
        }
        // Each still says which service refused.
        assert.match(messages[0], /Athena/);
        assert.match(messages[1], /CloudTrail Lake/);
        assert.match(messages[2], /Event history/);
      } finally {
        server.close();
      }
    });
  }

  it('an error name is kept when it is a plain name, and a key id in it is redacted', () => {
    assert.equal(serviceErrorName({ name: 'AccessDeniedException' }), 'AccessDeniedException');
    assert.equal(serviceErrorName({ name: 'com.amazon.Throttling' }), 'com.amazon.Throttling');
    assert.equal(serviceErrorName({ name: CREDENTIALS.accessKeyId }), '<redacted key id>');
    assert.equal(serviceErrorName({ name: CREDENTIALS.sessionToken }), '');
    assert.equal(serviceErrorName({ name: 'a b' }), '');
    assert.equal(serviceErrorName(undefined), '');
  });
});
