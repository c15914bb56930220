// The fields the index keeps for every event, as canonical dotted record paths (the names the
// query language resolves its aliases to). A query term over these runs on the index; a term
// over any other path is answered from the raw records.
import { utcMs } from '../query/time';

/** Single-valued fields, each a dictionary-encoded column. */
export const SCALAR_FIELDS = [
  'eventName',
  'eventSource',
  'awsRegion',
  'recipientAccountId',
  'eventType',
  'eventCategory',
  'readOnly',
  'managementEvent',
  'errorCode',
  'sourceIPAddress',
  'userAgent',
  'eventID',
  'errorMessage',
  'vpcEndpointId',
  'requestParameters.bucketName',
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.principalId',
  'userIdentity.accessKeyId',
  'userIdentity.userName',
  'userIdentity.invokedBy',
  'userIdentity.sessionContext.sessionIssuer.userName',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.attributes.mfaAuthenticated',
  'userIdentity.onBehalfOf.userId',
  'insightDetails.insightType',
  'insightDetails.state',
] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];

/** Fields of each element of `resources` (any element may match). */
export const RESOURCE_FIELDS = ['resources.ARN', 'resources.type', 'resources.accountId'] as const;
export type ResourceField = (typeof RESOURCE_FIELDS)[number];

export const TIME_FIELD = 'eventTime';

/** A value a dictionary holds: what JSON has besides objects and arrays. `undefined` = absent. */
export type Primitive = string | number | boolean | null | undefined;

/** Column id of a value that cannot be dictionary-encoded (an object or array where a scalar
 * belongs, or a path through a non-object): such rows are evaluated from the raw record. */
export const IRREGULAR = 0xffffffff;
/** Column id of an absent field. */
export const ABSENT = 0;
/** eventID column id of a row whose eventID is a lower-case UUID, kept as 16 bytes instead of a
 * dictionary string (a million unique strings would cost ~90 MB). */
export const PACKED_UUID = 0xfffffffe;
export const EVENT_ID_COLUMN = SCALAR_FIELDS.indexOf('eventID');

const HEX = '0123456789abcdef';

/** Packs text[start, start + 36) into out[at, at + 16) when it is a lower-case UUID. */
export function packUuid(text: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  if (end - start !== 36) return false;
  let k = at;
  let hi = -1;
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(start + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
      continue;
    }
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (v < 0) return false;
    if (hi < 0) hi = v;
    else {
      out[k++] = (hi << 4) | v;
      hi = -1;
    }
  }
  return true;
}

export function unpackUuid(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    const b = bytes[at + i];
    s += HEX[b >> 4] + HEX[b & 15];
  }
  return s;
}


const SPLIT_PATHS = new Map<string, string[]>([...SCALAR_FIELDS, ...RESOURCE_FIELDS].map((f) => [f, f.split('.')]));

/** Path segments of a field, cached. */
export function pathOf(field: string): string[] {
  let p = SPLIT_PATHS.get(field);
  if (!p) {
    p = field.split('.');
    SPLIT_PATHS.set(field, p);
  }
  return p;
}

const IRREGULAR_VALUE: unique symbol = Symbol('irregular');
export type Irregular = typeof IRREGULAR_VALUE;

/**
 * The primitive at `path` in `obj`, `undefined` when a segment is missing, or IRREGULAR_VALUE
 * when the path runs through a non-object (null, a string, an array) or ends on an object.
 */
export function primitiveAt(obj: unknown, path: string[], from = 0): Primitive | Irregular {
  let v: unknown = obj;
  for (let i = from; i < path.length; i++) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return IRREGULAR_VALUE;
    v = (v as Record<string, unknown>)[path[i]];
    if (v === undefined) return undefined;
  }
  if (typeof v === 'object' && v !== null) return IRREGULAR_VALUE;
  return v as Primitive;
}
export const isIrregular = (v: unknown): v is Irregular => v === IRREGULAR_VALUE;

/**
 * eventTime in CloudTrail's own form `YYYY-MM-DDTHH:MM:SSZ` → ms since the epoch, or NaN when
 * the string is not exactly that (with fields in range). This is the hot path of indexing.
 */
export function canonicalEventTime(v: unknown): number {
  if (typeof v !== 'string' || v.length !== 20) return NaN;
  if (v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || v.charCodeAt(19) !== 90) return NaN;
  const year = digit(v, 0) * 1000 + digit(v, 1) * 100 + digit(v, 2) * 10 + digit(v, 3);
  const month = digit(v, 5) * 10 + digit(v, 6);
  const day = digit(v, 8) * 10 + digit(v, 9);
  const hour = digit(v, 11) * 10 + digit(v, 12);
  const minute = digit(v, 14) * 10 + digit(v, 15);
  const second = digit(v, 17) * 10 + digit(v, 18);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) return NaN;
  const t = utcMs(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2024-02-30 over into March: such a day is not canonical.
  if (day > 28 && new Date(t).getUTCDate() !== day) return NaN;
  return t;
}

function digit(v: string, i: number): number {
  const x = v.charCodeAt(i) - 48;
  return x >= 0 && x <= 9 ? x : NaN;
}

/** eventTime → ms since the epoch: the canonical form, else any ISO 8601 time with a zone. */
export function parseEventTime(v: unknown): number {
  const t = canonicalEventTime(v);
  if (!Number.isNaN(t) || typeof v !== 'string') return t;
  // Date.parse reads offset-less strings as local time in some engines; CloudTrail times are
  // UTC, so only strings with an explicit zone are accepted.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) return NaN;
  return Date.parse(v);
}

/** ms → CloudTrail's time format (`.sss` only when there are milliseconds). */
export function formatEventTime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.slice(0, 19) + 'Z' : iso;
}
