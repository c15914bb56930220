// Running a statement on CloudTrail Lake: StartQuery, then GetQueryResults polled with backoff
// until the query has FINISHED (progress: state and bytes scanned), then its pages. Cancelling
// (the signal) calls CancelQuery.
import {
  CancelQueryCommand,
  CloudTrailClient,
  GetQueryResultsCommand,
  GetQueryResultsCommandOutput,
  StartQueryCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  AthenaSettings,
  ClientOptions,
  QueryProgress,
  ResultPage,
  abortableSleep,
  awsClientConfig,
} from './athena';
import { AwsCallContext, AwsQueryError, awsQueryError, PageTokens } from './awsErrors';
import { redactSecrets } from '../redact';

/** CloudTrail Lake's published query price: $0.005 per GB scanned. */
export const LAKE_USD_PER_GB = 0.005;

export type LakeSettings = Pick<AthenaSettings, 'region' | 'profile' | 'endpoint'> & {
  eventDataStore?: string;
};

export class LakeRunner {
  private readonly client: CloudTrailClient;
  private readonly ctx: AwsCallContext;

  constructor(
    readonly settings: LakeSettings,
    private readonly options: ClientOptions = {},
  ) {
    this.client = new CloudTrailClient(awsClientConfig(settings, options));
    this.ctx = {
      service: 'CloudTrail Lake',
      profile: settings.profile,
      endpoint: settings.endpoint,
      actions: ['cloudtrail:StartQuery', 'cloudtrail:GetQueryResults', 'cloudtrail:CancelQuery'],
    };
  }

  dispose(): void {
    this.client.destroy();
  }

  /** Starts `sql`, waits until it has finished, then yields its rows page by page. */
  async *query(
    sql: string,
    opts: { signal?: AbortSignal; onProgress?: (p: QueryProgress) => void } = {},
  ): AsyncGenerator<ResultPage> {
    const started = Date.now();
    let id: string;
    try {
      id =
        (
          await this.client.send(new StartQueryCommand({ QueryStatement: sql }), {
            abortSignal: opts.signal,
          })
        ).QueryId ?? '';
    } catch (e) {
      throw awsQueryError(e, this.ctx);
    }
    let delay = this.options.firstPollMs ?? 250;
    let token: string | undefined;
    let first: GetQueryResultsCommandOutput | undefined;
    for (;;) {
      if (opts.signal?.aborted) {
        await this.client.send(new CancelQueryCommand({ QueryId: id })).catch(() => undefined);
        throw new AwsQueryError(
          'cancelled',
          'CloudTrail Lake: the query was cancelled (CancelQuery sent).',
        );
      }
      let out: GetQueryResultsCommandOutput;
      try {
        out = await this.client.send(
          new GetQueryResultsCommand({ QueryId: id, MaxQueryResults: 1000 }),
        );
      } catch (e) {
        throw awsQueryError(e, this.ctx);
      }
      const state = out.QueryStatus ?? 'UNKNOWN';
      const scannedBytes = out.QueryStatistics?.BytesScanned ?? 0;
      opts.onProgress?.({
        state,
        scannedBytes,
        estimatedCostUsd: (scannedBytes / 1e9) * LAKE_USD_PER_GB,
        elapsedMs: Date.now() - started,
      });
      if (state === 'FINISHED') {
        first = out;
        break;
      }
      if (state === 'FAILED' || state === 'TIMED_OUT')
        throw new AwsQueryError(
          'failed',
          `CloudTrail Lake: the query ${state === 'TIMED_OUT' ? 'timed out' : 'failed'}: ${redactSecrets(out.ErrorMessage ?? 'no reason given')}`,
        );
      if (state === 'CANCELLED')
        throw new AwsQueryError('cancelled', 'CloudTrail Lake: the query was cancelled.');
      await abortableSleep(delay, opts.signal);
      delay = Math.min(this.options.maxPollMs ?? 2000, Math.round(delay * 1.5));
    }
    let out: GetQueryResultsCommandOutput = first;
    const tokens = new PageTokens('CloudTrail Lake');
    for (let pages = 1; ; pages++) {
      yield lakePage(out.QueryResultRows ?? []);
      token = out.NextToken;
      if (!token) return;
      const repeated = tokens.repeated(token, pages);
      if (repeated) throw new AwsQueryError('failed', repeated);
      if (opts.signal?.aborted)
        throw new AwsQueryError('cancelled', 'CloudTrail Lake: reading the results was cancelled.');
      try {
        out = await this.client.send(
          new GetQueryResultsCommand({ QueryId: id, NextToken: token, MaxQueryResults: 1000 }),
          { abortSignal: opts.signal },
        );
      } catch (e) {
        throw awsQueryError(e, this.ctx);
      }
    }
  }
}

/**
 * A page of Lake's rows, each a list of one-entry maps (column name → value), as columns and
 * rows: each value goes under its own name, so a row that leaves a cell out or orders its cells
 * differently from the first row cannot shift its values into other columns.
 */
export function lakePage(rows: ReadonlyArray<ReadonlyArray<Record<string, string>>>): ResultPage {
  const columns: string[] = [];
  const at = new Map<string, number>();
  for (const row of rows)
    for (const cell of row)
      for (const name of Object.keys(cell)) if (!at.has(name)) at.set(name, columns.push(name) - 1);
  return {
    columns,
    rows: rows.map((row) => {
      const values: Array<string | null> = columns.map(() => null);
      for (const cell of row)
        for (const [name, value] of Object.entries(cell)) values[at.get(name)!] = value ?? null;
      return values;
    }),
  };
}
