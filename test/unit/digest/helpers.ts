// Shared helpers for the digest tests: a fresh signed bucket per test and the CLI run in-process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runValidate } from '../../../src/cli/validate';
import { UsageError } from '../../../src/cli/io';
import { SignedBucket, signingKey, SigningKey } from '../../../src/core/synthetic/digests';
export { zeroBomb } from '../../support/gzipBomb';

export const BUCKET = 'example-cloudtrail-bucket';
export const ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events';

export interface Run {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let code: number;
  try {
    code = await runValidate(args, {
      out: (t) => (out += t),
      err: (t) => (err += t),
      stderrIsTTY: false,
    });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err += e.message;
    code = 2;
  }
  return { code, out, err };
}

export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'ctl-digest-'));
  readonly root = join(this.dir, 'bucket');
  readonly bucket = new SignedBucket(this.root, BUCKET);

  keys(keys: SigningKey[] = [signingKey(0)], opts?: { spki?: boolean }): string {
    return this.bucket.writePublicKeys(
      join(this.dir, `keys-${Math.random().toString(36).slice(2)}.json`),
      keys,
      opts,
    );
  }

  signatures(): string {
    return this.bucket.writeSignatures(join(this.dir, 'signatures.json'));
  }

  /** Runs validate over the bucket with its keys and signatures (the usual offline setup). */
  async validate(extra: string[] = [], keys: SigningKey[] = [signingKey(0)]): Promise<Run> {
    return cli([
      this.root,
      '--public-keys',
      this.keys(keys),
      '--signatures',
      this.signatures(),
      ...extra,
    ]);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const s3 = (key: string): string => `s3://${BUCKET}/${key}`;
export const digestLine = (key: string, verdict: string): string =>
  `Digest file\t${s3(key)}\t${verdict}`;
export const logLine = (key: string, verdict: string): string => `Log file\t${s3(key)}\t${verdict}`;

/** What an attacker does to a delivered log: renames one event and adds a DeleteTrail. */
export function tamperLog(ws: Workspace, key: string): void {
  const file = ws.bucket.file(key);
  const log = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
    Records: Array<Record<string, unknown>>;
  };
  log.Records[0].eventName = 'ListRoles';
  log.Records.push({
    ...log.Records[1],
    eventSource: 'cloudtrail.amazonaws.com',
    eventName: 'DeleteTrail',
    eventID: 'f0f0f0f0-0000-4000-8000-000000000001',
  });
  writeFileSync(file, gzipSync(JSON.stringify(log)));
}

/**
 * Our line saying where a chain's digests end (chain-end): its newest digest ends at `newest`, the
 * next was due by `due`, before the window's `end`, and none is there.
 */
export const chainEndLine = (newest: string, due: string, end = '2024-05-15T00:00:00Z'): string =>
  `FINDING\tchain-end\tThe newest digest ends at ${newest}; the next was due by ${due}, before the window's end (${end}), and none is here: nothing after ${newest} is vouched for. Logging or validation stopped then, the copy validated here was taken then, or the newest digests were deleted with the logs they listed, which leaves no trace here (only their signatures recorded earlier, in a signatures file, would show it)\n`;

/** The lines the AWS CLI prints (ours without FINDING lines). */
export const cliLines = (out: string): string =>
  out
    .split('\n')
    .filter((l) => !l.startsWith('FINDING\t'))
    .join('\n');
