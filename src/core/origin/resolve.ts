// Who is really behind each event: the credentials an event was signed with are followed back,
// through the events in scope, to the principal that started the chain.
//
//   event signed with ASIA… (a session's temporary key)
//     → the AssumeRole / AssumeRoleWithSAML / AssumeRoleWithWebIdentity / GetSessionToken /
//       GetFederationToken / AssumeRoot event whose responseElements.credentials.accessKeyId is
//       that key (the hop), whose caller is resolved the same way, across accounts in scope
//     → ends at an IAM user or long-term key, the root user, a SAML subject (with its issuer), a
//       web identity, an IAM Identity Center user, an AWS service.
//
// Never a guess: when the issuing event is not among the events in scope the chain stops at the
// last known hop, `complete` is false and `missing` names the key. Log content is
// attacker-controlled: a claim that names the session it issued the key to (assumedRoleUser,
// federatedUser) counts only for that session, and when more than one loaded event claims to have
// issued a key and they name different callers (a planted AssumeRole giving a real session's key),
// none is followed; the chain stops there and says so. Field semantics follow the
// CloudTrail User Guide, "CloudTrail userIdentity element" (SAML and web identity values, AWS STS
// source identity) and the STS API reference (the responses' credentials, assumedRoleUser,
// federatedUser, subject and issuer).
//
// The algorithm reads events through OriginSource, so the index (columns) and a plain list of
// parsed records (a log document) share it.
import { ISSUING_EVENTS, type OriginInputField, type ScalarField } from '../index/schema';
import { isAnonymousIdentity } from '../records/identity';

/**
 * Bump when resolution answers differently for the same events: a saved index
 * (core/ingest/indexSnapshot.ts) holds the origins it resolved, and one resolved by another
 * version is not used.
 */
export const ORIGIN_RESOLUTION_VERSION = 6;

/** The values resolution reads of an event ('' when absent): query columns and attribution inputs. */
export type OriginRead = ScalarField | OriginInputField;

/**
 * What resolution reads of a caller without an access key: rows whose texts are equal in these
 * have the same origin (Resolver `signature`).
 */
export const IDENTITY_SIGNATURE: readonly OriginRead[] = [
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.principalId',
  'userIdentity.userName',
  'userIdentity.invokedBy',
  'userIdentity.onBehalfOf.userId',
  'userIdentity.onBehalfOf.identityStoreArn',
  'userIdentity.identityProvider',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'userIdentity.sessionContext.sourceIdentity',
  'userIdentity.sessionContext.assumedRoot',
  'eventName',
  'responseElements.subject',
  'responseElements.issuer',
  'responseElements.assumedRoleUser.arn',
];

export interface OriginSource {
  readonly size: number;
  /** The value at the path as text, '' when absent or not a scalar. */
  value(row: number, field: OriginRead): string;
  /**
   * Optional shortcut for the pass over every row: a number ≥ 0 that is equal for two rows only
   * when everything resolution reads of their caller is equal (the same session key, ARN, type,
   * no onBehalfOf or source identity; or, without a key, the same identity), or -1. Saves
   * building a text signature per event.
   */
  callerKey?(row: number): number;
}

export { ISSUING_EVENTS } from '../index/schema';

/** Where a chain ends. The session types appear only when the chain is incomplete (the last known hop). */
export type OriginType =
  | 'IAMUser'
  | 'Root'
  | 'SAMLUser'
  | 'WebIdentityUser'
  | 'IdentityCenterUser'
  | 'AWSService'
  | 'AWSAccount'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'Unknown';

export interface OriginHop {
  /** The issuing event (AssumeRole…, GetSessionToken…). */
  eventID: string;
  /** The session (or user) the credentials were issued to. */
  arn: string;
  eventName: string;
  /** The issuing event's row in the source. */
  row: number;
}

export interface Origin {
  /** The origin's ARN; for a SAML or web identity its subject, for an AWS service its name. */
  arn: string;
  type: OriginType;
  /** Short name for people: the user name, "root", the subject, the service. */
  name: string;
  /** Credential issuances from the origin outwards: hops[0] was issued to a session of the origin. */
  hops: OriginHop[];
  /** True when every credential was followed back to where it was issued (or needs no issuing). */
  complete: boolean;
  /** The SAML issuer, web identity provider or Identity Center identity store. */
  issuer?: string;
  /** The session's source identity (set when the chain began; AWS carries it along role chains). */
  sourceIdentity?: string;
  /** Why the chain stops, when it is incomplete. */
  missing?: { reason: string; accessKeyId?: string };
}

/** "issued outside the loaded events": the one wording, shown wherever a chain stops. */
export const ISSUED_OUTSIDE = 'issued outside the loaded events';

const MAX_HOPS = 64;
/**
 * Claims to have issued one key beyond which none is followed: one issuance is logged a few times
 * at most (in two accounts, in files loaded twice), and the claims are compared for each session.
 */
const MAX_CLAIMS = 64;

/**
 * Every event's origin. `ids[row]` indexes `origins` (equal chains share one entry), so the
 * result is a dictionary-encoded column.
 */
export interface OriginColumn {
  ids: Uint32Array;
  origins: Origin[];
}

export function resolveOrigins(src: OriginSource): OriginColumn {
  const r = new Resolver(src);
  const ids = new Uint32Array(src.size);
  for (let row = 0; row < src.size; row++) ids[row] = r.idOfRow(row);
  return { ids, origins: r.table };
}

/** The origin of one event of `src` (resolves only what that event needs). */
export function resolveOrigin(src: OriginSource, row: number): Origin {
  const r = new Resolver(src);
  return r.table[r.idOfRow(row)];
}

class Resolver {
  readonly table: Origin[] = [];
  private readonly byShape = new Map<string, number>();
  /** Issued key → the rows of the events that claim to have issued it, in row order. */
  private readonly issuedBy = new Map<string, number[]>();
  /** Issued key and session → its issuing event's row, or why none is followed (issuerOf). */
  private readonly issuer = new Map<string, number | string>();
  /** Origin id per signature of the caller (its key, or its identity when it has none). */
  private readonly byCaller = new Map<string, number>();
  private readonly resolving = new Set<string>();
  private readonly byCallerKey = new Map<number, number>();

  constructor(private readonly src: OriginSource) {
    for (let row = 0; row < src.size; row++) {
      const key = src.value(row, 'responseElements.credentials.accessKeyId');
      if (!key || src.value(row, 'errorCode') || !ISSUING_EVENTS.has(src.value(row, 'eventName')))
        continue;
      const claims = this.issuedBy.get(key);
      if (claims) claims.push(row);
      else this.issuedBy.set(key, [row]);
    }
  }

  /**
   * The row of the event that issued `key` to the session at `actingRow`, or why none is followed:
   * a claim that names the session it issued the key to must name this one (its partition,
   * account, role and session name; ARNs compared without case), and the claims left must agree on
   * the caller. The same issuance may be logged more than once: the same event twice, or in the
   * caller's account and in the role's, where the caller is only named by its account and
   * principal ID (an AWSAccount caller); such a copy agrees with the caller's own.
   */
  private issuerOf(key: string, actingRow: number): number | string {
    const session = this.v(actingRow, 'userIdentity.arn').toLowerCase();
    const memo = `${key}\u0000${session}`;
    let found = this.issuer.get(memo);
    if (found !== undefined) return found;
    const claims = this.issuedBy.get(key)!;
    if (claims.length > MAX_CLAIMS) {
      found = `claimed by ${claims.length} events (${eventIds(this.src, claims)}): none is followed`;
    } else {
      const fit = claims.filter((r) => {
        const to = this.issuedTo(r);
        return !to || !session || to.toLowerCase() === session;
      });
      const callers = this.withoutAccountCopies(fit);
      const sig = callers.length ? this.signature(callers[0]) : '';
      found =
        fit.length === 0
          ? `claimed only by ${eventIds(this.src, claims)}, issued to another session (${this.issuedTo(claims[0])})`
          : callers.every((r) => this.signature(r) === sig)
            ? callers[0]
            : `claimed by events naming different callers (${eventIds(this.src, callers)}): none is followed`;
    }
    this.issuer.set(memo, found);
    return found;
  }

  /** The session an issuing event says it issued its key to, '' when it does not say. */
  private issuedTo(row: number): string {
    // GetSessionToken's session is its caller's own (an IAM user or root).
    if (this.v(row, 'eventName') === 'GetSessionToken') return this.v(row, 'userIdentity.arn');
    return (
      this.v(row, 'responseElements.assumedRoleUser.arn') ||
      this.v(row, 'responseElements.federatedUser.arn')
    );
  }

  /** The claims but the account-only copies (an AWSAccount caller) of another claim's call. */
  private withoutAccountCopies(claims: readonly number[]): number[] {
    const caller = (r: number) =>
      `${this.v(r, 'userIdentity.accountId')}\u0000${this.v(r, 'userIdentity.principalId')}`;
    const isCopy = (r: number) => this.v(r, 'userIdentity.type') === 'AWSAccount';
    const named = new Set(claims.filter((r) => !isCopy(r)).map(caller));
    return claims.filter((r) => !isCopy(r) || !named.has(caller(r)));
  }

  idOfRow(row: number): number {
    const fast = this.src.callerKey ? this.src.callerKey(row) : -1;
    if (fast >= 0) {
      let id = this.byCallerKey.get(fast);
      if (id === undefined) {
        id = this.idBySignature(row);
        this.byCallerKey.set(fast, id);
      }
      return id;
    }
    return this.idBySignature(row);
  }

  private idBySignature(row: number): number {
    const sig = this.signature(row);
    let id = this.byCaller.get(sig);
    if (id === undefined) {
      id = this.intern(this.originOfCaller(row, 0));
      this.byCaller.set(sig, id);
    }
    return id;
  }

  private v(row: number, f: OriginRead): string {
    return this.src.value(row, f);
  }

  /** Rows with the same signature have the same origin: the key names the session. */
  private signature(row: number): string {
    const key = this.v(row, 'userIdentity.accessKeyId');
    const type = this.v(row, 'userIdentity.type');
    if (key)
      return `k\u0000${type}\u0000${key}\u0000${this.v(row, 'userIdentity.arn')}\u0000${this.v(row, 'userIdentity.onBehalfOf.userId')}\u0000${this.v(row, 'userIdentity.sessionContext.sourceIdentity')}`;
    return ['i', ...IDENTITY_SIGNATURE.map((f) => this.v(row, f))].join('\u0000');
  }

  private intern(o: Origin): number {
    const shape = JSON.stringify(o);
    let id = this.byShape.get(shape);
    if (id === undefined) {
      id = this.table.length;
      this.table.push(o);
      this.byShape.set(shape, id);
    }
    return id;
  }

  /** Who made the call at `row`: followed back through the credentials it was signed with. */
  private originOfCaller(row: number, depth: number): Origin {
    const type = this.v(row, 'userIdentity.type');
    const arn = this.v(row, 'userIdentity.arn');
    const key = this.v(row, 'userIdentity.accessKeyId');
    const sourceIdentity = this.v(row, 'userIdentity.sessionContext.sourceIdentity') || undefined;
    const withSource = (o: Origin): Origin =>
      sourceIdentity && !o.sourceIdentity ? { ...o, sourceIdentity } : o;
    const onBehalfOf = this.v(row, 'userIdentity.onBehalfOf.userId');
    if (onBehalfOf) {
      // Trusted identity propagation: the call was made for an Identity Center user, whoever holds the session.
      const store = this.v(row, 'userIdentity.onBehalfOf.identityStoreArn');
      return withSource({
        arn: onBehalfOf,
        type: 'IdentityCenterUser',
        name: this.v(row, 'userIdentity.userName') || onBehalfOf,
        hops: [],
        complete: true,
        ...(store ? { issuer: store } : {}),
      });
    }
    switch (type) {
      case 'IAMUser':
      case 'Root': {
        if (key.startsWith('ASIA') && this.issuedBy.has(key))
          return withSource(this.followKey(key, row, depth));
        if (
          type === 'Root' &&
          this.v(row, 'userIdentity.sessionContext.assumedRoot').toLowerCase() === 'true'
        ) {
          // A root session made with AssumeRoot: the human is whoever called it.
          return withSource(this.stop(row, key));
        }
        const account = this.v(row, 'userIdentity.accountId');
        if (type === 'Root')
          return withSource({
            arn: arn || (account ? `arn:aws:iam::${account}:root` : ''),
            type: 'Root',
            name: 'root',
            hops: [],
            complete: true,
          });
        return withSource({
          arn,
          type: 'IAMUser',
          name: this.v(row, 'userIdentity.userName') || lastPart(arn) || key,
          hops: [],
          complete: true,
        });
      }
      case 'AssumedRole':
      case 'FederatedUser': {
        if (key && this.issuedBy.has(key)) return withSource(this.followKey(key, row, depth));
        if (type === 'FederatedUser') {
          // GetFederationToken is called with an IAM user's (or root's) long-term key: the
          // session issuer names that principal, even when the call is not loaded.
          const issuer = this.v(row, 'userIdentity.sessionContext.sessionIssuer.arn');
          if (issuer && /:(user\/|root$)/.test(issuer)) {
            const isRoot = issuer.endsWith(':root');
            return withSource({
              arn: issuer,
              type: isRoot ? 'Root' : 'IAMUser',
              name: isRoot ? 'root' : lastPart(issuer),
              hops: [],
              complete: true,
            });
          }
        }
        return withSource(this.stop(row, key));
      }
      case 'SAMLUser': {
        const subject =
          this.v(row, 'responseElements.subject') ||
          this.v(row, 'userIdentity.userName') ||
          afterColon(this.v(row, 'userIdentity.principalId'));
        const issuer =
          this.v(row, 'responseElements.issuer') || this.v(row, 'userIdentity.identityProvider');
        const identityCenter =
          /AWSSSO_/.test(this.v(row, 'userIdentity.identityProvider')) ||
          /\/AWSReservedSSO_/.test(this.v(row, 'responseElements.assumedRoleUser.arn'));
        return withSource({
          arn: subject,
          type: identityCenter ? 'IdentityCenterUser' : 'SAMLUser',
          name: subject,
          hops: [],
          complete: true,
          ...(issuer ? { issuer } : {}),
        });
      }
      case 'WebIdentityUser': {
        const subject =
          this.v(row, 'userIdentity.userName') ||
          afterColon(this.v(row, 'userIdentity.principalId'));
        const issuer = this.v(row, 'userIdentity.identityProvider');
        return withSource({
          arn: subject,
          type: 'WebIdentityUser',
          name: subject,
          hops: [],
          complete: true,
          ...(issuer ? { issuer } : {}),
        });
      }
      case 'IdentityCenterUser': {
        const user =
          this.v(row, 'userIdentity.userName') || this.v(row, 'userIdentity.principalId');
        return withSource({
          arn: user,
          type: 'IdentityCenterUser',
          name: user || 'an Identity Center user',
          hops: [],
          complete: Boolean(user),
        });
      }
      case 'AWSService': {
        const service = this.v(row, 'userIdentity.invokedBy') || 'AWS service';
        return withSource({
          arn: service,
          type: 'AWSService',
          name: service,
          hops: [],
          complete: true,
        });
      }
      case 'AWSAccount': {
        const account =
          this.v(row, 'userIdentity.accountId') || this.v(row, 'userIdentity.principalId');
        // An unauthenticated request (public S3 access) is logged as an AWSAccount caller: no
        // other account is behind it, and there is no credential to follow.
        if (
          isAnonymousIdentity({
            accountId: account,
            principalId: this.v(row, 'userIdentity.principalId'),
          })
        )
          return withSource({
            arn: account,
            type: 'AWSAccount',
            name: 'anonymous',
            hops: [],
            complete: true,
          });
        return withSource({
          arn: account,
          type: 'AWSAccount',
          name: account ? `account ${account}` : 'another account',
          hops: [],
          complete: false,
          missing: { reason: 'called from another account, which does not name its principal' },
        });
      }
      default: {
        const who =
          arn || this.v(row, 'userIdentity.principalId') || this.v(row, 'userIdentity.invokedBy');
        return withSource({
          arn: who,
          type: 'Unknown',
          name: who,
          hops: [],
          complete: false,
          missing: {
            reason: who
              ? `identity type ${type || 'missing'} is not followed`
              : 'the event names no caller',
          },
        });
      }
    }
  }

  /** The key was issued by a loaded event: that hop, after the origin of its caller. */
  private followKey(key: string, actingRow: number, depth: number): Origin {
    const issuing = this.issuerOf(key, actingRow);
    if (typeof issuing === 'string') return this.stop(actingRow, key, issuing);
    if (this.resolving.has(key))
      return this.stop(actingRow, key, `the credentials loop back on themselves (${key})`);
    if (depth >= MAX_HOPS)
      return this.stop(
        actingRow,
        key,
        `not followed: the chain is more than ${MAX_HOPS} hops long`,
      );
    this.resolving.add(key);
    try {
      const issuedArn =
        this.v(issuing, 'responseElements.assumedRoleUser.arn') ||
        this.v(issuing, 'responseElements.federatedUser.arn') ||
        this.v(actingRow, 'userIdentity.arn');
      const hop: OriginHop = {
        eventID: this.v(issuing, 'eventID'),
        arn: issuedArn,
        eventName: this.v(issuing, 'eventName'),
        row: issuing,
      };
      const parent = this.originOfCaller(issuing, depth + 1);
      return { ...parent, hops: [...parent.hops, hop] };
    } finally {
      this.resolving.delete(key);
    }
  }

  /** The chain stops at this session: its key was issued by an event not in scope. */
  private stop(row: number, key: string, reason?: string): Origin {
    const type = this.v(row, 'userIdentity.type');
    const arn = this.v(row, 'userIdentity.arn');
    const t: OriginType =
      type === 'AssumedRole' || type === 'FederatedUser' || type === 'Root' || type === 'IAMUser'
        ? type
        : 'Unknown';
    const name =
      t === 'AssumedRole' || t === 'FederatedUser'
        ? sessionName(arn)
        : t === 'Root'
          ? 'root'
          : lastPart(arn) || arn;
    return {
      arn,
      type: t,
      name,
      hops: [],
      complete: false,
      missing: key
        ? { reason: reason ?? ISSUED_OUTSIDE, accessKeyId: key }
        : { reason: reason ?? 'the call carries no access key to follow' },
    };
  }
}

/** The eventIDs of some rows, for a message (the first few: a planted file may hold many). */
function eventIds(src: OriginSource, rows: readonly number[]): string {
  const ids = [...new Set(rows.map((r) => src.value(r, 'eventID') || `row ${r}`))];
  const shown = ids.slice(0, 3).join(', ');
  return ids.length > 3 ? `${shown} and ${ids.length - 3} more` : shown;
}

function lastPart(arn: string): string {
  const i = arn.lastIndexOf('/');
  return i >= 0 ? arn.slice(i + 1) : '';
}

function afterColon(principalId: string): string {
  const i = principalId.lastIndexOf(':');
  return i >= 0 ? principalId.slice(i + 1) : principalId;
}

/** "Role/session" of an assumed-role ARN, "name" of a federated user. */
function sessionName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  if (parts[0] === 'assumed-role' && parts.length >= 3)
    return `${parts[parts.length - 2]}/${parts[parts.length - 1]}`;
  return parts.length > 1 ? parts[parts.length - 1] : arn;
}

/** The values `origin:` matches: the origin's ARN (or subject, service), its name, and the source identity. */
export function originMatchValues(o: Origin): string[] {
  const out = [o.arn, o.name];
  if (o.sourceIdentity) out.push(o.sourceIdentity);
  return out.filter((v, i) => v && out.indexOf(v) === i);
}

/** "for bob (via 2 role hops)", or what is known when the chain stops. */
export function describeOrigin(o: Origin): string {
  const roleHops = o.hops.filter((h) => h.eventName.startsWith('AssumeRole')).length;
  const via =
    o.hops.length === 0
      ? ''
      : roleHops === o.hops.length
        ? ` (via ${roleHops} role hop${roleHops === 1 ? '' : 's'})`
        : ` (via ${o.hops.length} hop${o.hops.length === 1 ? '' : 's'})`;
  const source =
    o.sourceIdentity && o.sourceIdentity !== o.name ? `, source identity ${o.sourceIdentity}` : '';
  if (o.complete) return `for ${o.name}${via}${source}`;
  if (o.missing?.accessKeyId)
    return `chain stops at ${o.name}${via}: key ${o.missing.accessKeyId} ${o.missing.reason}${source}`;
  return `origin unknown (${o.missing?.reason ?? 'incomplete'})${source}`;
}

/** The origin as the CLI's `--annotate` and exports write it. */
export function originJson(o: Origin): Record<string, unknown> {
  return {
    arn: o.arn,
    type: o.type,
    name: o.name,
    hops: o.hops.map((h) => ({ eventID: h.eventID, arn: h.arn })),
    complete: o.complete,
    ...(o.issuer ? { issuer: o.issuer } : {}),
    ...(o.sourceIdentity ? { sourceIdentity: o.sourceIdentity } : {}),
    ...(o.missing ? { missing: o.missing } : {}),
  };
}
