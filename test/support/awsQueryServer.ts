// A loopback stand-in for Amazon Athena and AWS CloudTrail (Lake queries and LookupEvents) that
// the real SDK clients talk to (the AWS JSON 1.1 protocol: POST / with X-Amz-Target), executing
// the SQL they send on DuckDB over a CloudTrail bucket folder (the same files the S3 test server
// serves). Bind: 127.0.0.1 only. Stop it in `after`.
//
// The tables are DuckDB views built from src/core/sql/schema.ts, so they have the documented
// column names and types:
// - the Athena CloudTrail table (lower-case names, useridentity/resources as structs/arrays,
//   requestparameters & co. as JSON text, every scalar text) with "$path" (s3://bucket/key) and
//   the partition columns account, region and timestamp (yyyy/MM/dd) the DDL projects;
// - a CloudTrail Lake event data store (eventTime a timestamp, readOnly a boolean,
//   requestParameters & co. map<varchar,varchar> with nested values as JSON text).
//
// The only translation of the SQL is TRINO_MACROS below: Trino functions DuckDB lacks or names
// differently, defined as DuckDB macros. (Lake's `FROM <event data store ID>` is Lake's own name
// resolution: the server quotes the ID it serves, as the service looks it up.)
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ATHENA_COLUMNS, LAKE_COLUMNS, SqlColumn, SqlType } from '../../src/core/sql/schema';

/** Trino function → DuckDB macro: the documented, complete list of translations. */
export const TRINO_MACROS: ReadonlyArray<[name: string, macro: string]> = [
  // Trino: NULL for objects, arrays and JSON null; DuckDB's json_extract_string returns their text.
  [
    'json_extract_scalar',
    "CREATE MACRO json_extract_scalar(j, p) AS CASE WHEN json_type(j, p) IN ('OBJECT', 'ARRAY', 'NULL') THEN NULL ELSE json_extract_string(j, p) END",
  ],
  ['json_format', 'CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)'],
  ['from_iso8601_timestamp', 'CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)'],
  // DuckDB's cardinality is for maps only; Trino's counts array elements.
  ['cardinality', 'CREATE OR REPLACE MACRO cardinality(l) AS len(l)'],
  [
    'sequence',
    'CREATE MACRO sequence(a, b) AS generate_series(CAST(a AS BIGINT), CAST(b AS BIGINT))',
  ],
  // DuckDB's element_at on a map returns a list.
  ['element_at', 'CREATE OR REPLACE MACRO element_at(m, k) AS map_extract_value(m, k)'],
  // Trino/MySQL date format: %i minutes, %s seconds (DuckDB strftime: %M, %S).
  [
    'date_format',
    "CREATE MACRO date_format(t, f) AS strftime(t, replace(replace(f, '%i', '%M'), '%s', '%S'))",
  ],
  ['regexp_like', 'CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)'],
];

export const TEST_ATHENA_TABLE = 'cloudtrail_logs';
export const TEST_ATHENA_DATABASE = 'default';
export const TEST_EVENT_DATA_STORE = 'a1b2c3d4-0000-4000-8000-0123456789ab';

/** Athena's published price: $5 per TB scanned (10 MB minimum per query). */
type AthenaState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface Execution {
  id: string;
  sql: string;
  state: AthenaState;
  reason?: string;
  columns: string[];
  rows: Array<Array<string | null>>;
  submitted: number;
  completed?: number;
  scanned: number;
  /** GetQueryExecution calls seen: a query reports RUNNING for `runningPolls` of them. */
  polls: number;
}

export interface RecordedCall {
  target: string;
  body: Record<string, unknown>;
  authorization: string;
}

export interface LookupEventRecord {
  region: string;
  record: Record<string, unknown>;
}

export class TestAwsQueryServer {
  readonly calls: RecordedCall[] = [];
  /** Targets (e.g. 'AmazonAthena.StartQueryExecution') to answer with ThrottlingException, as many times as given. */
  readonly throttle = new Map<string, number>();
  /** Targets (GetQueryResults, LookupEvents) whose every answer carries the same NextToken: a service paging forever. */
  readonly repeatToken = new Set<string>();
  /** Lake result rows leave out the cells of NULL values (instead of sending them as ''). */
  lakeOmitsNullCells = false;
  /** Targets to answer with AccessDeniedException. */
  readonly denied = new Set<string>();
  /** Queries stay RUNNING until released (cancellation tests). */
  holdQueries = false;
  /** GetQueryExecution / Lake GetQueryResults report RUNNING this many times before the result. */
  runningPolls = 1;
  /** Events LookupEvents serves, by region (set by the test). */
  lookupEvents: LookupEventRecord[] = [];
  /** Requests per second seen by LookupEvents, per region (for the rate test). */
  readonly lookupTimes = new Map<string, number[]>();

  private server?: Server;
  private db?: DuckDBInstance;
  private conn?: DuckDBConnection;
  private readonly executions = new Map<string, Execution>();
  private readonly lake = new Map<string, Execution>();
  private nextId = 1;
  private bytes = 0;

  /**
   * `root` is the bucket folder (holding AWSLogs/); `bucket` names it in "$path". Without a root
   * the server answers LookupEvents only (no DuckDB).
   */
  constructor(
    private readonly root?: string,
    private readonly bucket = 'bucket',
  ) {}

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    if (this.root) {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      this.db = await DuckDBInstance.create(':memory:', { threads: '1' });
      this.conn = await this.db.connect();
      await this.conn.run("SET TimeZone = 'UTC'");
      for (const [, macro] of TRINO_MACROS) await this.conn.run(macro);
      await this.loadBucket(this.root);
    }
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
    this.server?.closeAllConnections?.();
    this.conn?.closeSync();
    this.db?.closeSync();
  }

  /** Runs SQL on the DuckDB behind the server (what Athena would run): column names and rows. */
  async run(sql: string): Promise<{ columns: string[]; rows: Array<Array<string | null>> }> {
    const reader = await this.conn!.runAndReadAll(sql);
    const columns = reader.columnNames();
    const rows = reader.getRowsJS().map((row) => row.map((v) => cellText(v)));
    return { columns, rows };
  }

  private async loadBucket(root: string): Promise<void> {
    const glob = `${root.replace(/\/$/, '')}/**/*.json*`;
    await this.conn!.run(
      `CREATE TABLE raw_records AS SELECT substr(filename, ${root.replace(/\/$/, '').length + 2}) AS key, unnest(json_extract(json, '$.Records[*]')) AS r ` +
        `FROM read_json_objects(${lit(glob)}, filename = true, format = 'auto') WHERE regexp_matches(filename, '/CloudTrail/')`,
    );
    this.bytes = await folderBytes(root);
    const athenaColumns = ATHENA_COLUMNS.map((c) => `${duckValue(c, 'athena')} AS ${c.sql}`);
    const partition = (group: number) =>
      `regexp_extract(key, '(^|/)AWSLogs/(o-[a-z0-9]+/)?([0-9]{12})/CloudTrail/([^/]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/', ${group})`;
    await this.conn!.run(`CREATE SCHEMA IF NOT EXISTS "${TEST_ATHENA_DATABASE}"`);
    await this.conn!.run(
      `CREATE VIEW "${TEST_ATHENA_DATABASE}"."${TEST_ATHENA_TABLE}" AS SELECT ${athenaColumns.join(', ')}, ` +
        `${lit(`s3://${this.bucket}/`)} || key AS "$path", ${partition(3)} AS account, ${partition(4)} AS region, ${partition(5)} AS "timestamp" FROM raw_records`,
    );
    await this.conn!.run(
      `CREATE VIEW "${TEST_EVENT_DATA_STORE}" AS SELECT ${LAKE_COLUMNS.map((c) => `${duckValue(c, 'lake')} AS "${c.sql}"`).join(', ')} FROM raw_records`,
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    let body: Record<string, unknown> = {};
    try {
      body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
    } catch {
      return send(res, 400, { __type: 'SerializationException', message: 'bad JSON' });
    }
    this.calls.push({ target, body, authorization: String(req.headers.authorization ?? '') });
    const throttled = this.throttle.get(target) ?? 0;
    if (throttled > 0) {
      this.throttle.set(target, throttled - 1);
      return send(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' });
    }
    if (this.denied.has(target)) {
      return send(res, 400, {
        __type: 'AccessDeniedException',
        message: `User: arn:aws:iam::111122223333:user/tester is not authorized to perform: ${target.split('.')[1]}`,
      });
    }
    try {
      const answer = await this.dispatch(target, body);
      if (this.repeatToken.has(target)) (answer as { NextToken?: string }).NextToken = 'again';
      send(res, 200, answer);
    } catch (e) {
      const err = e as { type?: string; message?: string };
      send(res, 400, {
        __type: err.type ?? 'InvalidRequestException',
        message: err.message ?? String(e),
      });
    }
  }

  private async dispatch(target: string, body: Record<string, unknown>): Promise<unknown> {
    switch (target) {
      case 'AmazonAthena.StartQueryExecution':
        return {
          QueryExecutionId: this.startExecution(
            String(body.QueryString ?? ''),
            this.executions,
            String(
              (body.QueryExecutionContext as { Database?: string } | undefined)?.Database ?? '',
            ),
          ),
        };
      case 'AmazonAthena.GetQueryExecution': {
        const ex = this.execution(this.executions, body.QueryExecutionId);
        ex.polls++;
        const state = ex.polls <= this.runningPolls && isDone(ex.state) ? 'RUNNING' : ex.state;
        return {
          QueryExecution: {
            QueryExecutionId: ex.id,
            Query: ex.sql,
            StatementType: 'DML',
            Status: {
              State: state,
              StateChangeReason: state === ex.state ? ex.reason : undefined,
              SubmissionDateTime: ex.submitted / 1000,
              CompletionDateTime:
                state === ex.state && ex.completed ? ex.completed / 1000 : undefined,
            },
            Statistics: {
              DataScannedInBytes: state === 'RUNNING' ? Math.floor(ex.scanned / 2) : ex.scanned,
              EngineExecutionTimeInMillis: 5,
              TotalExecutionTimeInMillis: 7,
            },
          },
        };
      }
      case 'AmazonAthena.GetQueryResults': {
        const ex = this.execution(this.executions, body.QueryExecutionId);
        if (ex.state !== 'SUCCEEDED')
          throw {
            type: 'InvalidRequestException',
            message: `Query has not yet finished. Current state: ${ex.state}`,
          };
        const max = Math.min(Number(body.MaxResults ?? 1000), 1000);
        const offset = body.NextToken ? Number(body.NextToken) : 0;
        const all = [ex.columns, ...ex.rows];
        const page = all.slice(offset, offset + max);
        return {
          ResultSet: {
            Rows: page.map((row) => ({
              Data: row.map((v) => (v === null ? {} : { VarCharValue: v })),
            })),
            ResultSetMetadata: {
              ColumnInfo: ex.columns.map((name) => ({
                Name: name,
                Label: name,
                Type: 'varchar',
                CatalogName: 'hive',
                SchemaName: '',
                TableName: '',
              })),
            },
          },
          NextToken: offset + max < all.length ? String(offset + max) : undefined,
          UpdateCount: 0,
        };
      }
      case 'AmazonAthena.StopQueryExecution': {
        const ex = this.execution(this.executions, body.QueryExecutionId);
        if (!isDone(ex.state)) {
          ex.state = 'CANCELLED';
          ex.completed = Date.now();
        }
        return {};
      }
      case 'CloudTrail_20131101.StartQuery':
        return { QueryId: this.startExecution(String(body.QueryStatement ?? ''), this.lake) };
      case 'CloudTrail_20131101.GetQueryResults': {
        const ex = this.execution(this.lake, body.QueryId);
        ex.polls++;
        const lakeState = {
          QUEUED: 'QUEUED',
          RUNNING: 'RUNNING',
          SUCCEEDED: 'FINISHED',
          FAILED: 'FAILED',
          CANCELLED: 'CANCELLED',
        }[ex.state];
        if (ex.polls <= this.runningPolls && isDone(ex.state))
          return {
            QueryStatus: 'RUNNING',
            QueryStatistics: { ResultsCount: 0, TotalResultsCount: 0, BytesScanned: 0 },
          };
        if (ex.state !== 'SUCCEEDED') return { QueryStatus: lakeState, ErrorMessage: ex.reason };
        const max = Math.min(Number(body.MaxQueryResults ?? 1000), 1000);
        const offset = body.NextToken ? Number(body.NextToken) : 0;
        const page = ex.rows.slice(offset, offset + max);
        return {
          QueryStatus: 'FINISHED',
          QueryStatistics: {
            ResultsCount: page.length,
            TotalResultsCount: ex.rows.length,
            BytesScanned: ex.scanned,
          },
          QueryResultRows: page.map((row) =>
            row.flatMap((v, i) =>
              v === null && this.lakeOmitsNullCells ? [] : [{ [ex.columns[i]]: v ?? '' }],
            ),
          ),
          NextToken: offset + max < ex.rows.length ? String(offset + max) : undefined,
        };
      }
      case 'CloudTrail_20131101.CancelQuery': {
        const ex = this.execution(this.lake, body.QueryId);
        if (!isDone(ex.state)) ex.state = 'CANCELLED';
        return { QueryId: ex.id, QueryStatus: 'CANCELLED' };
      }
      case 'CloudTrail_20131101.LookupEvents':
        return this.lookup(body);
      default:
        throw { type: 'UnknownOperationException', message: `unknown operation ${target}` };
    }
  }

  private startExecution(sql: string, into: Map<string, Execution>, database = ''): string {
    const id = `${into === this.lake ? 'lake' : 'athena'}-${String(this.nextId++).padStart(6, '0')}`;
    const ex: Execution = {
      id,
      sql,
      state: 'QUEUED',
      columns: [],
      rows: [],
      submitted: Date.now(),
      scanned: 0,
      polls: 0,
    };
    into.set(id, ex);
    void this.execute(ex, into === this.lake, database);
    return id;
  }

  private async execute(ex: Execution, lake: boolean, database: string): Promise<void> {
    ex.state = 'RUNNING';
    while (this.holdQueries && ex.state === 'RUNNING') await new Promise((r) => setTimeout(r, 20));
    if (ex.state !== 'RUNNING') return;
    let sql = ex.sql;
    if (lake)
      sql = sql.replace(
        new RegExp(`\\bFROM\\s+${TEST_EVENT_DATA_STORE}\\b`, 'g'),
        `FROM "${TEST_EVENT_DATA_STORE}"`,
      );
    else if (database)
      await this.conn!.run(`USE "${database.replace(/"/g, '')}"`).catch(() => undefined);
    try {
      const { columns, rows } = await this.run(sql);
      if (ex.state !== 'RUNNING') return;
      ex.columns = columns;
      ex.rows = rows;
      ex.state = 'SUCCEEDED';
      ex.scanned = this.bytes;
    } catch (e) {
      if (ex.state !== 'RUNNING') return;
      ex.state = 'FAILED';
      const message = (e as Error).message.split('\n')[0];
      const missing = /Table with name ([^ ]+) does not exist/.exec(message);
      ex.reason = lake
        ? message
        : missing
          ? `TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.${database || 'default'}.${missing[1]}' does not exist`
          : `GENERIC_INTERNAL_ERROR: ${message}`;
    } finally {
      ex.completed = Date.now();
    }
  }

  private execution(from: Map<string, Execution>, id: unknown): Execution {
    const ex = from.get(String(id));
    if (!ex)
      throw {
        type: from === this.lake ? 'QueryIdNotFoundException' : 'InvalidRequestException',
        message: `QueryExecution ${String(id)} was not found`,
      };
    return ex;
  }

  /** LookupEvents: one attribute, 50 per page, newest first, StartTime/EndTime inclusive. */
  private lookup(body: Record<string, unknown>): unknown {
    const region = 'us-east-1';
    const times = this.lookupTimes.get(region) ?? [];
    times.push(Date.now());
    this.lookupTimes.set(region, times);
    const attributes =
      (body.LookupAttributes as
        Array<{ AttributeKey: string; AttributeValue: string }> | undefined) ?? [];
    if (attributes.length > 1)
      throw {
        type: 'InvalidLookupAttributesException',
        message: 'You cannot specify more than one lookup attribute.',
      };
    const max = Math.min(Number(body.MaxResults ?? 50), 50);
    const start = body.StartTime === undefined ? -Infinity : Number(body.StartTime) * 1000;
    const end = body.EndTime === undefined ? Infinity : Number(body.EndTime) * 1000;
    const [attr] = attributes;
    const matches = this.lookupEvents
      .map((e) => e.record)
      .filter((r) => {
        const t = Date.parse(String(r.eventTime));
        if (!(t >= start && t <= end)) return false;
        if (!attr) return true;
        const value = lookupValue(r, attr.AttributeKey);
        return value === attr.AttributeValue;
      })
      .sort((a, b) => String(b.eventTime).localeCompare(String(a.eventTime)));
    const offset = body.NextToken ? Number(body.NextToken) : 0;
    const page = matches.slice(offset, offset + max);
    return {
      Events: page.map((r) => ({
        EventId: r.eventID,
        EventName: r.eventName,
        ReadOnly: String(r.readOnly),
        AccessKeyId: (r.userIdentity as { accessKeyId?: string } | undefined)?.accessKeyId,
        EventTime: Date.parse(String(r.eventTime)) / 1000,
        EventSource: r.eventSource,
        Username: (r.userIdentity as { userName?: string } | undefined)?.userName,
        Resources: [],
        CloudTrailEvent: JSON.stringify(r),
      })),
      NextToken: offset + max < matches.length ? String(offset + max) : undefined,
    };
  }
}

function lookupValue(r: Record<string, unknown>, key: string): string | undefined {
  const identity = r.userIdentity as { accessKeyId?: string; userName?: string } | undefined;
  switch (key) {
    case 'EventId':
      return r.eventID as string;
    case 'EventName':
      return r.eventName as string;
    case 'EventSource':
      return r.eventSource as string;
    case 'ReadOnly':
      return String(r.readOnly);
    case 'AccessKeyId':
      return identity?.accessKeyId;
    case 'Username':
      return identity?.userName;
    default:
      return undefined;
  }
}

function isDone(state: AthenaState): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': 'test-request',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function lit(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The DuckDB expression reading a column from a record `r` (JSON), typed as the schema says. */
function duckValue(c: SqlColumn, dialect: 'athena' | 'lake'): string {
  const path = lit(`$."${c.key}"`);
  switch (c.type.kind) {
    case 'string':
      return `json_extract_string(r, ${path})`;
    case 'json':
      return `CASE WHEN coalesce(json_type(r, ${path}), 'NULL') = 'NULL' THEN NULL ELSE CAST(json_extract(r, ${path}) AS VARCHAR) END`;
    case 'boolean':
      return `TRY_CAST(json_extract_string(r, ${path}) AS BOOLEAN)`;
    case 'timestamp':
      return `TRY_CAST(json_extract_string(r, ${path}) AS TIMESTAMPTZ)`;
    case 'map':
      if (c.type.jsonValues) {
        return (
          `CASE WHEN coalesce(json_type(r, ${path}), 'NULL') <> 'OBJECT' THEN NULL ELSE map_from_entries(list_transform(json_keys(json_extract(r, ${path})), k -> {'key': k, 'value': ` +
          `CASE json_type(json_extract(r, ${path}), '$."' || k || '"') WHEN 'VARCHAR' THEN json_extract_string(json_extract(r, ${path}), '$."' || k || '"') WHEN 'NULL' THEN NULL ` +
          `ELSE CAST(json_extract(json_extract(r, ${path}), '$."' || k || '"') AS VARCHAR) END})) END`
        );
      }
      return `json_transform(json_extract(r, ${path}), '"MAP(VARCHAR, VARCHAR)"')`;
    case 'struct':
    case 'array':
      return `json_transform(json_extract(r, ${path}), ${lit(JSON.stringify(duckStructure(c.type, dialect)))})`;
  }
}

function duckStructure(type: SqlType, dialect: 'athena' | 'lake'): unknown {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'VARCHAR';
    case 'boolean':
      return 'BOOLEAN';
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
    case 'array':
      return [duckStructure(type.element, dialect)];
    case 'struct':
      return Object.fromEntries(type.fields.map((f) => [f.key, duckStructure(f.type, dialect)]));
  }
}

function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (typeof v === 'object')
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  return String(v);
}

async function folderBytes(root: string): Promise<number> {
  const { promises: fs } = await import('node:fs');
  const { join } = await import('node:path');
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else total += (await fs.stat(full)).size;
    }
  };
  await walk(root);
  return total;
}
