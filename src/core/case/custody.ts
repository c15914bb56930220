// Chain of custody for an evidence report: each log object an event came from, with the SHA-256
// of its bytes as stored (what `sha256sum` prints for the file), the SHA-256 of its content once
// decompressed (what a CloudTrail digest lists, computed by the validator's own function), and
// what digest validation (core/digest) said about it:
//   valid               listed by a digest with the same hash, the digest's signature verified;
//   unverified offline  listed with the same hash, but the digest's signature could not be
//                       checked here (no S3 metadata or signatures file), or validation did not run;
//   invalid             hash mismatch, unreadable, listed by an invalid digest, data after the
//                       gzip member its digest hashes, missing from the digest that covers
//                       its delivery, or in a log folder though CloudTrail did not deliver it
//                       there (NOT VALIDATED);
//   not covered         no digest covers it (no chain ran, awaiting the next digest, or not a
//                       delivered log at all).
import { createHash } from 'node:crypto';
import type { EventIndex, IndexedFile } from '../index/eventIndex';
import { hashFirstMember } from '../digest/gzipMember';
import type { DigestVerdict, Finding, LogVerdict, ValidationReport } from '../digest/types';
import { fileNameOf } from './resolve';

export type CustodyVerdict = 'valid' | 'unverified offline' | 'invalid' | 'not covered';

export interface CustodyFile {
  fileId: number;
  /** Where the file is, for people: a local path or s3://bucket/key. */
  location: string;
  key: string;
  size: number;
  /** SHA-256 of the object's bytes as stored; '' when it could not be read (then `reason` says why). */
  sha256: string;
  /** SHA-256 of the decompressed first gzip member (the digest's hashValue), when the object is gzip. */
  contentSha256?: string;
  verdict: CustodyVerdict;
  /** Why, in words. */
  reason: string;
  /** The digest that lists it, when one does. */
  digestKey?: string;
  /** Fingerprint of the public key that verified that digest. */
  fingerprint?: string;
}

export interface Custody {
  files: CustodyFile[];
  /** Fingerprints of the public keys that verified the digests listing these files. */
  fingerprints: string[];
  /** Whether digest validation ran (public keys were given). */
  validated: boolean;
}

interface Verdict {
  verdict: CustodyVerdict;
  reason: string;
  digestKey?: string;
  fingerprint?: string;
}

/** What validation said about objects, by key and by file name (a source rooted elsewhere than the bucket copy). */
export class ValidationVerdicts {
  private readonly logs = new Map<string, LogVerdict[]>();
  private readonly digests = new Map<string, DigestVerdict>();
  private readonly findings = new Map<string, Finding[]>();

  constructor(readonly reports: readonly ValidationReport[]) {
    const push = <T>(map: Map<string, T[]>, key: string, v: T) => {
      for (const k of new Set([key, fileNameOf(key)])) {
        const list = map.get(k) ?? [];
        list.push(v);
        map.set(k, list);
      }
    };
    for (const report of reports) {
      for (const chain of report.chains) {
        for (const e of [...chain.events, ...(chain.backfill ?? [])]) {
          if (e.type === 'log') push(this.logs, e.key, e);
          else if (e.type === 'digest') this.digests.set(e.key, e);
        }
        for (const f of chain.findings) for (const k of findingKeys(f)) push(this.findings, k, f);
      }
      for (const f of report.findings) for (const k of findingKeys(f)) push(this.findings, k, f);
    }
  }

  /**
   * The verdict for an object at `key` (relative to its source) or named `location`, whose
   * decompressed content hashes to `contentSha256` (undefined: not gzip, or not readable as gzip).
   * Validation read the objects under the roots it was given; an object found by its key or name
   * under another root (a second copy of the bucket, a working folder) is only the object a digest
   * lists when its content has the hash listed.
   */
  verdictOf(key: string, location: string, contentSha256?: string): Verdict {
    const pick = <T extends { key?: string; localPath?: string }>(list: T[] | undefined): T[] => {
      if (!list) return [];
      const exact = list.filter((v) => v.key === key || v.localPath === location);
      return exact.length ? exact : list;
    };
    const logs = pick(this.logs.get(key) ?? this.logs.get(fileNameOf(key)));
    const bad = logs.find((l) => l.kind !== 'valid');
    if (bad)
      return {
        verdict: 'invalid',
        reason: `${bad.message || bad.kind} (listed by digest ${bad.digestKey})`,
        digestKey: bad.digestKey,
      };
    const trailing = logs.find((l) => l.trailingBytes);
    if (trailing)
      return {
        verdict: 'invalid',
        reason: `${trailing.trailingBytes} byte(s) after the gzip member digest ${trailing.digestKey} hashes: what follows is NOT VALIDATED`,
        digestKey: trailing.digestKey,
      };
    const listed = logs[0];
    if (listed?.hashValue !== undefined && listed.hashValue.toLowerCase() !== contentSha256)
      return {
        verdict: 'invalid',
        reason: contentSha256
          ? `its content's SHA-256 is not the ${listed.hashValue} digest ${listed.digestKey} lists for ${listed.key}: this is not the object CloudTrail delivered`
          : `its content could not be read as gzip, so it is not the object digest ${listed.digestKey} lists for ${listed.key}`,
        digestKey: listed.digestKey,
      };
    if (listed) {
      const digest = this.digests.get(listed.digestKey);
      if (digest?.kind === 'valid') {
        return {
          verdict: 'valid',
          reason: `listed with this content hash by digest ${digest.key}, whose signature was verified`,
          digestKey: digest.key,
          fingerprint: digest.fingerprint,
        };
      }
      return {
        verdict: 'unverified offline',
        reason: `listed with this content hash by digest ${listed.digestKey}, whose signature could not be checked offline (no S3 metadata or signatures file holds it)`,
        digestKey: listed.digestKey,
      };
    }
    const foreign = this.foreignFinding(key, location);
    if (foreign) return { verdict: 'invalid', reason: foreign.message };
    const findings = this.findings.get(key) ?? this.findings.get(fileNameOf(key)) ?? [];
    const notValidated = findings.find(
      (f) =>
        f.kind === 'unlisted-log' ||
        f.kind === 'chain-truncated' ||
        f.kind === 'region-digests-missing',
    );
    if (notValidated) return { verdict: 'invalid', reason: notValidated.message };
    const uncovered = findings.find((f) => f.kind === 'no-digests' || f.kind === 'awaiting-digest');
    if (uncovered) return { verdict: 'not covered', reason: uncovered.message };
    return {
      verdict: 'not covered',
      reason: 'no digest in the validated window lists this object',
    };
  }

  /**
   * The foreign-file finding about this object, when validation found it in a log folder: by its
   * key (also relative to a source rooted lower), or its local path; its name alone is anyone's
   * (evil.json.gz).
   */
  foreignFinding(key: string, location: string): Finding | undefined {
    return this.findings
      .get(fileNameOf(key))
      ?.find(
        (f) =>
          f.kind === 'foreign-file' &&
          (f.key === key || f.key?.endsWith(`/${key}`) || f.localPath === location),
      );
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function findingKeys(f: Finding): string[] {
  return [...(f.key ? [f.key] : []), ...(f.keys ?? [])];
}

/**
 * The custody of the files holding `rows`, in object key order (CloudTrail's keys sort by account,
 * region and delivery time), so the same evidence gives the same table whichever order its files
 * were loaded in (events of equal time in two files were met in load order). `reports` are digest
 * validations of the sources (undefined: validation did not run). Each object is read once.
 */
export async function custodyOf(
  index: EventIndex,
  rows: ArrayLike<number>,
  reports: readonly ValidationReport[] | undefined,
  signal?: AbortSignal,
): Promise<Custody> {
  const files: IndexedFile[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    const id = index.store.fileOf[rows[i]];
    if (seen.has(id)) continue;
    seen.add(id);
    files.push(index.files[id]);
  }
  files.sort((a, b) => compareText(a.key, b.key) || compareText(a.location, b.location));
  const verdicts = reports ? new ValidationVerdicts(reports) : undefined;
  const out: CustodyFile[] = [];
  for (const file of files) {
    const entry: CustodyFile = {
      fileId: file.id,
      location: file.location,
      key: file.key,
      size: file.size,
      sha256: '',
      verdict: 'unverified offline',
      reason: '',
    };
    let bytes: Uint8Array | undefined;
    try {
      bytes = await file.source.read(file.key, { signal });
      entry.sha256 = createHash('sha256').update(bytes).digest('hex');
      entry.size = bytes.length;
      if (bytes[0] === 0x1f && bytes[1] === 0x8b)
        entry.contentSha256 = (
          await hashFirstMember(bytes, { signal, maxBytes: index.maxUncompressedBytes })
        ).sha256;
    } catch (e) {
      if (!bytes) {
        entry.verdict = 'invalid';
        entry.reason = `could not be read again: ${e instanceof Error ? e.message : String(e)}`;
        out.push(entry);
        continue;
      }
    }
    const foreign = verdicts?.foreignFinding(file.key, file.location);
    if (foreign) {
      // In a log folder but not delivered there (a planted evil.json.gz, a .json, a sub-folder).
      Object.assign(entry, { verdict: 'invalid', reason: foreign.message });
    } else if (file.kind === 'loose' || !file.info) {
      Object.assign(entry, {
        verdict: 'not covered',
        reason: 'not a log object in the CloudTrail delivery layout: no digest lists it',
      });
    } else if (verdicts) {
      Object.assign(entry, verdicts.verdictOf(file.key, file.location, entry.contentSha256));
    } else {
      entry.reason = 'digest validation was not run (no public keys given)';
    }
    out.push(entry);
  }
  const fingerprints = [
    ...new Set(out.map((f) => f.fingerprint).filter((f): f is string => !!f)),
  ].sort();
  return { files: out, fingerprints, validated: reports !== undefined };
}
