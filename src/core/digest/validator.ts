// Walks each digest chain newest → oldest with the rules of `aws cloudtrail validate-logs`
// (../shared/specs/digest-validation.md §5), over any LogSource, and adds what the CLI does not
// check as separate findings.
import { constants, verify } from 'node:crypto';
import { LogSource, SourceError } from '../sources/source';
import { ChainId, DigestChain, groupKey, inventorySource, LogObject, parseTrailArn, SourceInventory, stampTime, trailArnOf } from './chains';
import { compactTime, DigestJson, DigestLogEntry, hasRequiredKeys, parseDigestJson, parseTime, signedString } from './digestFile';
import { hashFirstMember } from './gzipMember';
import { PublicKeyRing } from './publicKeys';
import { DigestMetadata, SignaturesFile } from './signatures';
import { ChainReport, DigestVerdict, Finding, LogVerdict, SignatureSource, StatusEvent, ValidationReport } from './types';

const HOUR = 3600_000;
const MINUTE = 60_000;
/** A log delivered this long after the newest digest's end proves a later digest is due. */
const DIGEST_DUE = HOUR + 15 * MINUTE;
const CHAINS_AT_ONCE = 4;

export interface ValidateOptions {
  publicKeys: PublicKeyRing;
  signatures?: SignaturesFile;
  /** The bucket the source is a copy of (else the signatures file's, else the digests' own digestS3Bucket). */
  bucket?: string;
  /** Only this trail (its name and home region; its account unless --account-id or an organization trail). */
  trailArn?: string;
  /** Only this source region (the CLI's --region). */
  region?: string;
  /** Only this account (the member account of an organization trail). */
  accountId?: string;
  /** Only chains with digests under this key prefix (a node picked in the explorer). */
  scopePrefix?: string;
  /** ms since the epoch. Default: an hour before the oldest digest. */
  startTime?: number;
  /** ms since the epoch. Default: now. */
  endTime?: number;
  /** Log files hashed at once. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: ValidationProgress) => void;
}

export interface ValidationProgress {
  chain: string;
  digests: number;
  logs: number;
  bytes: number;
}

export class ValidationAbort extends Error {}

/** Validates every selected chain in the source. */
export async function validateSource(source: LogSource, options: ValidateOptions): Promise<ValidationReport> {
  const inventory = await inventorySource(source, options.signal);
  return validateInventory(source, inventory, options);
}

export async function validateInventory(source: LogSource, inventory: SourceInventory, options: ValidateOptions): Promise<ValidationReport> {
  const arn = options.trailArn ? parseTrailArn(options.trailArn) : undefined;
  if (options.trailArn && !arn) throw new ValidationAbort(`Invalid trail ARN provided: ${options.trailArn}`);
  const chains = inventory.chains.filter((c) => {
    const id = c.id;
    if (options.region && id.region !== options.region) return false;
    if (options.accountId && id.accountId !== options.accountId) return false;
    if (options.scopePrefix && !c.digests.some((d) => d.key.startsWith(options.scopePrefix!))) return false;
    if (arn) {
      if (id.trailName !== arn.trailName || id.homeRegion !== arn.homeRegion) return false;
      if (!options.accountId && !id.organizationId && id.accountId !== arn.accountId) return false;
    }
    return true;
  });
  const allNameTimes = chains.flatMap((c) => c.digests.map((d) => d.nameTime));
  const endTime = options.endTime ?? Date.now();
  const startTime = options.startTime ?? (allNameTimes.length ? Math.floor(minOf(allNameTimes) / HOUR) * HOUR - HOUR : endTime - HOUR);
  if (startTime > endTime) throw new ValidationAbort('Invalid time range specified: start-time must occur before end-time');

  const reports: ChainReport[] = [];
  const coverage = new Map<string, Array<[number, number]>>();
  const listedByGroup = new Map<string, Set<string>>();
  // Chains are walked a few at a time, sharing one limit on the log files being hashed, so the
  // hashing never waits at the start or end of a chain.
  const limiter = new Limiter(Math.max(1, options.concurrency ?? 4));
  const walkers = chains.map((chain) => new ChainWalker(source, chain, options, startTime, endTime, arn ? options.trailArn! : trailArnOf(chain.id), limiter));
  let nextChain = 0;
  await Promise.all(
    Array.from({ length: Math.min(CHAINS_AT_ONCE, walkers.length) }, async () => {
      while (nextChain < walkers.length) {
        const i = nextChain++;
        reports[i] = await walkers[i].walk();
      }
    }),
  );
  for (const [i, chain] of chains.entries()) {
    const walker = walkers[i];
    const gk = groupKey(chain.id);
    let listed = listedByGroup.get(gk);
    if (!listed) listedByGroup.set(gk, (listed = new Set()));
    for (const k of walker.listedLogs) listed.add(k);
    walker.coverage.forEach((w) => coverageOf(gk).push(w));
  }
  // Unlisted and late logs are judged against every chain of the same account and region, so
  // two trails delivering into one folder don't flag each other's logs.
  for (const [i, chain] of chains.entries()) {
    const gk = groupKey(chain.id);
    if (chains.findIndex((c) => groupKey(c.id) === gk) !== i) continue;
    const logs = (inventory.logs.get(gk) ?? []).filter((l) => l.nameTime >= startTime && l.nameTime <= endTime);
    reports[i].findings.push(...unlistedLogFindings(source, logs, listedByGroup.get(gk)!, coverage.get(gk) ?? []));
  }
  for (const [i, chain] of chains.entries()) {
    const logs = inventory.logs.get(groupKey(chain.id)) ?? [];
    const t = truncationFinding(chain, reports[i], logs, endTime);
    if (t) reports[i].findings.push(t);
  }

  const findings: Finding[] = [];
  const chainGroups = new Set(inventory.chains.map((c) => groupKey(c.id)));
  for (const [gk, group] of inventory.groups) {
    const logs = inventory.logs.get(gk) ?? [];
    if (chainGroups.has(gk) || !logs.length) continue;
    if (options.region && group.region !== options.region) continue;
    if (options.accountId && group.accountId !== options.accountId) continue;
    const inWindow = logs.filter((l) => l.nameTime >= startTime && l.nameTime <= endTime);
    if (!inWindow.length) continue;
    const where = `${group.prefix ? group.prefix + '/' : ''}AWSLogs/${group.organizationId ? group.organizationId + '/' : ''}${group.accountId}/CloudTrail/${group.region}/`;
    findings.push({
      kind: 'no-digests',
      message: `${inWindow.length} log file(s) under ${where} have no digest files at all (log file validation off, or digests deleted)`,
      from: iso(minOf(inWindow.map((l) => l.nameTime))),
      to: iso(maxOf(inWindow.map((l) => l.nameTime))),
      keys: inWindow.map((l) => l.key),
    });
  }

  const keyWarnings = options.publicKeys
    .list()
    .filter((k) => !k.fingerprintMatches)
    .map((k) => `${k.file}: the key listed with fingerprint ${k.fingerprint} does not hash to that fingerprint (MD5 of its Value)`);
  return { source: source.label, chains: reports, findings, keyWarnings };

  function coverageOf(gk: string): Array<[number, number]> {
    let list = coverage.get(gk);
    if (!list) coverage.set(gk, (list = []));
    return list;
  }
}
/** At most `max` tasks at once, in the order they asked. */
class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next waiter, so the limit is never exceeded.
    if (this.running >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

interface LoadedDigest {
  key: string;
  bucket: string;
  /** Parsed JSON when it could be read (even if invalid for another reason). */
  json?: Record<string, unknown>;
  sha256?: string;
  signature?: string;
  signatureSource?: SignatureSource;
  /** The signature from the source's metadata or the signatures file, for the linkage check. */
  storedSignature?: string;
}

class ChainWalker {
  readonly listedLogs = new Set<string>();
  /** [start, end] windows of the digests read. */
  readonly coverage: Array<[number, number]> = [];
  private readonly report: ChainReport;
  private bucket = '';
  private readonly cache = new Map<string, Promise<Uint8Array>>();
  private progress = { digests: 0, logs: 0, bytes: 0 };
  private pending?: { logs: Promise<LogVerdict[]>; after: StatusEvent[] };

  constructor(
    private readonly source: LogSource,
    private readonly chain: DigestChain,
    private readonly options: ValidateOptions,
    private readonly start: number,
    private readonly end: number,
    trailArn: string,
    private readonly limiter: Limiter,
  ) {
    this.report = {
      chain: chain.id,
      trailArn,
      bucket: '',
      requestedStart: iso(start),
      requestedEnd: iso(end),
      events: [],
      findings: [],
      counts: { validDigests: 0, invalidDigests: 0, unverifiableDigests: 0, validLogs: 0, invalidLogs: 0 },
    };
  }

  async walk(): Promise<ChainReport> {
    const { chain, report } = this;
    // §5.2: candidates by the stamp in the name, up to an hour past the end.
    const lo = compactTime(this.start);
    const hi = compactTime(this.end + HOUR);
    const candidates = chain.digests.filter((d) => d.stamp >= lo && d.stamp <= hi);
    this.bucket = this.options.bucket ?? this.options.signatures?.bucket ?? (await this.bucketFromDigests(candidates.map((c) => c.key)));
    report.bucket = this.bucket;
    if (chain.backfill.length) {
      report.findings.push({
        kind: 'backfill-skipped',
        message: `${chain.backfill.length} backfill digest file(s) were not validated (aws cloudtrail validate-logs skips them too)`,
        keys: chain.backfill,
      });
    }

    let pos = candidates.length - 1;
    let current: string | undefined = candidates[pos]?.key;
    let lastStart = candidates[pos]?.nameTime ?? 0;
    let newer: LoadedDigest | undefined; // the digest walked just before (the successor of `current`)
    let newerValid = false;
    const visited = new Set<string>();
    /** The newest listed candidate strictly older (by name stamp) than `key`, as the CLI pops its list. */
    const olderThan = (key: string): string | undefined => {
      const t = stampTime(key.endsWith('.json.gz') ? key.slice(-24, -8) : '') ?? -Infinity;
      while (pos >= 0 && !(candidates[pos].nameTime < t)) pos--;
      return pos >= 0 ? candidates[pos].key : undefined;
    };

    while (current !== undefined && this.start <= lastStart) {
      this.checkAborted();
      if (visited.has(current)) {
        report.findings.push({ kind: 'chain-cycle', message: `The previous-digest pointer leads back to ${current}, which was already validated; the walk stops here`, key: current });
        break;
      }
      visited.add(current);
      const key: string = current;
      const { verdict, loaded } = await this.checkDigest(key, newer);
      this.progress.digests++;
      this.emitProgress();
      if (loaded.json && hasRequiredKeys(loaded.json)) this.linkageFindings(newer, newerValid, loaded);
      // Pipelining: this digest's logs start hashing while the newer digest's last logs finish;
      // their verdicts are still reported in the CLI's order (flush before this digest's line).
      const trusted = verdict.kind === 'valid' || verdict.kind === 'unverifiable';
      const logs = trusted ? this.hashLogs(key, (loaded.json as unknown as DigestJson).logFiles) : undefined;
      logs?.catch(() => undefined); // awaited in flush(); this keeps an abort from being "unhandled"
      await this.flush();
      report.events.push(verdict);
      if (!trusted) {
        report.counts.invalidDigests++;
        // Logs an INVALID digest lists are not "unlisted": that digest's own verdict says what is wrong.
        if (Array.isArray(loaded.json?.logFiles)) for (const l of loaded.json.logFiles as DigestLogEntry[]) if (typeof l?.s3Object === 'string') this.listedLogs.add(l.s3Object);
        newer = loaded;
        newerValid = false;
        current = olderThan(key);
        continue;
      }
      const d = loaded.json as unknown as DigestJson;
      const digestStart = parseTime(d.digestStartTime)!;
      lastStart = digestStart;
      if (verdict.kind === 'valid') {
        report.counts.validDigests++;
        if (digestStart > this.start) report.foundStart = iso(digestStart);
        if (report.foundEnd === undefined) report.foundEnd = iso(Math.min(parseTime(d.digestEndTime)!, this.end));
      } else {
        report.counts.unverifiableDigests++;
      }
      this.coverage.push([digestStart, parseTime(d.digestEndTime)!]);
      for (const l of d.logFiles) this.listedLogs.add(l.s3Object);
      const pending: { logs: Promise<LogVerdict[]>; after: StatusEvent[] } = { logs: logs!, after: [] };
      this.pending = pending;
      newer = loaded;
      newerValid = true;
      if (d.previousDigestS3Bucket === null || d.previousDigestS3Bucket === undefined) {
        const older = olderThan(key);
        if (older !== undefined) {
          const from = stampTime(older.slice(-24, -8)) ?? 0;
          pending.after.push({ type: 'gap', from: iso(from), to: iso(digestStart), digestKey: key });
          report.findings.push({
            kind: 'gap',
            message: `The chain stops: no digest covers ${iso(from)} to ${iso(digestStart)} (logging or validation was off, or digests were removed)`,
            key,
            localPath: this.localPath(key),
            relatedKey: older,
            from: iso(from),
            to: iso(digestStart),
          });
        }
        current = older;
      } else {
        current = typeof d.previousDigestS3Object === 'string' ? d.previousDigestS3Object : undefined;
        if (d.previousDigestS3Bucket !== this.bucket) this.bucket = d.previousDigestS3Bucket;
      }
    }
    await this.flush();
    return report;
  }

  /** Reports the logs of the digest walked before, then what follows them (a gap notice). */
  private async flush(): Promise<void> {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    for (const v of await p.logs) {
      this.report.events.push(v);
      if (v.kind === 'valid') this.report.counts.validLogs++;
      else this.report.counts.invalidLogs++;
    }
    this.report.events.push(...p.after);
  }

  private async bucketFromDigests(keys: string[]): Promise<string> {
    for (const key of [...keys].reverse()) {
      try {
        const { bytes } = await hashFirstMember(await this.read(key), { keep: true });
        const json = parseDigestJson(bytes!);
        if (typeof json?.digestS3Bucket === 'string') return json.digestS3Bucket;
      } catch {
        // try an older one
      }
    }
    return 'unknown-bucket';
  }

  private read(key: string): Promise<Uint8Array> {
    let p = this.cache.get(key);
    if (!p) {
      p = this.source.read(key, { signal: this.options.signal });
      this.cache.set(key, p);
    }
    return p;
  }

  private localPath(key: string): string | undefined {
    try {
      return this.source.localPath?.(key);
    } catch {
      return undefined;
    }
  }

  /** §5.3 step 2, in the CLI's order; `newer` is the digest walked before this one. */
  private async checkDigest(key: string, newer: LoadedDigest | undefined): Promise<{ verdict: DigestVerdict; loaded: LoadedDigest }> {
    const bucket = this.bucket;
    const loaded: LoadedDigest = { key, bucket };
    const nameTime = stampTime(key.endsWith('.json.gz') ? key.slice(-24, -8) : '');
    const verdict: DigestVerdict = { type: 'digest', kind: 'valid', bucket, key, localPath: this.localPath(key), message: '', endTime: nameTime === undefined ? undefined : iso(nameTime) };
    const fail = (kind: DigestVerdict['kind'], message: string) => {
      verdict.kind = kind;
      verdict.message = message;
      return { verdict, loaded };
    };
    let raw: Uint8Array;
    try {
      raw = await this.read(key);
      this.cache.delete(key);
    } catch (e) {
      this.cache.delete(key);
      if (e instanceof SourceError && e.code === 'cancelled') throw e;
      if (e instanceof SourceError && e.code === 'not-found') return fail('not-found', 'not found');
      return fail('error', e instanceof Error ? e.message : String(e));
    }
    let bytes: Buffer;
    try {
      const h = await hashFirstMember(raw, { keep: true, signal: this.options.signal });
      if (h.truncated) return fail('invalid-format', 'invalid format');
      bytes = h.bytes!;
      loaded.sha256 = h.sha256;
    } catch {
      this.checkAborted();
      return fail('invalid-format', 'invalid format');
    }
    const json = parseDigestJson(bytes);
    if (!json) return fail('invalid-format', 'invalid format');
    loaded.json = json;
    if (typeof json.digestStartTime === 'string') verdict.startTime = iso(parseTime(json.digestStartTime) ?? NaN);
    if (typeof json.digestEndTime === 'string') verdict.endTime = iso(parseTime(json.digestEndTime) ?? NaN);
    if (Array.isArray(json.logFiles)) verdict.logCount = json.logFiles.length;
    if (typeof json.digestPublicKeyFingerprint === 'string') verdict.fingerprint = json.digestPublicKeyFingerprint;

    // Where the signature comes from: S3 metadata (as the CLI), the signatures file, then the
    // newer digest's previousDigestSignature. The last is safe whatever that newer digest's own
    // verdict: an RSA signature over this digest's signed string cannot be forged without the key.
    const meta = await this.storedMetadata(key);
    let signature: string | undefined;
    let metadataIncomplete = false;
    if (meta) {
      if (meta.signature === undefined || meta['signature-algorithm'] === undefined) metadataIncomplete = true;
      else {
        signature = meta.signature;
        loaded.signatureSource = meta.from;
        loaded.storedSignature = meta.signature;
      }
    }
    if (!meta && newer?.json && newer.json.previousDigestS3Object === key && typeof newer.json.previousDigestSignature === 'string') {
      signature = newer.json.previousDigestSignature;
      loaded.signatureSource = 'next-digest';
    }
    // The CLI checks metadata presence before the required keys.
    if (metadataIncomplete) return fail('signature-failed', 'signature verification failed');
    if (!hasRequiredKeys(json)) return fail('invalid-format', 'invalid format');
    if (json.digestS3Bucket !== bucket || json.digestS3Object !== key) return fail('moved', 'has been moved from its original location');
    const fp = json.digestPublicKeyFingerprint;
    const found = this.options.publicKeys.lookup(fp);
    if (!found.ok && found.reason === 'not-found') return fail('key-not-found', `public key not found in region ${this.homeRegionForMessages()} for fingerprint ${fp}`);
    if (signature === undefined) {
      verdict.kind = 'unverifiable';
      return { verdict, loaded };
    }
    verdict.signatureSource = loaded.signatureSource;
    loaded.signature = signature;
    if (!found.ok || !/^(?:[0-9a-fA-F]{2})*$/.test(signature)) return fail('key-unloadable', `Unable to load PKCS #1 key with fingerprint ${fp}`);
    const message = Buffer.from(signedString(json, loaded.sha256!), 'utf8');
    let ok = false;
    try {
      ok = verify('sha256', message, { key: found.key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(signature, 'hex'));
    } catch {
      ok = false;
    }
    if (!ok) return fail('signature-failed', 'signature verification failed');
    // The CLI only asks ListPublicKeys for keys valid in the requested window; a key file may
    // list more, so a key used outside its validity period is worth a finding.
    const end = parseTime(json.digestEndTime)!;
    const from = found.entry.validityStart ? parseTime(found.entry.validityStart) : undefined;
    const to = found.entry.validityEnd ? parseTime(found.entry.validityEnd) : undefined;
    if ((from !== undefined && end < from) || (to !== undefined && end > to)) {
      this.report.findings.push({
        kind: 'key-outside-validity',
        message: `${key} (ending ${iso(end)}) is signed with the key ${fp}, listed in ${found.entry.file} as valid only from ${found.entry.validityStart ?? '?'} to ${found.entry.validityEnd ?? '?'}`,
        key,
        localPath: this.localPath(key),
        from: found.entry.validityStart,
        to: found.entry.validityEnd,
      });
    }
    return { verdict, loaded };
  }

  private homeRegionForMessages(): string {
    // The CLI names the trail ARN's home region, whatever region was validated.
    return parseTrailArn(this.report.trailArn)?.homeRegion ?? this.chain.id.homeRegion;
  }

  private async storedMetadata(key: string): Promise<(DigestMetadata & { from: SignatureSource }) | undefined> {
    if (this.source.metadata) {
      // An object the source has metadata for is judged by it alone, as the CLI does.
      const m = await this.source.metadata(key).catch(() => undefined);
      if (m) return { signature: m.signature, 'signature-algorithm': m['signature-algorithm'], from: 'metadata' };
    }
    const s = this.options.signatures?.objects.get(key);
    return s ? { ...s, from: 'signatures-file' } : undefined;
  }

  /** Beyond the CLI: does `newer` really point at this digest's bytes, signature and window? */
  private linkageFindings(newer: LoadedDigest | undefined, newerValid: boolean, older: LoadedDigest): void {
    const n = newer?.json as Partial<DigestJson> | undefined;
    if (!newer || !n || n.previousDigestS3Object !== older.key) return;
    const o = older.json as unknown as DigestJson;
    const at = { key: newer.key, localPath: this.localPath(newer.key), relatedKey: older.key };
    const trusted = newerValid ? '' : ' (the newer digest is itself not valid)';
    if (typeof n.previousDigestHashValue === 'string' && older.sha256 && n.previousDigestHashValue.toLowerCase() !== older.sha256) {
      this.report.findings.push({
        kind: 'previous-hash-mismatch',
        message: `previousDigestHashValue in ${newer.key} is not the SHA-256 of ${older.key}: the older digest was replaced or re-signed after the newer one was written${trusted}`,
        ...at,
      });
    }
    if (older.storedSignature && typeof n.previousDigestSignature === 'string' && n.previousDigestSignature.toLowerCase() !== older.storedSignature.toLowerCase()) {
      this.report.findings.push({
        kind: 'previous-signature-mismatch',
        message: `previousDigestSignature in ${newer.key} differs from the stored signature of ${older.key}: that digest was re-signed or its signature metadata replaced${trusted}`,
        ...at,
      });
    }
    const newerStart = typeof n.digestStartTime === 'string' ? parseTime(n.digestStartTime) : undefined;
    const olderEnd = parseTime(o.digestEndTime);
    if (newerStart !== undefined && olderEnd !== undefined && newerStart !== olderEnd) {
      this.report.findings.push({
        kind: 'window-discontinuity',
        message: `${newer.key} starts at ${iso(newerStart)} but the digest before it (${older.key}) ends at ${iso(olderEnd)}: ${newerStart > olderEnd ? 'logs delivered in between are in no digest' : 'the windows overlap'}`,
        ...at,
        from: iso(Math.min(newerStart, olderEnd)),
        to: iso(Math.max(newerStart, olderEnd)),
      });
    }
  }

  /** §5.3 step 4.3: every listed log, hashed concurrently (shared limit across digests), results in array order. */
  private hashLogs(digestKey: string, entries: DigestLogEntry[]): Promise<LogVerdict[]> {
    return Promise.all(entries.map((e) => this.limiter.run(() => this.checkLog(digestKey, e))));
  }

  private async checkLog(digestKey: string, entry: DigestLogEntry): Promise<LogVerdict> {
    this.checkAborted();
    const key = entry.s3Object;
    const verdict: LogVerdict = {
      type: 'log',
      kind: 'valid',
      bucket: String(entry.s3Bucket),
      key,
      localPath: this.localPath(key),
      message: '',
      digestKey,
      deliveryTime: logDeliveryTime(key),
      oldestEventTime: typeof entry.oldestEventTime === 'string' ? entry.oldestEventTime : undefined,
      newestEventTime: typeof entry.newestEventTime === 'string' ? entry.newestEventTime : undefined,
    };
    let raw: Uint8Array;
    try {
      raw = await this.source.read(key, { signal: this.options.signal });
    } catch (e) {
      if (e instanceof SourceError && e.code === 'cancelled') throw e;
      const notFound = e instanceof SourceError && e.code === 'not-found';
      verdict.kind = notFound ? 'not-found' : 'error';
      verdict.message = notFound ? 'not found' : e instanceof Error ? e.message : String(e);
      return verdict;
    }
    try {
      const h = await hashFirstMember(raw, { signal: this.options.signal });
      this.progress.logs++;
      this.progress.bytes += h.size;
      this.emitProgress();
      if (h.sha256 !== entry.hashValue) {
        verdict.kind = 'hash-mismatch';
        verdict.message = "hash value doesn't match";
      }
    } catch {
      this.checkAborted();
      verdict.kind = 'invalid-format';
      verdict.message = 'invalid format';
    }
    return verdict;
  }

  private lastProgress = 0;
  private emitProgress(): void {
    if (!this.options.onProgress) return;
    const now = Date.now();
    if (now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.options.onProgress({ chain: chainLabel(this.chain.id), ...this.progress });
  }

  private checkAborted(): void {
    if (this.options.signal?.aborted) throw new SourceError('cancelled', '', 'cancelled');
  }
}

function unlistedLogFindings(source: LogSource, logs: LogObject[], listed: Set<string>, windows: Array<[number, number]>): Finding[] {
  if (!windows.length) return [];
  const from = minOf(windows.map((w) => w[0]));
  const to = maxOf(windows.map((w) => w[1]));
  const out: Finding[] = [];
  // A log's name carries its delivery minute; one named in the first partial minute of the
  // covered span may belong to an older digest that was not read, so it is not judged.
  for (const l of logs) {
    if (l.nameTime < from || l.nameTime + MINUTE > to || listed.has(l.key)) continue;
    let localPath: string | undefined;
    try {
      localPath = source.localPath?.(l.key);
    } catch {
      localPath = undefined;
    }
    out.push({
      kind: 'unlisted-log',
      message: `Log file ${l.key} is in no digest although digests cover its delivery time (${iso(l.nameTime)}): it was added or renamed after delivery`,
      key: l.key,
      localPath,
      from: iso(l.nameTime),
      to: iso(l.nameTime),
    });
  }
  return out;
}

function truncationFinding(chain: DigestChain, report: ChainReport, logs: LogObject[], end: number): Finding | undefined {
  const newest = chain.digests[chain.digests.length - 1];
  if (!newest) return undefined;
  const later = logs.filter((l) => l.nameTime >= newest.nameTime && l.nameTime <= end);
  if (!later.some((l) => l.nameTime >= newest.nameTime + DIGEST_DUE)) return undefined;
  const last = maxOf(later.map((l) => l.nameTime));
  return {
    kind: 'chain-truncated',
    message:
      `The newest digest ends at ${iso(newest.nameTime)}, but ${later.length} log file(s) were delivered after it until ${iso(last)}; ` +
      `CloudTrail would have delivered a digest for them, so the newest digest file(s) are missing (deleted?)`,
    key: newest.key,
    relatedKey: later[later.length - 1].key,
    from: iso(newest.nameTime),
    to: iso(last),
    keys: later.map((l) => l.key),
  };
}

// Not Math.min(...xs): a bucket can hold more log files than a call has room for arguments.
function minOf(xs: number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function logDeliveryTime(key: string): string | undefined {
  const m = /_(\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json\.gz$/.exec(key);
  if (!m) return undefined;
  const t = parseTime(m[1].slice(0, 13) + '00Z');
  return t === undefined ? undefined : iso(t);
}

export function chainLabel(id: ChainId): string {
  return `${id.prefix ? id.prefix + '/' : ''}${id.organizationId ? id.organizationId + '/' : ''}${id.accountId} ${id.region} (trail ${id.trailName}, home ${id.homeRegion})`;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z') : '';
}
