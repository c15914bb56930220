// The fields the index keeps for every event, as canonical dotted record paths (the names the
// query language resolves its aliases to). A query term over these runs on the index; a term
// over any other path is answered from the raw records.

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

/**
 * Fields read for attribution (core/origin): who was issued which temporary key, and what a
 * session says of where it came from. Kept as dictionary-encoded columns after SCALAR_FIELDS,
 * but they are not query columns: a path through a non-object (`responseElements: null`, the
 * common case) is simply absent here, where a query column would mark the row irregular.
 */
export const ORIGIN_INPUT_FIELDS = [
  'responseElements.credentials.accessKeyId',
  'responseElements.assumedRoleUser.arn',
  'responseElements.federatedUser.arn',
  'responseElements.subject',
  'responseElements.issuer',
  'userIdentity.identityProvider',
  'userIdentity.sessionContext.sourceIdentity',
  'userIdentity.sessionContext.assumedRoot',
  'userIdentity.onBehalfOf.identityStoreArn',
] as const;
export type OriginInputField = (typeof ORIGIN_INPUT_FIELDS)[number];

/** Every dictionary-encoded column a batch and the store hold: the query columns, then the attribution inputs. */
export const STORED_FIELDS: readonly (ScalarField | OriginInputField)[] = [
  ...SCALAR_FIELDS,
  ...ORIGIN_INPUT_FIELDS,
];
export type StoredField = ScalarField | OriginInputField;
/** Column number of the first attribution input (columns before it are query columns). */
export const FIRST_ORIGIN_INPUT = SCALAR_FIELDS.length;
export const EVENT_NAME_COLUMN = SCALAR_FIELDS.indexOf('eventName');
/** The STS calls that issue temporary credentials (their response carries credentials.accessKeyId). */
export const ISSUING_EVENTS: ReadonlySet<string> = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetSessionToken',
  'GetFederationToken',
  'AssumeRoot',
]);
/**
 * The attribution inputs under responseElements are kept for ISSUING_EVENTS only (no other
 * event's response is read for them): the scanner need not walk every response.
 */
export const RESPONSE_ORIGIN_INPUTS: readonly number[] = STORED_FIELDS.flatMap((f, c) =>
  c >= FIRST_ORIGIN_INPUT && f.startsWith('responseElements.') ? [c] : [],
);

/** Fields of each element of `resources` (any element may match). */
export const RESOURCE_FIELDS = ['resources.ARN', 'resources.type', 'resources.accountId'] as const;
export type ResourceField = (typeof RESOURCE_FIELDS)[number];

export const TIME_FIELD = 'eventTime';

/**
 * A JSON number whose double would not print back as it is written (`1E2`, `3600.0`, `-0`,
 * `12345678901234567890`, `1e400`): the index keeps its text, so that a column, a facet and the
 * CLI show the number the record holds, not what a double makes of it. Queries and rules test
 * its value as JSON.parse reads it (valueOfPrimitive). A number that prints back as written
 * (`443`, `1.08`, nearly all) stays a plain number: no text is kept for it.
 *
 * In a parsed record (parseKeepingWrittenNumbers) it is an instance of this class, which no JSON
 * object is; in a dictionary, where it crosses worker messages and the index cache as a plain
 * `{"written": …}`, any object is one (a dictionary holds no other object).
 */
export class WrittenNumber {
  constructor(readonly written: string) {}
}

/** A value a dictionary holds: what JSON has besides objects and arrays. `undefined` = absent. */
export type Primitive = string | number | boolean | null | undefined | WrittenNumber;

/** A dictionary value that is a WrittenNumber (see there: any object a dictionary holds is one). */
export function isWrittenNumber(v: Primitive): v is WrittenNumber {
  return typeof v === 'object' && v !== null;
}

/**
 * The value of a JSON number literal as the index keeps it: the double when it prints back as
 * written, else the text (WrittenNumber).
 */
export function numberOfLiteral(literal: string): number | WrittenNumber {
  const n = Number(literal);
  return String(n) === literal ? n : new WrittenNumber(literal);
}

/** A dictionary value as JSON.parse reads it from the record: what queries and rules test. */
export function valueOfPrimitive(v: Primitive): string | number | boolean | null | undefined {
  return isWrittenNumber(v) ? Number(v.written) : v;
}

/** A dictionary value as the user sees it: its text as written in the record ('' for absent and null). */
export function textOfPrimitive(v: Primitive): string {
  if (v === undefined || v === null) return '';
  return isWrittenNumber(v) ? v.written : String(v);
}

/** Column id of a value that cannot be dictionary-encoded (an object or array where a scalar
 * belongs, a path through a non-object, or a number read without its text that JSON cannot
 * write back, 1e999; read with its text it is a WrittenNumber): such rows are evaluated from
 * the raw record. */
export const IRREGULAR = 0xffffffff;
/** Column id of an absent field. */
export const ABSENT = 0;
/** eventID column id of a row whose eventID is a lower-case UUID, kept as 16 bytes instead of a
 * dictionary string (a million unique strings would cost ~90 MB). */
export const PACKED_UUID = 0xfffffffe;
export const EVENT_ID_COLUMN = SCALAR_FIELDS.indexOf('eventID');

const HEX = '0123456789abcdef';

/** Packs text[start, start + 36) into out[at, at + 16) when it is a lower-case UUID. */
export function packUuid(
  text: string,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): boolean {
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

const SPLIT_PATHS = new Map<string, string[]>(
  [...STORED_FIELDS, ...RESOURCE_FIELDS].map((f) => [f, f.split('.')]),
);

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
  if (typeof v === 'object' && v !== null && !(v instanceof WrittenNumber)) return IRREGULAR_VALUE;
  return v as Primitive;
}
export const isIrregular = (v: unknown): v is Irregular => v === IRREGULAR_VALUE;

/** The primitive at `path`, or undefined when anything on the way (or the value) is not a plain object (attribution inputs). */
export function lenientPrimitiveAt(obj: unknown, path: string[]): Primitive {
  const v = primitiveAt(obj, path);
  return isIrregular(v) ? undefined : v;
}
