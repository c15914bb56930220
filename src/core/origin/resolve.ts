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
// none is followed; the chain stops there and says so. A credential is used after it is issued:
// when every claim to have issued a key is dated later than the key's first use (the earliest
// event signed with it), none is followed either. Field semantics follow the
// CloudTrail User Guide, "CloudTrail userIdentity element" (SAML and web identity values, AWS STS
// source identity) and the STS API reference (the responses' credentials, assumedRoleUser,
// federatedUser, subject and issuer).
//
// A walk stops at 64 hops, and where it meets a key again (the credentials loop back on
// themselves). One planted file can chain thousands of sessions, or give thousands of events each
// a caller of its own over a deep chain: each session is walked to once, and answered from the
// chain of its key's issuing event's caller (that chain and one hop, cut where a walk from the
// session would stop), so resolution costs a step per session, not per session and hop
// (bench/originChains.bench.ts).
//
// The algorithm reads events through OriginSource, so the index (columns) and a plain list of
// parsed records (a log document) share it.
import { ISSUING_EVENTS, type OriginInputField, type ScalarField } from '../index/schema';
import { identityNames, isAnonymousIdentity } from '../records/identity';

/**
 * Bump when resolution answers differently for the same events: a saved index
 * (core/ingest/indexSnapshot.ts) holds the origins it resolved, and one resolved by another
 * version is not used.
 */
export const ORIGIN_RESOLUTION_VERSION = 13;

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
  /** The event's eventTime in ms, read as the index reads it; NaN when it has no readable time. */
  time(row: number): number;
  /**
   * Optional shortcut for the pass over every row that finds, for each of `keys`, the row of the
   * earliest event signed with it (userIdentity.accessKeyId): the first of the rows with the
   * smallest readable time; a key no such row has is left out.
   */
  firstUses?(keys: ReadonlySet<string>): Map<string, number>;
  /**
   * Optional shortcut for the pass over every row: a number ≥ 0 that is equal for two rows only
   * when everything resolution reads of their caller is equal (the same session key, ARN, type,
   * session issuer, no onBehalfOf or source identity; or, without a key, the same identity), or
   * -1. Saves
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
  /**
   * The origin's ARN; for an AWS service its name; for an identity from outside IAM (SAML, web
   * identity, Identity Center) its subject under its kind and issuer (`outsideIdentityArn`).
   */
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

/**
 * The calls that issue each kind of session (the caller types `followed` goes on from) its key
 * (AWS STS API reference): a claim by another call did not issue it, whatever it says.
 */
const ISSUED_BY: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['AssumedRole', new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'])],
  ['FederatedUser', new Set(['GetFederationToken'])],
  ['IAMUser', new Set(['GetSessionToken'])],
  ['Root', new Set(['GetSessionToken', 'AssumeRoot'])],
]);

/** "issued outside the loaded events": the one wording, shown wherever a chain stops. */
export const ISSUED_OUTSIDE = 'issued outside the loaded events';

const MAX_HOPS = 64;
const TOO_LONG = `not followed: the chain is more than ${MAX_HOPS} hops long`;
const loopsBack = (key: string) => `the credentials loop back on themselves (${key})`;
/**
 * How much later than a key's first use a claim to have issued it may be dated. eventTime comes
 * from the clock of the host that served each call, NTP-synchronised, to the second (CloudTrail
 * User Guide, "CloudTrail record contents", eventTime); the issuing call and the use are served
 * by different hosts, services and regions, and one issuance may be logged in two accounts.
 * Five minutes is the clock difference AWS itself accepts between a signed request's time and its
 * own (IAM User Guide, "AWS Signature Version 4 for API requests"): far above what synchronised
 * clocks and second rounding can put between a real issuance and its use (in the real datasets,
 * every key is first used 0 s to 37 min after it was issued, never before). A planted claim
 * gains nothing from the margin: it could as well be dated earlier.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

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

export interface ResolveOptions {
  /**
   * Walk every session's chain event by event, as far as it goes (at most 64 hops), instead of
   * answering each session from the one above it: slower, the reference the tests compare with.
   */
  direct?: boolean;
  /**
   * Set to what resolution did: `hopSteps`, how many times it went from a session to the event
   * that issued its key; `claimsRead`, how many claims to have issued a key it looked at.
   */
  stats?: { hopSteps: number; claimsRead: number };
}

export function resolveOrigins(src: OriginSource, options: ResolveOptions = {}): OriginColumn {
  const r = new Resolver(src, options.direct ?? false);
  const ids = new Uint32Array(src.size);
  for (let row = 0; row < src.size; row++) ids[row] = r.idOfRow(row);
  if (options.stats) {
    options.stats.hopSteps = r.hopSteps;
    options.stats.claimsRead = r.claimsRead;
  }
  return { ids, origins: r.table };
}

/** The origin of one event of `src` (resolves only what that event needs). */
export function resolveOrigin(src: OriginSource, row: number): Origin {
  const r = new Resolver(src, false);
  return r.table[r.idOfRow(row)];
}

/**
 * A session's chain as resolution keeps it: the origin, and whether the chain was cut short after
 * its last key was found issued by a loaded event (a loop, or the hop limit), so that a walk from
 * a session below would have gone on from there.
 */
interface Chain {
  origin: Origin;
  capped: boolean;
}

class Resolver {
  readonly table: Origin[] = [];
  hopSteps = 0;
  claimsRead = 0;
  private readonly byShape = new Map<string, number>();
  /** Issued key → the rows of the events that claim to have issued it, in row order. */
  private readonly issuedBy = new Map<string, number[]>();
  /** Issued key and session → its issuing event's row, or why none is followed (issuerOf). */
  private readonly issuer = new Map<string, number | string>();
  /** The same for the sessions that no claim of the key names (issuerOf), by key. */
  private readonly issuerForAny = new Map<string, number | string>();
  /** Issued key → the sessions its claims name, lower case ('' for a claim that names none). */
  private readonly namedSessions = new Map<string, Set<string>>();
  /** Origin id per signature of the caller (its key, or its identity when it has none). */
  private readonly byCaller = new Map<string, number>();
  private readonly byCallerKey = new Map<number, number>();
  /** Each session's chain (chainOf), by its signature. */
  private readonly chains = new Map<string, Chain>();
  /** The hop lists chains hold, one array for each (hopList). */
  private readonly hopLists = new Map<string, OriginHop[]>();
  /** The keys issuing events were called with: only these can come back in a chain. */
  private readonly callerKeys = new Set<string>();
  /** Issued key → the row of the earliest event signed with it (firstUse), made on first use. */
  private firstUses: Map<string, number> | undefined;

  constructor(
    private readonly src: OriginSource,
    private readonly direct: boolean,
  ) {
    for (let row = 0; row < src.size; row++) {
      const key = src.value(row, 'responseElements.credentials.accessKeyId');
      if (!key || src.value(row, 'errorCode') || !ISSUING_EVENTS.has(src.value(row, 'eventName')))
        continue;
      const claims = this.issuedBy.get(key);
      if (claims) claims.push(row);
      else this.issuedBy.set(key, [row]);
      this.callerKeys.add(src.value(row, 'userIdentity.accessKeyId'));
    }
  }

  /**
   * The row of the event that issued `key` to the session at `actingRow`, or why none is followed:
   * a claim must be a call that issues that kind of session's keys (ISSUED_BY), one that names the
   * session it issued the key to must name this one (its partition, account, role and session
   * name; ARNs compared without case), a federated session's must be made by the principal its
   * events name (federationIssuer), and the claims left must agree on the caller. The same
   * issuance may be logged more than once: the same event twice, or in the caller's account and in
   * the role's, where the caller is only named by its account and principal ID (an AWSAccount
   * caller); such a copy agrees with the caller's own.
   */
  private issuerOf(key: string, actingRow: number): number | string {
    const type = this.v(actingRow, 'userIdentity.type');
    const session = this.v(actingRow, 'userIdentity.arn').toLowerCase();
    const issuer = this.federationIssuer(actingRow);
    const claims = this.issuedBy.get(key)!;
    if (claims.length === 1) {
      // One claim (most keys): it agrees with itself.
      this.claimsRead++;
      const fit = this.fitting(claims, type, session, issuer);
      return typeof fit === 'string' ? fit : this.late(key, fit) || fit[0];
    }
    let named = this.namedSessions.get(key);
    if (!named) {
      named = new Set();
      for (const r of claims) named.add(this.issuedTo(r).toLowerCase());
      this.claimsRead += claims.length;
      this.namedSessions.set(key, named);
    }
    // A session that no claim names is given the claims that name none: one answer for every such
    // session of a kind (a planted file may give thousands of sessions the key of a much-claimed
    // issuance).
    const memo =
      !session || named.has(session) || issuer
        ? `${key}\u0000${type}\u0000${session}\u0000${issuer}`
        : undefined;
    const forAny = `${key}\u0000${type}`;
    let found = memo === undefined ? this.issuerForAny.get(forAny) : this.issuer.get(memo);
    if (found !== undefined) return found;
    this.claimsRead += claims.length;
    if (claims.length > MAX_CLAIMS) {
      found = `claimed by ${claims.length} events (${eventIds(this.src, claims)}): none is followed`;
    } else {
      const fit = this.fitting(claims, type, session, issuer);
      if (typeof fit === 'string') found = fit;
      else {
        const callers = this.withoutAccountCopies(fit);
        const sig = this.signature(callers[0]);
        found =
          this.late(key, fit) ||
          (callers.every((r) => this.signature(r) === sig)
            ? callers[0]
            : `claimed by events naming different callers (${eventIds(this.src, callers)}): none is followed`);
      }
    }
    if (memo === undefined) this.issuerForAny.set(forAny, found);
    else this.issuer.set(memo, found);
    return found;
  }

  /**
   * The claims that could have issued the key of a session of `type` at `session` (lower case,
   * '' when unnamed) whose federation `issuer` is given (issuerOf), or why none could.
   */
  private fitting(
    claims: readonly number[],
    type: string,
    session: string,
    issuer: string,
  ): number[] | string {
    const calls = ISSUED_BY.get(type);
    const ofKind = claims.filter((r) => calls?.has(this.v(r, 'eventName')));
    if (ofKind.length === 0) {
      const names = [...new Set(claims.map((r) => this.v(r, 'eventName')))].join(', ');
      return `claimed only by ${eventIds(this.src, claims)} (${names}), which does not issue keys to ${type} sessions`;
    }
    const toSession = ofKind.filter((r) => {
      const to = this.issuedTo(r);
      return !to || !session || to.toLowerCase() === session;
    });
    if (toSession.length === 0)
      return `claimed only by ${eventIds(this.src, ofKind)}, issued to another session (${this.issuedTo(ofKind[0])})`;
    const byIssuer = toSession.filter(
      (r) => !issuer || this.v(r, 'userIdentity.arn').toLowerCase() === issuer.toLowerCase(),
    );
    if (byIssuer.length === 0)
      return `claimed only by ${eventIds(this.src, toSession)}, called by another principal than the session's issuer (${issuer})`;
    return byIssuer;
  }

  /**
   * Why none of `claims` (to have issued `key`) is followed when every one is dated later than the
   * key's first use allows (CLOCK_SKEW_MS), else ''. A claim without a readable time, or a key
   * without a use that has one, is no evidence either way. One timely claim is enough for the
   * claims to go on to be compared: a late claim never makes another win, for a planted event
   * signed with the key and dated early would make a real issuance late.
   */
  private late(key: string, claims: readonly number[]): string {
    const first = (this.firstUses ??= this.findFirstUses()).get(key);
    if (first === undefined) return '';
    const used = this.src.time(first);
    const limit = used + CLOCK_SKEW_MS;
    if (!claims.every((r) => this.src.time(r) > limit)) return '';
    return `claimed only by ${eventIds(this.src, claims)}, dated after the key was first used (${eventIds(this.src, [first])} at ${isoTime(used)}): a key is not used before it is issued`;
  }

  /** Each issued key's first use: the row of the earliest event signed with it (OriginSource.firstUses). */
  private findFirstUses(): Map<string, number> {
    const keys = new Set(this.issuedBy.keys());
    if (this.src.firstUses) return this.src.firstUses(keys);
    const first = new Map<string, number>();
    const at = new Map<string, number>();
    for (let row = 0; row < this.src.size; row++) {
      const key = this.v(row, 'userIdentity.accessKeyId');
      if (!keys.has(key)) continue;
      const t = this.src.time(row);
      if (Number.isNaN(t)) continue;
      const earliest = at.get(key);
      if (earliest === undefined || t < earliest) {
        first.set(key, row);
        at.set(key, t);
      }
    }
    return first;
  }

  /**
   * The IAM user or root that called GetFederationToken for the federated session at `row`, as
   * its events name it (sessionContext.sessionIssuer), '' when the row is no such session.
   */
  private federationIssuer(row: number): string {
    if (this.v(row, 'userIdentity.type') !== 'FederatedUser') return '';
    const issuer = this.v(row, 'userIdentity.sessionContext.sessionIssuer.arn');
    return /:(user\/|root$)/.test(issuer) ? issuer : '';
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
      id = this.intern(this.originOfCaller(row));
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
      return `k\u0000${type}\u0000${key}\u0000${this.v(row, 'userIdentity.arn')}\u0000${this.v(row, 'userIdentity.sessionContext.sessionIssuer.arn')}\u0000${this.v(row, 'userIdentity.onBehalfOf.userId')}\u0000${this.v(row, 'userIdentity.sessionContext.sourceIdentity')}`;
    return ['i', ...IDENTITY_SIGNATURE.map((f) => this.v(row, f))].join('\u0000');
  }

  /**
   * The origin's entry in the table, equal origins sharing one. The hops are told by their count
   * and the last one (its event and ARN): a session's chain above its key's issuing event is that
   * event's caller's, the same from every session, so hops that end alike hold the same.
   */
  private intern(o: Origin): number {
    const last = o.hops[o.hops.length - 1];
    const shape = JSON.stringify([
      o.arn,
      o.type,
      o.name,
      o.complete,
      o.issuer,
      o.sourceIdentity,
      o.missing?.reason,
      o.missing?.accessKeyId,
      o.hops.length,
      last?.row,
      last?.arn,
    ]);
    let id = this.byShape.get(shape);
    if (id === undefined) {
      id = this.table.length;
      this.table.push(o);
      this.byShape.set(shape, id);
    }
    return id;
  }

  /** Who made the call at `row`: followed back through the credentials it was signed with. */
  private originOfCaller(row: number): Origin {
    if (this.followed(row)) return (this.direct ? this.walk(row) : this.chainOf(row)).origin;
    return this.withSource(row, this.terminal(row));
  }

  /** The key to follow back from the caller at `row`: a session key a loaded event claims to have issued; '' when none. */
  private followed(row: number): string {
    // Trusted identity propagation: the call was made for an Identity Center user, whoever holds the session.
    if (this.v(row, 'userIdentity.onBehalfOf.userId')) return '';
    const key = this.v(row, 'userIdentity.accessKeyId');
    if (!key || !this.issuedBy.has(key)) return '';
    switch (this.v(row, 'userIdentity.type')) {
      case 'IAMUser':
      case 'Root':
        return key.startsWith('ASIA') ? key : '';
      case 'AssumedRole':
      case 'FederatedUser':
        return key;
      default:
        return '';
    }
  }

  /** The session's source identity, when the chain has none yet (AWS sets it where the chain began). */
  private withSource(row: number, o: Origin): Origin {
    const sourceIdentity = this.v(row, 'userIdentity.sessionContext.sourceIdentity');
    return sourceIdentity && !o.sourceIdentity ? { ...o, sourceIdentity } : o;
  }

  /**
   * The chain of the session that made the call at `row` (whose key `followed` gives), as walked
   * from there: each session (signature) is walked to once. The walk goes up until a session whose
   * chain is known, an end (a caller not followed, a key not followed), or a session already on
   * this walk (a loop, whose session there is walked directly); the sessions passed are then
   * answered from the one above them, last first (compose).
   */
  private chainOf(row: number): Chain {
    const sessions: number[] = [];
    const issuers: number[] = [];
    const sigs: string[] = [];
    const onWalk = new Set<string>();
    let above: Chain;
    for (let cur = row; ;) {
      const sig = this.signature(cur);
      const known = this.chains.get(sig);
      if (known) {
        above = known;
        break;
      }
      if (onWalk.has(sig)) {
        // The credentials loop back to this session: its chain goes round the loop once.
        above = this.walk(cur);
        this.chains.set(sig, above);
        break;
      }
      const key = this.followed(cur);
      if (!key) {
        // Not a session (the walk starts at one): the caller the chain ends at.
        above = { origin: this.withSource(cur, this.terminal(cur)), capped: false };
        break;
      }
      const issuing = this.issuerOf(key, cur);
      if (typeof issuing === 'string') {
        above = { origin: this.withSource(cur, this.stop(cur, key, issuing)), capped: false };
        this.chains.set(sig, above);
        break;
      }
      this.hopSteps++;
      onWalk.add(sig);
      sessions.push(cur);
      issuers.push(issuing);
      sigs.push(sig);
      cur = issuing;
    }
    for (let i = sessions.length - 1; i >= 0; i--) {
      const known = this.chains.get(sigs[i]);
      if (known) above = known;
      else this.chains.set(sigs[i], (above = this.compose(sessions[i], issuers[i], above)));
    }
    return above;
  }

  /**
   * The chain from the session at `row`, whose key the event at `issuing` issued, given the chain
   * from that event's caller (`above`): one hop more, as a walk from `row` would find it. That walk
   * stops earlier where it meets `row`'s key again (the credentials loop back to this session),
   * and holds at most MAX_HOPS hops (the hop above the last one kept is where it stops).
   */
  private compose(row: number, issuing: number, above: Chain): Chain {
    const key = this.v(row, 'userIdentity.accessKeyId');
    const hops = above.origin.hops;
    const m = hops.length;
    // The walk from `row` passes the events at depth 1 … m + 1: `issuing`, then above's hops' events.
    const at = (depth: number) => (depth === 1 ? issuing : hops[m - depth + 1].row);
    let loop = 0;
    if (this.callerKeys.has(key))
      for (let d = 1; d <= Math.min(m + 1, MAX_HOPS); d++) {
        // Where above's walk went on from (every event but the last, which only a loop or the
        // hop limit stopped after its key was found issued).
        const followed = d <= m || above.capped;
        if (followed && this.v(at(d), 'userIdentity.accessKeyId') === key) {
          loop = d;
          break;
        }
      }
    if (!loop && m < MAX_HOPS)
      return {
        origin: this.withSource(row, {
          ...above.origin,
          hops: this.hopList(hops, row, issuing, m + 1),
        }),
        capped: above.capped,
      };
    const depth = loop || MAX_HOPS;
    const stopAt = at(depth);
    // The source identity the walk meets first from where it stops (above's, unless above has none).
    let sourceIdentity = '';
    if (above.origin.sourceIdentity)
      for (let d = depth; d >= 1 && !sourceIdentity; d--)
        sourceIdentity = this.v(at(d), 'userIdentity.sessionContext.sourceIdentity');
    sourceIdentity ||= this.v(row, 'userIdentity.sessionContext.sourceIdentity');
    const stopped = loop
      ? this.stop(stopAt, key, loopsBack(key))
      : this.stop(stopAt, this.v(stopAt, 'userIdentity.accessKeyId'), TOO_LONG);
    return {
      origin: {
        ...stopped,
        hops: this.hopList(hops, row, issuing, depth),
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
      capped: true,
    };
  }

  /**
   * The last `length` hops of `above` then the hop from `issuing` to `row`: one array for each
   * (whatever session asks), since an issuing event's chain is the same from every session.
   */
  private hopList(above: OriginHop[], row: number, issuing: number, length: number): OriginHop[] {
    const hop = this.hop(row, issuing);
    const id = `${issuing}\u0000${hop.arn}\u0000${length}`;
    let list = this.hopLists.get(id);
    if (!list) {
      list = above.slice(above.length - length + 1);
      list.push(hop);
      this.hopLists.set(id, list);
    }
    return list;
  }

  /** The issuance of the key the caller at `row` used, by the event at `issuing`. */
  private hop(row: number, issuing: number): OriginHop {
    return {
      eventID: this.v(issuing, 'eventID'),
      arn:
        this.v(issuing, 'responseElements.assumedRoleUser.arn') ||
        this.v(issuing, 'responseElements.federatedUser.arn') ||
        this.v(row, 'userIdentity.arn'),
      eventName: this.v(issuing, 'eventName'),
      row: issuing,
    };
  }

  /**
   * The chain from the session at `row` walked event by event (at most MAX_HOPS hops): up through
   * the events that issued each key, until a caller not followed, a key not followed, a key met
   * before on this walk (the credentials loop back on themselves) or the hop limit.
   */
  private walk(row: number): Chain {
    const rows = [row];
    const keys = new Set<string>();
    let end: Origin;
    let capped = false;
    for (let cur = row; ;) {
      const key = this.followed(cur);
      if (!key) {
        end = this.terminal(cur);
        break;
      }
      const issuing = this.issuerOf(key, cur);
      if (typeof issuing === 'string') {
        end = this.stop(cur, key, issuing);
        break;
      }
      capped = keys.has(key) || rows.length > MAX_HOPS;
      if (capped) {
        end = this.stop(cur, key, keys.has(key) ? loopsBack(key) : TOO_LONG);
        break;
      }
      this.hopSteps++;
      keys.add(key);
      rows.push(issuing);
      cur = issuing;
    }
    const hops: OriginHop[] = [];
    for (let i = rows.length - 2; i >= 0; i--) hops.push(this.hop(rows[i], rows[i + 1]));
    let origin: Origin = { ...end, hops };
    for (let i = rows.length - 1; i >= 0; i--) origin = this.withSource(rows[i], origin);
    return { origin, capped };
  }

  /** Who made the call at `row` when its key is not followed (see `followed`). */
  private terminal(row: number): Origin {
    const type = this.v(row, 'userIdentity.type');
    const arn = this.v(row, 'userIdentity.arn');
    const key = this.v(row, 'userIdentity.accessKeyId');
    const onBehalfOf = this.v(row, 'userIdentity.onBehalfOf.userId');
    if (onBehalfOf) {
      const store = this.v(row, 'userIdentity.onBehalfOf.identityStoreArn');
      return {
        arn: outsideIdentityArn('IdentityCenterUser', store, onBehalfOf),
        type: 'IdentityCenterUser',
        name: this.v(row, 'userIdentity.userName') || onBehalfOf,
        hops: [],
        complete: true,
        ...(store ? { issuer: store } : {}),
      };
    }
    switch (type) {
      case 'IAMUser':
      case 'Root': {
        if (
          type === 'Root' &&
          this.v(row, 'userIdentity.sessionContext.assumedRoot').toLowerCase() === 'true'
        ) {
          // A root session made with AssumeRoot: the human is whoever called it.
          return this.stop(row, key);
        }
        const account = this.v(row, 'userIdentity.accountId');
        if (type === 'Root')
          return {
            arn: arn || (account ? `arn:aws:iam::${account}:root` : ''),
            type: 'Root',
            name: 'root',
            hops: [],
            complete: true,
          };
        return {
          arn,
          type: 'IAMUser',
          name:
            identityNames({ arn, userName: this.v(row, 'userIdentity.userName') }).user ||
            lastPart(arn) ||
            key,
          hops: [],
          complete: true,
        };
      }
      case 'AssumedRole':
      case 'FederatedUser': {
        if (type === 'FederatedUser') {
          // GetFederationToken is called with an IAM user's (or root's) long-term key: the
          // session issuer names that principal, even when the call is not loaded.
          const issuer = this.federationIssuer(row);
          if (issuer) {
            const isRoot = issuer.endsWith(':root');
            return {
              arn: issuer,
              type: isRoot ? 'Root' : 'IAMUser',
              name: isRoot ? 'root' : lastPart(issuer),
              hops: [],
              complete: true,
            };
          }
        }
        return this.stop(row, key);
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
        return {
          arn: outsideIdentityArn(
            identityCenter ? 'IdentityCenterUser' : 'SAMLUser',
            issuer,
            subject,
          ),
          type: identityCenter ? 'IdentityCenterUser' : 'SAMLUser',
          name: subject,
          hops: [],
          complete: true,
          ...(issuer ? { issuer } : {}),
        };
      }
      case 'WebIdentityUser': {
        const subject =
          this.v(row, 'userIdentity.userName') ||
          afterColon(this.v(row, 'userIdentity.principalId'));
        const issuer = this.v(row, 'userIdentity.identityProvider');
        return {
          arn: outsideIdentityArn('WebIdentityUser', issuer, subject),
          type: 'WebIdentityUser',
          name: subject,
          hops: [],
          complete: true,
          ...(issuer ? { issuer } : {}),
        };
      }
      case 'IdentityCenterUser': {
        const user =
          this.v(row, 'userIdentity.userName') || this.v(row, 'userIdentity.principalId');
        return {
          arn: user && outsideIdentityArn('IdentityCenterUser', '', user),
          type: 'IdentityCenterUser',
          name: user || 'an Identity Center user',
          hops: [],
          complete: Boolean(user),
          ...(user ? {} : { missing: { reason: 'the event names no user' } }),
        };
      }
      case 'AWSService': {
        const service = this.v(row, 'userIdentity.invokedBy') || 'AWS service';
        return {
          arn: service,
          type: 'AWSService',
          name: service,
          hops: [],
          complete: true,
        };
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
          return {
            arn: account,
            type: 'AWSAccount',
            name: 'anonymous',
            hops: [],
            complete: true,
          };
        return {
          arn: account,
          type: 'AWSAccount',
          name: account ? `account ${account}` : 'another account',
          hops: [],
          complete: false,
          missing: { reason: 'called from another account, which does not name its principal' },
        };
      }
      default: {
        const who =
          arn || this.v(row, 'userIdentity.principalId') || this.v(row, 'userIdentity.invokedBy');
        return {
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
        };
      }
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

/** An instant as CloudTrail writes eventTime (milliseconds only when there are some). */
function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('.000Z', 'Z');
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

/**
 * The values `origin:` matches: the origin's ARN (or service, or qualified subject), its name,
 * and the source identity. A name an outside provider or the caller chose (a SAML or web
 * subject, a source identity) is left out when it is written like an AWS principal (an ARN, a
 * service): `origin:"arn:aws:iam::…:user/admin"` finds the IAM user, never a subject so named.
 */
export function originMatchValues(o: Origin): string[] {
  const chosen = o.type in OUTSIDE_IDENTITY ? [o.name] : [];
  if (o.sourceIdentity) chosen.push(o.sourceIdentity);
  const out = [o.arn, o.name, o.sourceIdentity ?? ''].filter(
    (v) => !(chosen.includes(v) && v !== o.arn && readsAsAwsPrincipal(v)),
  );
  return out.filter((v, i) => v && out.indexOf(v) === i);
}

/** An ARN or an AWS service's name (`lambda.amazonaws.com`), in any case. */
function readsAsAwsPrincipal(v: string): boolean {
  return /^arn:/i.test(v.trim()) || /\.amazonaws\.com$/i.test(v.trim());
}

/** The scheme an identity from outside IAM is keyed under (`Origin.arn`). */
const OUTSIDE_SCHEME: Partial<Record<OriginType, string>> = {
  SAMLUser: 'saml',
  WebIdentityUser: 'web-identity',
  IdentityCenterUser: 'identity-center',
};

/**
 * The key of an identity from outside IAM: `saml:<issuer>:<subject>` (`web-identity:`,
 * `identity-center:`). Its provider chose the subject, which may be written like an IAM user's
 * ARN or another provider's subject: keyed under its kind and issuer, it is never counted,
 * grouped or matched as one of them (facets, `origin:` clicks, the CLI's `origin` field).
 */
export function outsideIdentityArn(
  type: 'SAMLUser' | 'WebIdentityUser' | 'IdentityCenterUser',
  issuer: string | undefined,
  subject: string,
): string {
  return `${OUTSIDE_SCHEME[type]}:${issuer ?? ''}:${subject}`;
}

/** The kind of an origin whose name its issuer chose (a SAML, web or Identity Center identity). */
const OUTSIDE_IDENTITY: Partial<Record<OriginType, string>> = {
  SAMLUser: 'SAML',
  WebIdentityUser: 'web identity',
  IdentityCenterUser: 'Identity Center',
};

/** What an identity from outside IAM is ("SAML user of https://idp…"); undefined for others. */
function outsideKind(o: Origin): string | undefined {
  const kind = OUTSIDE_IDENTITY[o.type];
  return kind && `${kind} user${o.issuer ? ` of ${o.issuer}` : ''}`;
}

/**
 * The origin's name as a list shows it (the Origin facet): an identity from outside IAM with
 * its kind and issuer, since its provider chose the name ("arn:aws:iam::…:user/admin (SAML
 * user of https://idp…)" is not the IAM user).
 */
export function originLabel(o: Origin): string {
  const kind = outsideKind(o);
  return kind ? `${o.name} (${kind})` : o.name;
}

/**
 * "for bob (via 2 role hops)", or what is known when the chain stops. An identity from outside
 * IAM is named with its issuer ("for alice (SAML user of https://idp…, via 1 role hop)"): its
 * provider chose the name, which may be written like an IAM user's or ARN.
 */
export function describeOrigin(o: Origin): string {
  const roleHops = o.hops.filter((h) => h.eventName.startsWith('AssumeRole')).length;
  const about = [
    outsideKind(o),
    o.hops.length === 0
      ? ''
      : roleHops === o.hops.length
        ? `via ${roleHops} role hop${roleHops === 1 ? '' : 's'}`
        : `via ${o.hops.length} hop${o.hops.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const via = about.length ? ` (${about.join(', ')})` : '';
  const source =
    o.sourceIdentity && o.sourceIdentity !== o.name ? `, source identity ${o.sourceIdentity}` : '';
  if (o.complete) return `for ${o.name}${via}${source}`;
  if (o.missing?.accessKeyId)
    return `chain stops at ${o.name}${via}: key ${o.missing.accessKeyId} ${o.missing.reason}${source}`;
  // Where it stops is worth saying even without a key (another account, a caller not followed).
  if (o.name)
    return `chain stops at ${o.name}${via}: ${o.missing?.reason ?? 'incomplete'}${source}`;
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
