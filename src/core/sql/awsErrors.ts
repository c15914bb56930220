// AWS SDK failures of the query services (Athena, CloudTrail Lake, LookupEvents) as plain
// sentences: what was refused, by which service, with which identity, and what to do. Built from
// the error's name and the service's message only: never from request headers or credentials.
import { redactSecrets, serviceErrorName } from '../redact';
import { NETWORK_ERROR_CODES } from '../networkErrors';

export interface AwsCallContext {
  /** "Athena", "CloudTrail Lake", "Event history". */
  service: string;
  profile?: string;
  endpoint?: string;
  /** The IAM actions the call needs, for access-denied advice. */
  actions: string[];
}

/** A failure the user can act on; `code` keeps the kind for callers that branch on it. */
export class AwsQueryError extends Error {
  override readonly name = 'AwsQueryError';
  constructor(
    readonly code:
      | 'access-denied'
      | 'throttled'
      | 'credentials'
      | 'network'
      | 'failed'
      | 'table-missing'
      | 'cancelled'
      | 'invalid',
    message: string,
    /** For table-missing: the table the query named. */
    readonly table?: string,
  ) {
    super(message);
  }
}

export function awsQueryError(e: unknown, ctx: AwsCallContext): AwsQueryError {
  if (e instanceof AwsQueryError) return e;
  const err = e as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: { code?: string };
  };
  // The name comes from the reply's error type, which the endpoint chooses (serviceErrorName).
  const name = serviceErrorName(e);
  const status = err?.$metadata?.httpStatusCode;
  const message = redactSecrets(err?.message ?? String(e));
  const who = ctx.profile ? `profile "${ctx.profile}"` : 'the default credentials';
  if (name === 'AbortError') return new AwsQueryError('cancelled', `${ctx.service}: cancelled`);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new AwsQueryError(
      'credentials',
      `${ctx.service}: no AWS credentials found for ${who} (set a profile, AWS_PROFILE, or run "aws configure" / "aws sso login").`,
    );
  }
  if (
    /sso/i.test(name) ||
    name === 'UnauthorizedException' ||
    /sso (session|token)|sso login/i.test(message)
  ) {
    return new AwsQueryError(
      'credentials',
      `${ctx.service}: the IAM Identity Center (SSO) session of ${who} has expired; run "aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''}" and try again.`,
    );
  }
  if (
    name === 'ExpiredTokenException' ||
    name === 'ExpiredToken' ||
    name === 'UnrecognizedClientException' ||
    name === 'InvalidSignatureException'
  ) {
    return new AwsQueryError(
      'credentials',
      `${ctx.service}: the credentials of ${who} are not accepted (${name}); renew them and try again.`,
    );
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || status === 403) {
    return new AwsQueryError(
      'access-denied',
      `${ctx.service} refused the request for ${who}: access denied. The identity needs ${ctx.actions.join(', ')}. (${message})`,
    );
  }
  if (
    name === 'ThrottlingException' ||
    name === 'TooManyRequestsException' ||
    name === 'Throttling' ||
    status === 429
  ) {
    return new AwsQueryError(
      'throttled',
      `${ctx.service} is throttling requests (still after retries with backoff); wait a moment and try again.`,
    );
  }
  const code = err?.code ?? err?.cause?.code;
  if (
    (code && NETWORK_ERROR_CODES.has(code)) ||
    name === 'TimeoutError' ||
    /socket hang up|ECONNREFUSED|ECONNRESET|ENOTFOUND/i.test(message)
  ) {
    return new AwsQueryError(
      'network',
      `${ctx.service}: cannot reach the service${ctx.endpoint ? ` at ${redactSecrets(ctx.endpoint)}` : ''} (${code ?? name}); check the network connection and try again.`,
    );
  }
  return new AwsQueryError(
    'invalid',
    `${ctx.service} did not accept the request: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`,
  );
}

/**
 * The NextTokens followed while paging one result. A service (or an endpoint standing in for
 * it) that hands back a token it gave before would have the same pages read forever, each
 * adding its rows again: the reader stops there with this message instead.
 */
export class PageTokens {
  private readonly seen = new Set<string>();

  constructor(private readonly service: string) {}

  /** Why `token`, met after `pagesRead` pages, must not be followed (it came back), or undefined. */
  repeated(token: string, pagesRead: number): string | undefined {
    if (!this.seen.has(token)) {
      this.seen.add(token);
      return undefined;
    }
    return `${this.service}: the results repeat themselves (a NextToken came back a second time after ${pagesRead} page${pagesRead === 1 ? '' : 's'}); reading stopped there instead of reading the same pages forever.`;
  }
}
