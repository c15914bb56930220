// CloudTrail Event history (the LookupEvents API: 90 days of management events per region, no
// trail needed) as a LogSource. Each region is a folder; each page LookupEvents returns becomes
// one object `<region>/lookup-events-<n>.json` in the `aws cloudtrail lookup-events` output
// shape, which ingest already reads. Pages are fetched while the listing is walked, so a
// timeline fills as they arrive.
//
// The API's limits are kept: one lookup attribute per call (the narrowest one the filter
// allows, chosen by lookupForQuery; the whole filter still runs locally on what comes back), and
// at most 2 requests per second per region, slowing down further when throttled.
import {
  CloudTrailClient,
  LookupEventsCommand,
  LookupEventsCommandOutput,
  type LookupAttributeKey,
} from '@aws-sdk/client-cloudtrail';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { QueryNode } from '../query/ast';
import { formatEventTime } from '../time';
import { awsClientConfig } from '../sql/athena';
import { awsQueryError, PageTokens } from '../sql/awsErrors';
import { LogSource, ReadOptions, SourceEntry, SourceError, SourceObject } from './source';

export interface EventHistoryLocation {
  profile?: string;
  regions: string[];
  endpoint?: string;
}

export interface EventHistoryLookup {
  attribute: LookupAttributeKey;
  value: string;
  /** What the API does with the value that a reader of the filter would not expect. */
  note?: string;
}

export interface EventHistoryOptions {
  credentials?: AwsCredentialIdentity;
  maxAttempts?: number;
  /** Least time between two requests to one region (ms); the API allows 2 per second. */
  minIntervalMs?: number;
  /** The attribute sent to the API (see lookupForQuery). */
  lookup?: EventHistoryLookup;
  /** Half-open time range in ms (the API keeps 90 days). */
  range?: { from: number; to: number } | null;
  /** A client per region, instead of building them (tests). */
  clientFor?: (region: string) => CloudTrailClient;
}

/** LookupEvents returns at most 50 events a page. */
const PAGE_SIZE = 50;

/**
 * Paces requests to one region: `minIntervalMs` apart, doubled (up to 8 s) after a throttle and
 * eased back after each success.
 */
export class RegionPacer {
  private next = 0;
  private interval: number;

  constructor(private readonly minIntervalMs: number) {
    this.interval = minIntervalMs;
  }

  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.next - Date.now();
    this.next = Math.max(Date.now(), this.next) + this.interval;
    if (delay > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    // A timer that fires late (a busy thread) sends late: the next request keeps its distance
    // from this one as sent, not as planned, or the two go out closer than the API allows.
    this.next = Math.max(this.next, Date.now() + this.interval);
  }

  throttled(): void {
    this.interval = Math.min(8000, this.interval * 2);
  }

  succeeded(): void {
    this.interval = Math.max(this.minIntervalMs, Math.round(this.interval * 0.75));
  }
}

export class EventHistorySource implements LogSource {
  readonly type = 'event-history';
  /** LookupEvents calls sent, per region (tests, diagnostics). */
  readonly requests = new Map<string, number>();
  private readonly clients = new Map<string, CloudTrailClient>();
  private readonly pacers = new Map<string, RegionPacer>();
  private readonly pages = new Map<string, Uint8Array>();
  /** Every region's pages once fully listed (a second listing reads them again from memory). */
  private readonly listed = new Map<string, SourceObject[]>();

  constructor(
    readonly location: EventHistoryLocation,
    private readonly options: EventHistoryOptions = {},
  ) {
    if (location.regions.length === 0) throw new Error('Event history needs at least one region');
  }

  get label(): string {
    const lookup = this.options.lookup
      ? ` (${this.options.lookup.attribute}=${this.options.lookup.value})`
      : '';
    return `Event history${this.location.profile ? ` (profile ${this.location.profile})` : ''}: ${this.location.regions.join(', ')}${lookup}`;
  }

  /**
   * What a timeline of this source holds, which is less than Event history itself: the events
   * LookupEvents returned for one attribute (if any) over one time window. A filter or range
   * changed later searches only these (a wider one finds nothing more), so the view says so.
   */
  get holds(): string {
    const { lookup, range } = this.options;
    const what = lookup ? `the events with ${lookup.attribute} = ${lookup.value}` : 'the events';
    const when = range
      ? `from ${formatEventTime(range.from)} to ${formatEventTime(range.to)}`
      : 'of the last 90 days';
    return `This timeline holds only ${what} that Event history (LookupEvents) returned ${when}: filters and time ranges here search those events alone. Open the timeline on Event history again to look up others.${lookup?.note ? ` ${lookup.note}` : ''}`;
  }

  dispose(): void {
    for (const c of this.clients.values()) c.destroy();
  }

  async listLevel(prefix: string, signal?: AbortSignal): Promise<SourceEntry[]> {
    if (prefix === '')
      return this.location.regions.map((r) => ({ kind: 'prefix', prefix: `${r}/` }));
    const out: SourceEntry[] = [];
    for await (const o of this.listAll(prefix, signal)) out.push(o);
    return out;
  }

  async *listAll(
    prefix: string,
    signal?: AbortSignal,
    onProblem?: (problem: SourceError) => void,
  ): AsyncIterable<SourceObject> {
    for (const region of this.location.regions) {
      if (prefix !== '' && !`${region}/`.startsWith(prefix) && !prefix.startsWith(`${region}/`))
        continue;
      try {
        yield* this.listRegion(region, signal);
      } catch (e) {
        // A region that fails (not enabled, denied by a policy, unreachable) is reported, and
        // the other regions still load.
        if (!(e instanceof SourceError) || !onProblem || signal?.aborted) throw e;
        onProblem(e);
      }
    }
  }

  private async *listRegion(region: string, signal?: AbortSignal): AsyncIterable<SourceObject> {
    const done = this.listed.get(region);
    if (done) {
      yield* done;
      return;
    }
    const objects: SourceObject[] = [];
    let token: string | undefined;
    let page = 0;
    const tokens = new PageTokens(`Event history (${region})`);
    do {
      if (signal?.aborted) return;
      const out = await this.lookupPage(region, token, signal);
      if (!out) return;
      page++;
      const key = `${region}/lookup-events-${String(page).padStart(5, '0')}.json`;
      const bytes = new TextEncoder().encode(JSON.stringify({ Events: out.Events ?? [] }));
      this.pages.set(key, bytes);
      const object: SourceObject = {
        kind: 'object',
        key,
        size: bytes.length,
        etag: `${key}:${bytes.length}`,
      };
      objects.push(object);
      yield object;
      token = out.NextToken;
      const repeated = token && tokens.repeated(token, page);
      if (repeated) throw new SourceError('loop', region, repeated);
    } while (token);
    this.listed.set(region, objects);
  }

  async read(key: string, options?: ReadOptions): Promise<Uint8Array> {
    const bytes = this.pages.get(key);
    if (!bytes)
      throw new SourceError(
        'not-found',
        key,
        `${this.label}: ${key} is not a page of this lookup (list the region first)`,
      );
    if (options?.maxBytes !== undefined && bytes.length > options.maxBytes)
      throw new SourceError('too-large', key, `${key}: larger than the limit`);
    // A copy: the caller may hand it to a worker, which takes (detaches) its buffer, and the
    // page is read again for its records.
    return bytes.slice();
  }

  private async lookupPage(
    region: string,
    token: string | undefined,
    signal?: AbortSignal,
  ): Promise<LookupEventsCommandOutput | undefined> {
    const pacer = this.pacers.get(region) ?? new RegionPacer(this.options.minIntervalMs ?? 500);
    this.pacers.set(region, pacer);
    const { lookup, range } = this.options;
    for (let attempt = 0; ; attempt++) {
      await pacer.wait(signal);
      if (signal?.aborted) return undefined;
      this.requests.set(region, (this.requests.get(region) ?? 0) + 1);
      try {
        const out = await this.client(region).send(
          new LookupEventsCommand({
            LookupAttributes: lookup
              ? [{ AttributeKey: lookup.attribute, AttributeValue: lookup.value }]
              : undefined,
            StartTime: range ? new Date(range.from) : undefined,
            EndTime: range ? new Date(range.to - 1) : undefined,
            MaxResults: PAGE_SIZE,
            NextToken: token,
          }),
          { abortSignal: signal },
        );
        pacer.succeeded();
        return out;
      } catch (e) {
        const name = (e as { name?: string }).name;
        if (
          (name === 'ThrottlingException' || name === 'TooManyRequestsException') &&
          attempt < 5
        ) {
          pacer.throttled();
          continue;
        }
        if (signal?.aborted) return undefined;
        const err = awsQueryError(e, {
          service: `Event history (${region})`,
          profile: this.location.profile,
          endpoint: this.location.endpoint,
          actions: ['cloudtrail:LookupEvents'],
        });
        throw new SourceError(
          err.code === 'access-denied' || err.code === 'credentials' ? 'access-denied' : 'network',
          region,
          err.message,
        );
      }
    }
  }

  private client(region: string): CloudTrailClient {
    let client = this.clients.get(region);
    if (!client) {
      client =
        this.options.clientFor?.(region) ??
        // Throttling is paced here (RegionPacer): the SDK's own retries would not slow down.
        new CloudTrailClient(
          awsClientConfig(
            { ...this.location, region },
            { credentials: this.options.credentials, maxAttempts: this.options.maxAttempts ?? 1 },
          ),
        );
      this.clients.set(region, client);
    }
    return client;
  }
}

/** Query paths LookupEvents can filter on, narrowest first, with the spelling the API stores. */
const LOOKUP_ATTRIBUTES: ReadonlyArray<{
  path: string;
  attribute: LookupAttributeKey;
  spelling: (v: string) => string;
}> = [
  { path: 'eventID', attribute: 'EventId', spelling: (v) => v.toLowerCase() },
  { path: 'userIdentity.accessKeyId', attribute: 'AccessKeyId', spelling: (v) => v.toUpperCase() },
  { path: 'eventName', attribute: 'EventName', spelling: (v) => v },
  { path: 'eventSource', attribute: 'EventSource', spelling: (v) => v.toLowerCase() },
  { path: 'readOnly', attribute: 'ReadOnly', spelling: (v) => v.toLowerCase() },
];

/**
 * The narrowest lookup attribute a query allows: an exact term on a field LookupEvents can look
 * up, that every matching event must satisfy (the query itself, or a term ANDed at its top
 * level). undefined when none: every event of the range is fetched. The API compares exactly,
 * while the query language ignores case: `note` says when that can leave events out.
 */
export function lookupForQuery(
  query: QueryNode,
): (EventHistoryLookup & { note?: string }) | undefined {
  const required = query.kind === 'and' ? query.children : [query];
  for (const candidate of LOOKUP_ATTRIBUTES) {
    for (const n of required) {
      if (
        n.kind !== 'term' ||
        n.match.op !== 'eq' ||
        n.fields.length !== 1 ||
        n.fields[0] !== candidate.path
      )
        continue;
      const value = candidate.spelling(n.match.value);
      const note =
        candidate.attribute === 'EventName'
          ? `Event history matches event names exactly: "${value}" must be spelled as CloudTrail writes it (e.g. ConsoleLogin).`
          : undefined;
      return { attribute: candidate.attribute, value, note };
    }
  }
  return undefined;
}
