// Credential chains for the generator (`generateBucket({ chains: true })`): sessions issued by
// AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity, GetSessionToken,
// GetFederationToken and AssumeRoot events that the bucket holds, chained 1–4 hops deep and
// across the three accounts, starting at an IAM user, a SAML subject, a web identity, an IAM
// Identity Center user, an AWS service; plus chains whose first issuing event is withheld (the
// product must stop there and say so) and Identity Center calls made on behalf of a user.
//
// The generator knows the truth: `trueOrigins` gives, for every access key used (and for the
// keyless callers, by `originKeyOf`), the origin the product must compute from the written events.
import { outsideIdentityArn } from '../../origin/resolve';
import type { Principal } from './identities';
import { Random, UPPER_DIGITS } from './random';

export interface TrueOrigin {
  arn: string;
  type: string;
  name: string;
  hops: { eventID: string; arn: string }[];
  complete: boolean;
  issuer?: string;
  sourceIdentity?: string;
  /** The key whose issuing event is not in the bucket, when the chain is incomplete. */
  missingKey?: string;
}

/** How a record's origin is looked up in the tally: its access key, else its service or Identity Center user. */
export function originKeyOf(userIdentity: Record<string, unknown> | undefined): string | undefined {
  if (!userIdentity) return undefined;
  if (typeof userIdentity.accessKeyId === 'string' && userIdentity.accessKeyId)
    return userIdentity.accessKeyId;
  const onBehalfOf = userIdentity.onBehalfOf as { userId?: string } | undefined;
  if (onBehalfOf?.userId) return `idc:${onBehalfOf.userId}`;
  if (userIdentity.type === 'AWSService' && typeof userIdentity.invokedBy === 'string')
    return `service:${userIdentity.invokedBy}`;
  if (userIdentity.type === 'SAMLUser' || userIdentity.type === 'WebIdentityUser')
    return `${userIdentity.type}:${userIdentity.principalId}`;
  if (typeof userIdentity.arn === 'string') return `arn:${userIdentity.arn}`;
  return undefined;
}

/** A session (or long-term principal) of a chain. */
interface ChainNode {
  principal: Principal;
  /** The record that issued this node's key; undefined for a chain's start. */
  issuing?: Record<string, unknown>;
  /** The issuing record is never written (the chain is broken there). */
  withheld?: boolean;
  parent?: ChainNode;
  written: boolean;
  origin: TrueOrigin;
}

const SDK =
  'aws-sdk-go-v2/1.25.2 os/linux lang/go#1.21.6 md/GOOS#linux md/GOARCH#amd64 api/sts#1.28.4';

export class ChainWorld {
  private readonly nodes: ChainNode[] = [];
  /** Nodes that act (make calls): sessions, and the long-term starts. */
  private readonly actors: ChainNode[] = [];
  readonly trueOrigins: Record<string, TrueOrigin> = {};
  private readonly r: Random;

  constructor(
    seed: number,
    private readonly accounts: readonly string[],
    private readonly start: number,
  ) {
    this.r = new Random(seed * 104_729 + 17);
    this.build();
  }

  /**
   * The next chain record for `region`: an issuing event still to write (parents first), dated
   * `t` (no later than the records written after it), else a call by a session. Returns the record's principal and, for an issuing event,
   * the record itself.
   */
  next(t: number): { principal: Principal; record?: Record<string, unknown> } {
    const actor = this.actors[this.r.int(0, this.actors.length - 1)];
    // Write the chain's issuing events before its sessions act, from the start outwards.
    for (let n: ChainNode | undefined = actor, pending: ChainNode | undefined; ; n = n.parent) {
      if (!n) {
        if (pending) {
          pending.written = true;
          const rec = pending.issuing!;
          rec.eventTime = new Date(t).toISOString().slice(0, 19) + 'Z';
          return { principal: pending.parent!.principal, record: rec };
        }
        break;
      }
      if (n.issuing && !n.written && !n.withheld) pending = n;
    }
    return { principal: actor.principal };
  }

  private key(): string {
    return 'ASIA' + this.r.chars(16, UPPER_DIGITS);
  }

  private build(): void {
    const [a, b, c] = this.accounts;
    const r = this.r;
    const ip = () => `203.0.113.${r.int(2, 250)}`;
    const long = (
      identity: Record<string, unknown>,
      origin: Omit<TrueOrigin, 'hops' | 'complete'>,
    ): ChainNode => {
      const node: ChainNode = {
        principal: this.principal(identity, ip()),
        written: true,
        origin: { ...origin, hops: [], complete: true },
      };
      this.nodes.push(node);
      const k = identity.accessKeyId as string | undefined;
      if (k) this.trueOrigins[k] = node.origin;
      return node;
    };
    const user = (account: string, name: string) =>
      long(
        {
          type: 'IAMUser',
          principalId: 'AIDA' + r.chars(17, UPPER_DIGITS),
          arn: `arn:aws:iam::${account}:user/${name}`,
          accountId: account,
          accessKeyId: 'AKIA' + r.chars(16, UPPER_DIGITS),
          userName: name,
        },
        { arn: `arn:aws:iam::${account}:user/${name}`, type: 'IAMUser', name },
      );

    for (let instance = 0; instance < 2; instance++) {
      const sfx = instance === 0 ? '' : `-${instance + 1}`;
      // 1. An IAM user's key → four role hops across the three accounts.
      const alice = user(a, `chain-alice${sfx}`);
      let n = this.assumeRole(alice, a, 'ChainHop1', `alice-1${sfx}`);
      n = this.assumeRole(n, b, 'ChainHop2', `alice-2${sfx}`);
      n = this.assumeRole(n, c, 'ChainHop3', `alice-3${sfx}`);
      this.assumeRole(n, a, 'ChainHop4', `alice-4${sfx}`);

      // 2. A SAML subject with a source identity, then a hop into another account.
      const saml = this.federated(
        'SAML',
        a,
        'SamlAdmin',
        `bob${sfx}@corp.example`,
        'https://idp.corp.example/saml',
        'bob' + sfx,
      );
      this.assumeRole(saml, b, 'ReadOnly', `bob${sfx}`, 'bob' + sfx);

      // 3. A web identity (a CI workflow) into one role.
      this.federated(
        'WebIdentity',
        b,
        'GitHubDeploy',
        `repo:example/app${sfx}:ref:refs/heads/main`,
        'token.actions.githubusercontent.com',
      );

      // 4. An Identity Center user: the SSO role in one account, then a hop into a third.
      const sso = this.federated(
        'IdentityCenter',
        a,
        'AWSReservedSSO_PowerUser_0123456789abcdef',
        `erin${sfx}`,
        'https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MDEyMzQ1Njc4OTAx',
      );
      this.assumeRole(sso, c, 'Ops', `erin${sfx}`);

      // 5. An AWS service assuming its role.
      const lambda: ChainNode = {
        principal: this.principal(
          { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
          'lambda.amazonaws.com',
        ),
        written: true,
        origin: {
          arn: 'lambda.amazonaws.com',
          type: 'AWSService',
          name: 'lambda.amazonaws.com',
          hops: [],
          complete: true,
        },
      };
      this.trueOrigins['service:lambda.amazonaws.com'] = lambda.origin;
      this.assumeRole(lambda, a, 'service-role/orders-fn', `orders-fn${sfx}`);

      // 6. A long-term key → GetSessionToken → a role; 7. GetFederationToken.
      const ci = user(b, `chain-ci${sfx}`);
      const mfaSession = this.sessionToken(ci);
      this.assumeRole(mfaSession, a, 'Deployer', `ci${sfx}`);
      this.federationToken(user(a, `chain-partner${sfx}`), `partner${sfx}`);

      // 8. A broken chain: the first hop's issuing event is not in the bucket.
      const gapUser = user(a, `chain-gap${sfx}`);
      const withheld = this.assumeRole(gapUser, a, 'Withheld', `gap${sfx}`, undefined, true);
      this.assumeRole(withheld, b, 'AfterGap', `gap-2${sfx}`, 'carl' + sfx);

      // 9. AssumeRoot from the management account's admin session into a member account.
      const admin = this.assumeRole(
        user(a, `chain-root-admin${sfx}`),
        a,
        'OrgAdmin',
        `root-admin${sfx}`,
      );
      this.assumeRoot(admin, b);

      // 10. Calls made for an Identity Center user (trusted identity propagation), no key.
      const userId = `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`;
      const store = `arn:aws:identitystore::${a}:identitystore/d-${r.hex(10)}`;
      const idc: ChainNode = {
        principal: this.principal(
          {
            type: 'IdentityCenterUser',
            accountId: a,
            onBehalfOf: { userId, identityStoreArn: store },
            credentialId: r.chars(40, UPPER_DIGITS),
          },
          ip(),
        ),
        written: true,
        origin: {
          arn: outsideIdentityArn('IdentityCenterUser', store, userId),
          type: 'IdentityCenterUser',
          name: userId,
          issuer: store,
          hops: [],
          complete: true,
        },
      };
      this.trueOrigins[`idc:${userId}`] = idc.origin;
      this.nodes.push(idc);
    }
    for (const node of this.nodes) if (node.principal.type !== 'AWSService') this.actors.push(node);
  }

  private principal(identity: Record<string, unknown>, ip: string): Principal {
    return {
      identity,
      type: identity.type as string,
      weight: 1,
      ips: [ip],
      userAgents: [SDK],
      denyRate: 0.02,
    };
  }

  private issuingRecord(
    caller: ChainNode,
    eventName: string,
    account: string,
    requestParameters: Record<string, unknown>,
    responseElements: Record<string, unknown>,
  ): Record<string, unknown> {
    const r = this.r;
    return {
      eventVersion: '1.08',
      userIdentity: caller.principal.identity,
      eventTime: '',
      eventSource: 'sts.amazonaws.com',
      eventName,
      awsRegion: 'us-east-1',
      sourceIPAddress: caller.principal.ips[0],
      userAgent: caller.principal.userAgents[0],
      requestParameters,
      responseElements,
      requestID: r.uuid(),
      eventID: r.uuid(),
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    };
  }

  private credentials(key: string): Record<string, unknown> {
    return {
      accessKeyId: key,
      sessionToken: this.r.hex(48),
      expiration: new Date(this.start + 86_400_000).toUTCString(),
    };
  }

  private session(
    identity: Record<string, unknown>,
    parent: ChainNode,
    issuing: Record<string, unknown>,
    hopArn: string,
    withheld = false,
  ): ChainNode {
    const key = identity.accessKeyId as string;
    const sourceIdentity = (identity.sessionContext as { sourceIdentity?: string } | undefined)
      ?.sourceIdentity;
    const base = parent.origin;
    let origin: TrueOrigin;
    if (withheld)
      origin = {
        arn: identity.arn as string,
        type: identity.type as string,
        name: sessionLabel(identity.arn as string),
        hops: [],
        complete: false,
        missingKey: key,
      };
    else
      origin = {
        ...base,
        hops: [...base.hops, { eventID: issuing.eventID as string, arn: hopArn }],
      };
    if (sourceIdentity && !origin.sourceIdentity) origin = { ...origin, sourceIdentity };
    const node: ChainNode = {
      principal: this.principal(identity, parent.principal.ips[0]),
      issuing,
      withheld,
      parent,
      written: false,
      origin,
    };
    this.nodes.push(node);
    this.trueOrigins[key] = origin;
    return node;
  }

  private roleSession(
    account: string,
    roleName: string,
    sessionName: string,
    key: string,
    sourceIdentity?: string,
  ) {
    const roleId = 'AROA' + this.r.chars(17, UPPER_DIGITS);
    const roleShort = roleName.split('/').pop()!;
    const path = roleName.startsWith('AWSReservedSSO_') ? 'aws-reserved/sso.amazonaws.com/' : '';
    const roleArn = `arn:aws:iam::${account}:role/${path}${roleName}`;
    const arn = `arn:aws:sts::${account}:assumed-role/${roleShort}/${sessionName}`;
    const identity: Record<string, unknown> = {
      type: 'AssumedRole',
      principalId: `${roleId}:${sessionName}`,
      arn,
      accountId: account,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: roleArn,
          accountId: account,
          userName: roleShort,
        },
        attributes: {
          creationDate: new Date(this.start).toISOString().slice(0, 19) + 'Z',
          mfaAuthenticated: 'false',
        },
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
    };
    return {
      identity,
      roleArn,
      arn,
      assumedRoleUser: { assumedRoleId: `${roleId}:${sessionName}`, arn },
    };
  }

  private assumeRole(
    parent: ChainNode,
    account: string,
    roleName: string,
    sessionName: string,
    sourceIdentity?: string,
    withheld = false,
  ): ChainNode {
    const key = this.key();
    const s = this.roleSession(account, roleName, sessionName, key, sourceIdentity);
    const rec = this.issuingRecord(
      parent,
      'AssumeRole',
      (parent.principal.identity.accountId as string | undefined) ?? account,
      {
        roleArn: s.roleArn,
        roleSessionName: sessionName,
        durationSeconds: 3600,
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
      {
        credentials: this.credentials(key),
        assumedRoleUser: s.assumedRoleUser,
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
    );
    rec.resources = [{ accountId: account, type: 'AWS::IAM::Role', ARN: s.roleArn }];
    return this.session(s.identity, parent, rec, s.arn, withheld);
  }

  /** A SAML subject, a web identity or an Identity Center user, and the role session they are issued. */
  private federated(
    kind: 'SAML' | 'WebIdentity' | 'IdentityCenter',
    account: string,
    roleName: string,
    subject: string,
    issuer: string,
    sourceIdentity?: string,
  ): ChainNode {
    const r = this.r;
    const key = this.key();
    const sessionName = kind === 'WebIdentity' ? `gha-${r.hex(8)}` : subject;
    const s = this.roleSession(account, roleName, sessionName, key, sourceIdentity);
    let startIdentity: Record<string, unknown>;
    let start: TrueOrigin;
    let rec: Record<string, unknown>;
    if (kind === 'WebIdentity') {
      startIdentity = {
        type: 'WebIdentityUser',
        principalId: `${issuer}:sts.amazonaws.com:${subject}`,
        userName: subject,
        identityProvider: issuer,
      };
      start = {
        arn: outsideIdentityArn('WebIdentityUser', issuer, subject),
        type: 'WebIdentityUser',
        name: subject,
        issuer,
        hops: [],
        complete: true,
      };
      const startNode: ChainNode = {
        principal: this.principal(
          startIdentity,
          `${r.int(3, 54)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
        ),
        written: true,
        origin: start,
      };
      this.trueOrigins[`WebIdentityUser:${startIdentity.principalId}`] = start;
      rec = this.issuingRecord(
        startNode,
        'AssumeRoleWithWebIdentity',
        account,
        { roleArn: s.roleArn, roleSessionName: sessionName, durationSeconds: 3600 },
        {
          credentials: this.credentials(key),
          assumedRoleUser: s.assumedRoleUser,
          subjectFromWebIdentityToken: subject,
          provider: `arn:aws:iam::${account}:oidc-provider/${issuer}`,
          audience: 'sts.amazonaws.com',
        },
      );
      return this.session(s.identity, startNode, rec, s.arn);
    }
    const qualifier = r.chars(27, UPPER_DIGITS) + '=';
    const provider =
      kind === 'IdentityCenter'
        ? `arn:aws:iam::${account}:saml-provider/AWSSSO_${r.hex(16)}_DO_NOT_DELETE`
        : `arn:aws:iam::${account}:saml-provider/CorpIdP`;
    startIdentity = {
      type: 'SAMLUser',
      principalId: `${qualifier}:${subject}`,
      userName: subject,
      identityProvider: kind === 'IdentityCenter' ? provider : qualifier,
    };
    start = {
      arn: outsideIdentityArn(
        kind === 'IdentityCenter' ? 'IdentityCenterUser' : 'SAMLUser',
        issuer,
        subject,
      ),
      type: kind === 'IdentityCenter' ? 'IdentityCenterUser' : 'SAMLUser',
      name: subject,
      issuer,
      hops: [],
      complete: true,
    };
    const startNode: ChainNode = {
      principal: this.principal(startIdentity, `203.0.113.${r.int(2, 250)}`),
      written: true,
      origin: start,
    };
    this.trueOrigins[`SAMLUser:${startIdentity.principalId}`] = start;
    rec = this.issuingRecord(
      startNode,
      'AssumeRoleWithSAML',
      account,
      {
        roleArn: s.roleArn,
        principalArn: provider,
        durationSeconds: 3600,
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
      {
        credentials: this.credentials(key),
        assumedRoleUser: s.assumedRoleUser,
        subject,
        subjectType: 'persistent',
        issuer,
        audience: 'https://signin.aws.amazon.com/saml',
        nameQualifier: qualifier,
        ...(sourceIdentity ? { sourceIdentity } : {}),
      },
    );
    return this.session(s.identity, startNode, rec, s.arn);
  }

  private sessionToken(parent: ChainNode): ChainNode {
    const key = this.key();
    const id = parent.principal.identity;
    const identity = {
      ...id,
      accessKeyId: key,
      sessionContext: {
        attributes: {
          creationDate: new Date(this.start).toISOString().slice(0, 19) + 'Z',
          mfaAuthenticated: 'true',
        },
      },
    };
    const rec = this.issuingRecord(
      parent,
      'GetSessionToken',
      id.accountId as string,
      { durationSeconds: 43200, serialNumber: `arn:aws:iam::${id.accountId}:mfa/${id.userName}` },
      { credentials: this.credentials(key) },
    );
    return this.session(identity, parent, rec, id.arn as string);
  }

  private federationToken(parent: ChainNode, name: string): ChainNode {
    const key = this.key();
    const id = parent.principal.identity;
    const account = id.accountId as string;
    const arn = `arn:aws:sts::${account}:federated-user/${name}`;
    const identity = {
      type: 'FederatedUser',
      principalId: `${account}:${name}`,
      arn,
      accountId: account,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: 'IAMUser',
          principalId: id.principalId,
          arn: id.arn,
          accountId: account,
          userName: id.userName,
        },
        attributes: {
          creationDate: new Date(this.start).toISOString().slice(0, 19) + 'Z',
          mfaAuthenticated: 'false',
        },
      },
    };
    const rec = this.issuingRecord(
      parent,
      'GetFederationToken',
      account,
      { name, durationSeconds: 3600 },
      {
        credentials: this.credentials(key),
        federatedUser: { federatedUserId: `${account}:${name}`, arn },
        packedPolicySize: 6,
      },
    );
    return this.session(identity, parent, rec, arn);
  }

  private assumeRoot(parent: ChainNode, member: string): ChainNode {
    const key = this.key();
    const arn = `arn:aws:iam::${member}:root`;
    const identity = {
      type: 'Root',
      principalId: member,
      arn,
      accountId: member,
      accessKeyId: key,
      sessionContext: {
        attributes: {
          creationDate: new Date(this.start).toISOString().slice(0, 19) + 'Z',
          mfaAuthenticated: 'false',
        },
        assumedRoot: 'true',
      },
    };
    const rec = this.issuingRecord(
      parent,
      'AssumeRoot',
      parent.principal.identity.accountId as string,
      {
        targetPrincipal: member,
        taskPolicyArn: { arn: 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' },
      },
      { credentials: this.credentials(key) },
    );
    return this.session(identity, parent, rec, arn);
  }
}

/** The origins of the generator's background principals (identities.ts): none of their sessions' issuing events is written. */
export function backgroundOrigins(
  principals: readonly Principal[],
  out: Record<string, TrueOrigin>,
): void {
  for (const p of principals) {
    const id = p.identity;
    const arn = id.arn as string | undefined;
    const key = id.accessKeyId as string | undefined;
    let origin: TrueOrigin;
    let keyless: TrueOrigin | undefined;
    switch (p.type) {
      case 'IAMUser':
        origin = {
          arn: arn!,
          type: 'IAMUser',
          name: id.userName as string,
          hops: [],
          complete: true,
        };
        keyless = origin;
        break;
      case 'Root':
        origin = { arn: arn!, type: 'Root', name: 'root', hops: [], complete: true };
        keyless = origin;
        break;
      case 'AssumedRole':
        origin = {
          arn: arn!,
          type: 'AssumedRole',
          name: sessionLabel(arn!),
          hops: [],
          complete: false,
          missingKey: key,
        };
        // Console sign-ins are logged without the key: the chain cannot even start.
        keyless = {
          arn: arn!,
          type: 'AssumedRole',
          name: sessionLabel(arn!),
          hops: [],
          complete: false,
        };
        break;
      case 'FederatedUser': {
        const issuer = (id.sessionContext as { sessionIssuer: { arn: string; userName: string } })
          .sessionIssuer;
        origin = {
          arn: issuer.arn,
          type: 'IAMUser',
          name: issuer.userName,
          hops: [],
          complete: true,
        };
        break;
      }
      case 'AWSService':
        out[`service:${id.invokedBy}`] = {
          arn: id.invokedBy as string,
          type: 'AWSService',
          name: id.invokedBy as string,
          hops: [],
          complete: true,
        };
        continue;
      default:
        continue;
    }
    if (key) out[key] = origin;
    if (keyless && arn) out[`arn:${arn}`] = keyless;
  }
}

function sessionLabel(arn: string): string {
  const parts = arn.split(':').slice(5).join(':').split('/');
  return parts[0] === 'assumed-role' && parts.length >= 3
    ? `${parts[parts.length - 2]}/${parts[parts.length - 1]}`
    : parts[parts.length - 1];
}
