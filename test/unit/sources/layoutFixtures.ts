// Builds small AWSLogs trees in temporary folders for the catalog tests and benchmark.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempTree(files: Record<string, string | number | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctl-catalog-'));
  for (const [key, content] of Object.entries(files)) {
    const file = join(dir, ...key.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'number' ? Buffer.alloc(content) : content);
  }
  return dir;
}

/** `[prefix/]AWSLogs/[org/]<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<time>_<id>.json.gz` */
export function logKey(o: {
  prefix?: string;
  org?: string;
  account: string;
  region: string;
  date: string;
  time: string;
  id: string;
  folderRegion?: string;
}): string {
  const [y, m, d] = o.date.split('-');
  const head = `${o.prefix ? `${o.prefix}/` : ''}AWSLogs/${o.org ? `${o.org}/` : ''}${o.account}`;
  return `${head}/CloudTrail/${o.folderRegion ?? o.region}/${y}/${m}/${d}/${o.account}_CloudTrail_${o.region}_${y}${m}${d}T${o.time}Z_${o.id}.json.gz`;
}

export function digestKey(o: {
  prefix?: string;
  org?: string;
  account: string;
  region: string;
  date: string;
  time: string;
  trail: string;
  home: string;
}): string {
  const [y, m, d] = o.date.split('-');
  const head = `${o.prefix ? `${o.prefix}/` : ''}AWSLogs/${o.org ? `${o.org}/` : ''}${o.account}`;
  return `${head}/CloudTrail-Digest/${o.region}/${y}/${m}/${d}/${o.account}_CloudTrail-Digest_${o.region}_${o.trail}_${o.home}_${y}${m}${d}T${o.time}00Z.json.gz`;
}

export function insightKey(o: {
  account: string;
  region: string;
  date: string;
  time: string;
  id: string;
}): string {
  const [y, m, d] = o.date.split('-');
  return `AWSLogs/${o.account}/CloudTrail-Insight/${o.region}/${y}/${m}/${d}/${o.account}_CloudTrail-Insight_${o.region}_${y}${m}${d}T${o.time}Z_${o.id}.json.gz`;
}

/** A LogSource over keys held in memory (for scale tests without writing 100,000 files). */
export class MemorySource {
  readonly type = 'memory';
  readonly label = 'memory';
  listLevelCalls = 0;
  private readonly keys: string[];

  constructor(private readonly sizes: Map<string, number>) {
    this.keys = [...sizes.keys()].sort();
  }

  async listLevel(
    prefix: string,
  ): Promise<import('../../../src/core/sources/source').SourceEntry[]> {
    this.listLevelCalls++;
    const out: import('../../../src/core/sources/source').SourceEntry[] = [];
    let lastPrefix = '';
    for (const key of this.keys) {
      if (!key.startsWith(prefix)) continue;
      const slash = key.indexOf('/', prefix.length);
      if (slash < 0) out.push({ kind: 'object', key, size: this.sizes.get(key)! });
      else if (key.slice(0, slash + 1) !== lastPrefix)
        out.push({ kind: 'prefix', prefix: (lastPrefix = key.slice(0, slash + 1)) });
    }
    if (out.length === 0 && prefix !== '') {
      const { SourceError } = await import('../../../src/core/sources/source');
      throw new SourceError('not-found', prefix, `${prefix}: no such folder`);
    }
    return out;
  }

  async *listAll(
    prefix: string,
  ): AsyncIterable<import('../../../src/core/sources/source').SourceObject> {
    for (const key of this.keys)
      if (key.startsWith(prefix)) yield { kind: 'object', key, size: this.sizes.get(key)! };
  }

  async read(): Promise<Uint8Array> {
    return new Uint8Array();
  }
}
