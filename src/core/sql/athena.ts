// Running a statement on Amazon Athena: StartQueryExecution, then GetQueryExecution polled with
// backoff (state, data scanned and its cost reported as it goes), GetQueryResults page by page.
// Cancelling (the signal) calls StopQueryExecution. Failures read as sentences (awsErrors.ts);
// a query that names a missing table says which, so the caller can offer the DDL.
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import { AwsCallContext, AwsQueryError, awsQueryError, PageTokens } from './awsErrors';
import { redactSecrets } from '../redact';
import { formatBytes } from '../output/bytes';

export interface AthenaSettings {
  workgroup?: string;
  database?: string;
  /** Data catalog (default AwsDataCatalog). */
  catalog?: string;
  /** s3://… for results, when the workgroup does not set one. */
  outputLocation?: string;
  region?: string;
  profile?: string;
  /** Another endpoint (tests; a VPC endpoint). */
  endpoint?: string;
}

export interface ClientOptions {
  credentials?: AwsCredentialIdentity;
  maxAttempts?: number;
  /** First poll delay in ms (then × 1.5 up to maxPollMs). */
  firstPollMs?: number;
  maxPollMs?: number;
}

/** What a running query has done so far. */
export interface QueryProgress {
  state: string;
  scannedBytes: number;
  /** US dollars at the published price for the scanned bytes. */
  estimatedCostUsd: number;
  elapsedMs: number;
}

/** Athena's published on-demand price: $5.00 per TB scanned, at least 10 MB per query. */
export const ATHENA_USD_PER_TB = 5;
const MIN_BILLED_BYTES = 10 * 1024 * 1024;

export function athenaCost(scannedBytes: number): number {
  if (scannedBytes <= 0) return 0;
  const billed = Math.max(MIN_BILLED_BYTES, Math.ceil(scannedBytes / (1024 * 1024)) * 1024 * 1024);
  return (billed / 1e12) * ATHENA_USD_PER_TB;
}

export function formatProgress(p: QueryProgress): string {
  return `${p.state.toLowerCase()}, ${formatBytes(p.scannedBytes)} scanned, about $${p.estimatedCostUsd.toFixed(p.estimatedCostUsd < 0.01 ? 4 : 2)} (${(p.elapsedMs / 1000).toFixed(1)} s)`;
}

/** An SDK client's config: the region, the credential chain (or given credentials), retries, an endpoint. */
export function awsClientConfig(
  settings: Pick<AthenaSettings, 'region' | 'profile' | 'endpoint'>,
  options: Pick<ClientOptions, 'credentials' | 'maxAttempts'>,
) {
  return {
    region: settings.region,
    credentials:
      options.credentials ??
      fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {}),
    maxAttempts: options.maxAttempts ?? 5,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  };
}

export interface ResultPage {
  columns: string[];
  rows: Array<Array<string | null>>;
}

export class AthenaRunner {
  private readonly client: AthenaClient;
  private readonly ctx: AwsCallContext;

  constructor(
    readonly settings: AthenaSettings,
    private readonly options: ClientOptions = {},
  ) {
    this.client = new AthenaClient(awsClientConfig(settings, options));
    this.ctx = {
      service: 'Athena',
      profile: settings.profile,
      endpoint: settings.endpoint,
      actions: [
        'athena:StartQueryExecution',
        'athena:GetQueryExecution',
        'athena:GetQueryResults',
        'glue:GetTable',
        's3:GetObject on the trail bucket',
        's3:PutObject on the output location',
      ],
    };
  }

  dispose(): void {
    this.client.destroy();
  }

  /** Starts `sql` and waits for it to succeed; returns its execution ID. */
  async run(
    sql: string,
    opts: { signal?: AbortSignal; onProgress?: (p: QueryProgress) => void } = {},
  ): Promise<{ id: string; progress: QueryProgress }> {
    const s = this.settings;
    const started = Date.now();
    let id: string;
    try {
      const out = await this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: s.workgroup || undefined,
          QueryExecutionContext:
            s.database || s.catalog
              ? { Database: s.database || undefined, Catalog: s.catalog || undefined }
              : undefined,
          ResultConfiguration: s.outputLocation ? { OutputLocation: s.outputLocation } : undefined,
        }),
        { abortSignal: opts.signal },
      );
      id = out.QueryExecutionId ?? '';
    } catch (e) {
      throw awsQueryError(e, this.ctx);
    }
    let delay = this.options.firstPollMs ?? 250;
    for (;;) {
      if (opts.signal?.aborted) {
        await this.stop(id);
        throw new AwsQueryError(
          'cancelled',
          'Athena: the query was cancelled (StopQueryExecution sent).',
        );
      }
      let execution;
      try {
        execution = (await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })))
          .QueryExecution;
      } catch (e) {
        throw awsQueryError(e, this.ctx);
      }
      const state = execution?.Status?.State ?? 'UNKNOWN';
      const scannedBytes = execution?.Statistics?.DataScannedInBytes ?? 0;
      const progress = {
        state,
        scannedBytes,
        estimatedCostUsd: athenaCost(scannedBytes),
        elapsedMs: Date.now() - started,
      };
      opts.onProgress?.(progress);
      if (state === 'SUCCEEDED') return { id, progress };
      if (state === 'FAILED')
        throw failedQuery(
          execution?.Status?.StateChangeReason ??
            execution?.Status?.AthenaError?.ErrorMessage ??
            'no reason given',
        );
      if (state === 'CANCELLED')
        throw new AwsQueryError('cancelled', 'Athena: the query was cancelled.');
      await sleep(delay, opts.signal);
      delay = Math.min(this.options.maxPollMs ?? 2000, Math.round(delay * 1.5));
    }
  }

  /** The result rows, a page at a time (Athena's first row, the column names, is left out). */
  async *results(id: string, signal?: AbortSignal): AsyncGenerator<ResultPage> {
    let token: string | undefined;
    let columns: string[] | undefined;
    const tokens = new PageTokens('Athena');
    let pages = 0;
    do {
      if (signal?.aborted)
        throw new AwsQueryError('cancelled', 'Athena: reading the results was cancelled.');
      let out;
      try {
        out = await this.client.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }),
          { abortSignal: signal },
        );
      } catch (e) {
        throw awsQueryError(e, this.ctx);
      }
      const names = (out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
      let rows = (out.ResultSet?.Rows ?? []).map((r) =>
        (r.Data ?? []).map((d) => d.VarCharValue ?? null),
      );
      if (!columns) {
        columns = names;
        // The first row of the first page repeats the column names.
        if (rows.length && rows[0].every((v, i) => v === names[i])) rows = rows.slice(1);
      }
      yield { columns, rows };
      token = out.NextToken;
      const repeated = token && tokens.repeated(token, ++pages);
      if (repeated) throw new AwsQueryError('failed', repeated);
    } while (token);
  }

  private async stop(id: string): Promise<void> {
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch {
      // The query may have finished meanwhile; the cancel is reported either way.
    }
  }
}

function failedQuery(reason: string): AwsQueryError {
  const text = redactSecrets(reason);
  const missing =
    /TABLE_NOT_FOUND[^']*'(?:[^'.]+\.)?([^']+)'|Table '?([A-Za-z0-9_.]+)'? (?:does not exist|not found)/i.exec(
      text,
    );
  if (missing) {
    const table = (missing[1] ?? missing[2]).replace(/^[^.]+\.(?=[^.]+\.)/, '');
    return new AwsQueryError(
      'table-missing',
      `Athena: the table ${table} does not exist. Create it with the DDL for the trail's bucket ("cloudtrail-lens athena-ddl s3://bucket/prefix", or "Athena Table DDL" on the bucket in the explorer).`,
      table,
    );
  }
  return new AwsQueryError('failed', `Athena: the query failed: ${text}`);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export { sleep as abortableSleep };
