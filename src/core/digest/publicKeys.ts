// CloudTrail's digest-signing public keys, as `aws cloudtrail list-public-keys` (the
// ListPublicKeys API) returns them: {"PublicKeyList":[{"Value","ValidityStartTime",
// "ValidityEndTime","Fingerprint"}]}. Value is base64 DER, PKCS#1 RSAPublicKey per the API model;
// SubjectPublicKeyInfo is accepted as a fallback (one AWS documentation example uses it, and the
// CLI's `cryptography` backend accepts both). Keys are looked up by the Fingerprint the API gives,
// exactly as the CLI does; a key file may hold keys of several regions and rotations.
import { createHash, createPublicKey, KeyObject } from 'node:crypto';
import { formatEventTime } from '../time';

/** The file a folder of evidence keeps its public keys in (the output of `aws cloudtrail list-public-keys`). */
export const PUBLIC_KEYS_FILE_NAME = 'cloudtrail-public-keys.json';

export interface PublicKeyEntry {
  fingerprint: string;
  /** The base64 `Value` exactly as listed. */
  value: string;
  validityStart?: string;
  validityEnd?: string;
  /** The file the key was read from. */
  file: string;
  /** False when MD5 of the decoded value is not the listed fingerprint (a doctored key file). */
  fingerprintMatches: boolean;
}

export class PublicKeyFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Epoch seconds (number or numeric string) or an ISO date string → ISO string. */
function toIso(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return formatEventTime(v * 1000);
  if (typeof v === 'string' && v.trim()) {
    const n = Number(v);
    const d = Number.isFinite(n) ? new Date(n * 1000) : new Date(v);
    if (!Number.isNaN(d.getTime())) return formatEventTime(d.getTime());
  }
  return undefined;
}

/** Parses one list-public-keys output file. Throws PublicKeyFileError naming the file. */
export function parsePublicKeyFile(text: string, file: string): PublicKeyEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new PublicKeyFileError(
      file,
      `not valid JSON (${(e as Error).message}); expected the output of "aws cloudtrail list-public-keys"`,
    );
  }
  const list = (json as { PublicKeyList?: unknown })?.PublicKeyList;
  if (!Array.isArray(list)) {
    throw new PublicKeyFileError(
      file,
      'has no "PublicKeyList" array; expected the output of "aws cloudtrail list-public-keys"',
    );
  }
  return list.map((k: Record<string, unknown>, i) => {
    if (typeof k?.Value !== 'string' || typeof k?.Fingerprint !== 'string') {
      throw new PublicKeyFileError(
        file,
        `PublicKeyList[${i}] needs string "Value" and "Fingerprint"`,
      );
    }
    const fingerprint = k.Fingerprint.trim().toLowerCase();
    const md5 = createHash('md5').update(Buffer.from(k.Value, 'base64')).digest('hex');
    return {
      fingerprint,
      value: k.Value,
      validityStart: toIso(k.ValidityStartTime),
      validityEnd: toIso(k.ValidityEndTime),
      file,
      fingerprintMatches: md5 === fingerprint,
    };
  });
}

export type KeyLookup =
  | { ok: true; key: KeyObject; entry: PublicKeyEntry }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'unloadable'; entry: PublicKeyEntry };

/** Fingerprint → key, loaded lazily and cached. */
export class PublicKeyRing {
  private readonly entries = new Map<string, PublicKeyEntry>();
  private readonly loaded = new Map<string, KeyObject | null>();

  constructor(entries: Iterable<PublicKeyEntry> = []) {
    for (const e of entries) this.add(e);
  }

  add(entry: PublicKeyEntry): void {
    // Like the CLI's dict, a later listing of the same fingerprint wins.
    this.entries.set(entry.fingerprint, entry);
    this.loaded.delete(entry.fingerprint);
  }

  get size(): number {
    return this.entries.size;
  }

  list(): PublicKeyEntry[] {
    return [...this.entries.values()];
  }

  lookup(fingerprint: string): KeyLookup {
    const entry = this.entries.get(fingerprint);
    if (!entry) return { ok: false, reason: 'not-found' };
    let key = this.loaded.get(fingerprint);
    if (key === undefined) {
      key = loadRsaKey(entry.value);
      this.loaded.set(fingerprint, key);
    }
    return key ? { ok: true, key, entry } : { ok: false, reason: 'unloadable', entry };
  }
}

function loadRsaKey(base64: string): KeyObject | null {
  if (!/^[A-Za-z0-9+/=\s]*$/.test(base64)) return null;
  const der = Buffer.from(base64, 'base64');
  for (const type of ['pkcs1', 'spki'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key;
    } catch {
      // try the next encoding
    }
  }
  return null;
}
