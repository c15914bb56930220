// Credential chains made to be hard to attribute, for origin tests and bench/originChains.bench.ts:
// deep chains (one planted file can chain thousands of AssumeRole calls, or give thousands of
// events each their own caller), loops, and random graphs of issuances with the conflicts a planted
// record may add (rival claims, account-only copies, a key issued to another session, one key
// under several ARNs or source identities, failed calls).
import { Random } from '../../../src/core/synthetic/generator/random';

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';

type Json = Record<string, unknown>;

const sessionArn = (name: string, account = ACCOUNT) =>
  `arn:aws:sts::${account}:assumed-role/Hop/${name}`;

function session(accessKeyId: string, arn: string, sourceIdentity?: string): Json {
  return {
    type: 'AssumedRole',
    arn,
    accountId: ACCOUNT,
    principalId: `AROAHOP:${arn.slice(arn.lastIndexOf('/') + 1)}`,
    accessKeyId,
    ...(sourceIdentity ? { sessionContext: { sourceIdentity } } : {}),
  };
}

function user(name: string): Json {
  return {
    type: 'IAMUser',
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accountId: ACCOUNT,
    principalId: `AIDA${name.toUpperCase()}`,
    userName: name,
    accessKeyId: `AKIA${name.toUpperCase()}`,
  };
}

function event(eventID: string, userIdentity: Json, eventName: string, response?: Json): Json {
  return {
    eventVersion: '1.08',
    eventTime: '2024-05-14T10:00:00Z',
    eventSource: eventName === 'GetObject' ? 's3.amazonaws.com' : 'sts.amazonaws.com',
    eventName,
    eventID,
    recipientAccountId: ACCOUNT,
    userIdentity,
    ...(response ? { responseElements: response } : {}),
  };
}

function issuance(
  eventID: string,
  caller: Json,
  key: string,
  issuedTo: string | undefined,
  eventName = 'AssumeRole',
): Json {
  return event(eventID, caller, eventName, {
    credentials: { accessKeyId: key, sessionToken: 't', expiration: 'x' },
    ...(issuedTo === undefined
      ? {}
      : eventName === 'GetFederationToken'
        ? { federatedUser: { arn: issuedTo } }
        : { assumedRoleUser: { arn: issuedTo } }),
  });
}

const chainKey = (i: number) => `ASIACHAIN${String(i).padStart(7, '0')}`;

export interface DeepChain {
  /** Sessions chained by AssumeRole: alice's call issues the first key, each session's call the next. */
  sessions: number;
  /** The first key is issued by a call made with the last key instead of alice's. */
  loop?: boolean;
  /** Events made with the sessions' keys (round robin), each with its own source identity. */
  uses?: number;
}

/** A chain of `sessions` AssumeRole calls, then the uses: every event a caller of its own. */
export function deepChain({ sessions, loop = false, uses = 0 }: DeepChain): Json[] {
  const records: Json[] = [];
  for (let i = 0; i < sessions; i++) {
    const caller =
      i > 0
        ? session(chainKey(i - 1), sessionArn(`s${i - 1}`))
        : loop
          ? session(chainKey(sessions - 1), sessionArn(`s${sessions - 1}`))
          : user('alice');
    records.push(issuance(`issue-${i}`, caller, chainKey(i), sessionArn(`s${i}`)));
  }
  for (let j = 0; j < uses; j++) {
    const i = j % sessions;
    records.push(
      event(`use-${j}`, session(chainKey(i), sessionArn(`s${i}`), `source-${j}`), 'GetObject'),
    );
  }
  return records;
}

/**
 * One key issued by alice's AssumeRole, logged `claims` times (naming no session), then `uses`
 * events made with the key, each by a session (ARN) of its own.
 */
export function claimedKey({ claims, uses }: { claims: number; uses: number }): Json[] {
  const key = 'ASIACLAIMED';
  const records: Json[] = [];
  for (let c = 0; c < claims; c++)
    records.push(issuance(`claim-${c}`, user('alice'), key, undefined));
  for (let j = 0; j < uses; j++)
    records.push(event(`use-${j}`, session(key, sessionArn(`c${j}`)), 'GetObject'));
  return records;
}

/**
 * A random graph of issuances over `keys` session keys: most keys are issued to a call made with
 * the one before (long chains, past 64 hops), some with any other (loops, branches), some by a
 * user, SAML or web identity; with rival and copied claims, claims for other sessions, failed calls,
 * keys used under other ARNs (or in another case), other identity types and source identities;
 * then events using them. `noise` scales how often such things happen (the seeds cycle through a
 * few levels, so that some graphs hold chains and loops longer than 64 hops).
 */
export function randomChainGraph(
  seed: number,
  keys = 40 + (seed % 5) * 25,
  noise = [0.02, 0.1, 0.3, 1][seed % 4],
): Json[] {
  const rnd = new Random(seed);
  const odd = (p: number) => rnd.chance(p * noise);
  const key = (i: number) => `ASIARANDOM${i}`;
  const arnOf = (i: number) => sessionArn(`r${i}`, i % 7 === 3 ? OTHER_ACCOUNT : ACCOUNT);
  const sources = ['alice@example.com', 'bob@example.com'];
  // Who calls with key i: its own session, sometimes under another ARN (or case).
  const callerWith = (i: number): Json => {
    const arn = odd(0.1)
      ? arnOf(rnd.int(0, keys - 1))
      : odd(0.1)
        ? arnOf(i).toUpperCase()
        : arnOf(i);
    const id = session(key(i), arn, odd(0.2) ? rnd.pick(sources) : undefined);
    if (odd(0.05)) id.type = 'FederatedUser';
    if (odd(0.02)) id.onBehalfOf = { userId: 'icuser-1', identityStoreArn: 'd-1' };
    return id;
  };
  const longTerm = (): Json => {
    const r = rnd.next();
    if (r < 0.4) return user(rnd.pick(['alice', 'bob', 'mallory']));
    if (r < 0.55) return { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT };
    if (r < 0.7)
      return {
        type: 'SAMLUser',
        principalId: 'SAML:carol',
        userName: 'carol',
        identityProvider: 'arn:aws:iam::111122223333:saml-provider/Okta',
      };
    if (r < 0.8)
      return {
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:dave',
        userName: 'dave',
        identityProvider: 'accounts.google.com',
      };
    if (r < 0.9) return { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' };
    return { type: 'AWSAccount', accountId: OTHER_ACCOUNT, principalId: 'AIDAOTHER' };
  };
  const records: Json[] = [];
  let n = 0;
  for (let i = 0; i < keys; i++) {
    const claims = odd(0.1) ? rnd.int(0, 3) : 1;
    for (let c = 0; c < claims; c++) {
      // The first key from a long-term principal (or the last key's session: a loop).
      const caller =
        (i === 0 && rnd.chance(0.5)) || odd(0.05)
          ? longTerm()
          : i === 0 || odd(0.05)
            ? callerWith(rnd.int(0, keys - 1))
            : callerWith(i - 1);
      const issuedTo = odd(0.05)
        ? arnOf(rnd.int(0, keys - 1))
        : odd(0.05)
          ? undefined
          : odd(0.1)
            ? arnOf(i).toLowerCase()
            : arnOf(i);
      const name = odd(0.1)
        ? rnd.pick(['GetFederationToken', 'AssumeRoleWithSAML', 'GetSessionToken', 'AssumeRoot'])
        : 'AssumeRole';
      const rec = issuance(`e${n++}`, caller, key(i), issuedTo, name);
      if (odd(0.03)) rec.errorCode = 'AccessDenied';
      records.push(rec);
      // The same issuance logged twice, or in the role's account naming only the caller's account.
      if (odd(0.05)) records.push(rec);
      if (odd(0.05) && caller.type !== 'AWSAccount')
        records.push({
          ...rec,
          eventID: `e${n++}`,
          userIdentity: {
            type: 'AWSAccount',
            accountId: caller.accountId,
            principalId: caller.principalId,
          },
        });
    }
  }
  const uses = rnd.int(keys, 3 * keys);
  for (let u = 0; u < uses; u++)
    records.push(
      event(`u${n++}`, odd(0.1) ? longTerm() : callerWith(rnd.int(0, keys - 1)), 'GetObject'),
    );
  // Load order matters to nothing: shuffle.
  for (let i = records.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [records[i], records[j]] = [records[j], records[i]];
  }
  return records;
}
