// Asking Athena or CloudTrail Lake the timeline's question: "Run on Athena" / "Run on CloudTrail
// Lake" take the active timeline's filter and range (the explorer's "Query in Athena" an S3
// row's accounts, regions and day), compile them (src/core/sql), show the SQL in an editor to
// review or edit, run it with live progress (state, data scanned, cost; Cancel stops the query)
// and open the answer in a timeline: the few log files it came from, limited to the matched
// events, or the records rebuilt from the table. "Athena Table DDL" writes the table for an S3
// row's trail. Thin: the work is in src/core/sql.
import * as vscode from 'vscode';
import { parseQuery } from '../../core/query/parse';
import { QuerySyntaxError } from '../../core/query/ast';
import type { CatalogNode } from '../../core/sources/layoutTree';
import { AthenaRunner, AthenaSettings, formatProgress, QueryProgress } from '../../core/sql/athena';
import { AwsQueryError } from '../../core/sql/awsErrors';
import { compileQuery, CompileOptions, SqlCompileError, SqlDialect } from '../../core/sql/compile';
import { athenaTableDdl, DEFAULT_TABLE, trailLayout } from '../../core/sql/ddl';
import { LakeRunner } from '../../core/sql/lake';
import {
  athenaToTimeline,
  EventIdSet,
  lakeToTimeline,
  RemoteOutcome,
  statementOf,
} from '../../core/sql/remote';
import type { TimeRange } from '../../protocol';
import { openS3Source } from '../s3/s3Sources';
import { S3SourceConfig } from '../sources/sourceConfig';
import type { SourceRegistry } from '../sources/sourceRegistry';
import type { ExplorerElement } from '../tree/explorerProvider';
import type { TimelineRegistration } from '../timeline/registerTimeline';
import { COMMANDS } from '../commands';
import { isoDay } from '../../core/time';
import { messageText } from '../messageText';
import { restrictedModeNote } from '../trust';

const ENGINE_NAMES: Record<SqlDialect, string> = { athena: 'Athena', lake: 'CloudTrail Lake' };

interface AthenaConfig extends AthenaSettings {
  table: string;
  maxFiles: number;
  partitioned: boolean;
}

function athenaConfig(): AthenaConfig {
  const c = vscode.workspace.getConfiguration('cloudtrailLens.athena');
  const text = (k: string) => (c.get<string>(k) ?? '').trim() || undefined;
  return {
    workgroup: text('workgroup'),
    database: text('database'),
    outputLocation: text('outputLocation'),
    region: text('region'),
    profile: text('profile'),
    endpoint: text('endpoint'),
    table: text('table') ?? DEFAULT_TABLE,
    maxFiles: c.get<number>('maxFilesToDownload') ?? 200,
    partitioned: c.get<boolean>('partitionedTable') ?? true,
  };
}

function lakeConfig(): {
  eventDataStore?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
} {
  const c = vscode.workspace.getConfiguration('cloudtrailLens.lake');
  const text = (k: string) => (c.get<string>(k) ?? '').trim() || undefined;
  return {
    eventDataStore: text('eventDataStore'),
    region: text('region'),
    profile: text('profile'),
    endpoint: text('endpoint'),
  };
}

/** Lines of the editor's header: comments, which are taken off before the statement is sent. */
function withHeader(dialect: SqlDialect, sql: string, notes: string[]): string {
  const where =
    dialect === 'athena'
      ? (() => {
          const a = athenaConfig();
          return `workgroup ${a.workgroup ?? '(default)'}, database ${a.database ?? '(default)'}${a.region ? `, ${a.region}` : ''}`;
        })()
      : `event data store ${lakeConfig().eventDataStore ?? '(not set)'}`;
  const untrusted = restrictedModeNote(ENGINE_NAMES[dialect], vscode.workspace.isTrusted).trim();
  const lines = [
    `-- ${ENGINE_NAMES[dialect]}: ${where}`,
    ...(untrusted ? [`-- ${untrusted}`] : []),
    `-- Review or edit the statement, then run it: "Run on ${ENGINE_NAMES[dialect]}" in the notification, or "Run This SQL on ${ENGINE_NAMES[dialect]}".`,
    ...notes.map((n) => `-- Note: ${n}`),
  ];
  return `${lines.join('\n')}\n${sql}\n`;
}

export function registerRemoteQueries(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  timelines: TimelineRegistration,
  registry: SourceRegistry,
): void {
  const register = (id: string, fn: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  /** Compiles and shows the SQL, then offers to run it. */
  async function compileAndShow(
    dialect: SqlDialect,
    filter: string,
    range: TimeRange | null,
    scope: Pick<CompileOptions, 'accounts' | 'regions'> = {},
  ): Promise<void> {
    const athena = athenaConfig();
    const lake = lakeConfig();
    if (dialect === 'lake' && !lake.eventDataStore) {
      const choice = await vscode.window.showErrorMessage(
        messageText(
          `CloudTrail Lake: set the event data store to query (cloudtrailLens.lake.eventDataStore: its ID or ARN).${restrictedModeNote('CloudTrail Lake', vscode.workspace.isTrusted)}`,
        ),
        'Open Settings',
      );
      if (choice)
        void vscode.commands.executeCommand('workbench.action.openSettings', 'cloudtrailLens.lake');
      return;
    }
    let compiled;
    try {
      compiled = compileQuery(parseQuery(filter), {
        dialect,
        from: dialect === 'athena' ? athena.table : lake.eventDataStore!,
        range,
        select: 'rows',
        partitioned: athena.partitioned,
        ...scope,
      });
    } catch (e) {
      if (e instanceof SqlCompileError || e instanceof QuerySyntaxError) {
        void vscode.window.showErrorMessage(
          messageText(`${ENGINE_NAMES[dialect]}: the filter cannot be asked there: ${e.message}`),
        );
        return;
      }
      throw e;
    }
    const doc = await vscode.workspace.openTextDocument({
      language: 'sql',
      content: withHeader(dialect, compiled.sql, compiled.notes),
    });
    await vscode.window.showTextDocument(doc, { preview: false });
    const run = `Run on ${ENGINE_NAMES[dialect]}`;
    const choice = await vscode.window.showInformationMessage(
      messageText(`Review the ${ENGINE_NAMES[dialect]} SQL (you can edit it), then run it.`),
      run,
    );
    if (choice === run) await runDocument(doc, dialect);
  }

  async function runDocument(doc: vscode.TextDocument, dialect: SqlDialect): Promise<void> {
    const sql = statementOf(doc.getText());
    if (!sql)
      return void vscode.window.showInformationMessage('The editor holds no SQL statement to run.');
    const name = ENGINE_NAMES[dialect];
    // One message per line of the statement (the channel makes each message one line).
    log.info(`${name}: running`);
    for (const line of sql.split('\n')) log.info(`  ${line}`);
    let outcome: RemoteOutcome | undefined;
    let last: QueryProgress | undefined;
    const athena = athenaConfig();
    const lake = lakeConfig();
    const runner = dialect === 'athena' ? new AthenaRunner(athena) : new LakeRunner(lake);
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: name, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          const onProgress = (p: QueryProgress) => {
            last = p;
            progress.report({ message: messageText(formatProgress(p)) });
          };
          if (runner instanceof AthenaRunner)
            return athenaToTimeline(runner, sql, {
              maxFiles: athena.maxFiles,
              signal: controller.signal,
              onProgress,
            });
          return lakeToTimeline(runner, sql, { signal: controller.signal, onProgress });
        },
      );
    } catch (e) {
      runner.dispose();
      if (!(e instanceof AwsQueryError)) throw e;
      log.warn(e.message);
      if (e.code === 'cancelled')
        return void vscode.window.showInformationMessage(messageText(e.message));
      const ddl = 'Show Athena Table DDL';
      const choice = await vscode.window.showErrorMessage(
        messageText(e.message),
        ...(e.code === 'table-missing' ? [ddl] : []),
      );
      if (choice === ddl) await showDdlFor(undefined);
      return;
    }
    if (last) log.info(`${name}: ${formatProgress(last)}`);
    if (outcome.kind === 'files') {
      const files = [...outcome.byBucket.values()].reduce((n, keys) => n + keys.length, 0);
      runner.dispose();
      const targets = [...outcome.byBucket].map(([bucket, keys]) => ({
        source: openS3Source(s3ConfigFor(bucket, athena)),
        keys,
      }));
      const title = `CloudTrail Timeline: ${name}, ${outcome.eventIds.size.toLocaleString('en-US')} events in ${files.toLocaleString('en-US')} log files`;
      timelines.openScope({
        key: JSON.stringify(['remote', dialect, sql]),
        title,
        targets,
        only: new EventIdSet(outcome.eventIds),
      });
      log.info(
        `${name}: ${outcome.eventIds.size} matched events in ${files} log files, opened from S3`,
      );
    } else {
      const title = `CloudTrail Timeline: ${name} results (records as the table has them)`;
      const panel = timelines.openScope({
        key: JSON.stringify(['remote', dialect, sql]),
        title,
        targets: [{ source: outcome.source }],
      });
      void panel.loaded.finally(() => runner.dispose());
      void vscode.window.showInformationMessage(messageText(`${name}: ${outcome.note}`));
    }
  }

  /** The configured S3 source of a bucket (its profile, region, endpoint and cache), else Athena's. */
  function s3ConfigFor(bucket: string, athena: AthenaConfig): S3SourceConfig {
    const configured = registry.entries
      .map((e) => e.config)
      .find((c): c is S3SourceConfig => c.type === 's3' && c.bucket === bucket);
    return configured
      ? { ...configured, prefix: undefined }
      : { type: 's3', bucket, profile: athena.profile, region: athena.region };
  }

  function fromTimeline(dialect: SqlDialect): Promise<void> | undefined {
    const panel = timelines.activePanel();
    if (!panel) {
      return (async () => {
        const filter = await vscode.window.showInputBox({
          title: `Run on ${ENGINE_NAMES[dialect]}`,
          prompt: "A filter in the timeline's query language (empty: every event)",
          placeHolder: 'eventName:ConsoleLogin error:*',
        });
        if (filter !== undefined) await compileAndShow(dialect, filter, null);
      })();
    }
    const { filter, range } = panel.currentQuery;
    return compileAndShow(dialect, filter, range);
  }

  register(COMMANDS.runOnAthena, () => fromTimeline('athena'));
  register(COMMANDS.runOnLake, () => fromTimeline('lake'));
  register(COMMANDS.runSqlOnAthena, () => runActiveEditor('athena'));
  register(COMMANDS.runSqlOnLake, () => runActiveEditor('lake'));

  function runActiveEditor(dialect: SqlDialect): Promise<void> | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor)
      return void vscode.window.showInformationMessage('Open the SQL to run in an editor first.');
    return runDocument(editor.document, dialect);
  }

  register(COMMANDS.explorerQueryInAthena, async (el?: ExplorerElement) => {
    if (!el || (el.kind !== 'source' && el.kind !== 'node') || el.entry.config.type !== 's3') {
      return void vscode.window.showInformationMessage(
        'Query in Athena works on the rows of an S3 source in the CloudTrail explorer.',
      );
    }
    const { accounts, regions, range } = scopeOfNode(el.kind === 'node' ? el.node : undefined);
    const last = timelines.activePanel()?.currentQuery.filter ?? '';
    const filter = await vscode.window.showInputBox({
      title: 'Query in Athena',
      prompt: messageText(
        `Filter for ${[accounts.join(', '), regions.join(', '), range ? isoDay(range.from) : ''].filter(Boolean).join(' · ') || 'the whole table'} (the query language; empty: every event)`,
      ),
      value: last,
    });
    if (filter === undefined) return;
    await compileAndShow('athena', filter, range, { accounts, regions });
  });

  register(COMMANDS.explorerAthenaDdl, (el?: ExplorerElement) => showDdlFor(el));

  /** Shows the CREATE TABLE for an S3 row's trail (or a chosen S3 source) and offers to run it. */
  async function showDdlFor(el: ExplorerElement | undefined): Promise<void> {
    let entry = el && (el.kind === 'source' || el.kind === 'node') ? el.entry : undefined;
    if (!entry || entry.config.type !== 's3') {
      const s3 = registry.entries.filter((e) => e.config.type === 's3' && e.source);
      if (s3.length === 0)
        return void vscode.window.showInformationMessage(
          'Add the trail\'s S3 bucket as a source (CloudTrail: Add Source…) to write its Athena table, or use "cloudtrail-lens athena-ddl s3://bucket/prefix".',
        );
      const pick =
        s3.length === 1
          ? s3[0]
          : (
              await vscode.window.showQuickPick(
                s3.map((e) => ({ label: e.name, entry: e })),
                { title: 'Athena table for which bucket?' },
              )
            )?.entry;
      if (!pick) return;
      entry = pick;
    }
    const config = entry.config as S3SourceConfig;
    const node = el?.kind === 'node' ? el.node : undefined;
    const organizationId = node && 'organizationId' in node ? node.organizationId : undefined;
    const prefix =
      node && 'root' in node
        ? node.root.replace(/\/?AWSLogs\/.*$/, '')
        : (config.prefix ?? '').replace(/\/?AWSLogs\/?$/, '').replace(/\/+$/, '');
    const athena = athenaConfig();
    let ddl: string;
    try {
      const layout = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Listing ${config.bucket} for its accounts, regions and first day…`,
        },
        () => trailLayout(entry!.source!, prefix, organizationId),
      );
      const table =
        athena.database && !athena.table.includes('.')
          ? `${athena.database}.${athena.table}`
          : athena.table;
      ddl = athenaTableDdl({
        bucket: config.bucket,
        prefix,
        organizationId: layout.organizationId,
        table,
        accounts: layout.accounts,
        regions: layout.regions,
        firstDay: layout.firstDay,
      });
      if (layout.organizationsSeen.length)
        ddl = `-- The bucket also holds organization trail logs (${layout.organizationsSeen.join(', ')}): run "Athena Table DDL" on that organization's row for its table.\n${ddl}`;
    } catch (e) {
      return void vscode.window.showErrorMessage(
        messageText(`Athena table: ${(e as Error).message}`),
      );
    }
    const doc = await vscode.workspace.openTextDocument({
      language: 'sql',
      content: `-- Athena table for s3://${config.bucket}/${prefix ? `${prefix}/` : ''} (workgroup ${athena.workgroup ?? '(default)'}, database ${athena.database ?? '(default)'}). Review, then run it on Athena.\n${ddl}\n`,
    });
    await vscode.window.showTextDocument(doc, { preview: false });
    const run = 'Create Table on Athena';
    if (
      (await vscode.window.showInformationMessage(
        'Review the table, then create it on Athena.',
        run,
      )) !== run
    )
      return;
    const runner = new AthenaRunner(athena);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Athena', cancellable: true },
        (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          return runner.run(statementOf(doc.getText()), {
            signal: controller.signal,
            onProgress: (p) => progress.report({ message: messageText(formatProgress(p)) }),
          });
        },
      );
      void vscode.window.showInformationMessage(
        `Athena: the table is created. "Run on Athena" from a timeline now asks it.`,
      );
    } catch (e) {
      if (!(e instanceof AwsQueryError)) throw e;
      void vscode.window.showErrorMessage(messageText(e.message));
    } finally {
      runner.dispose();
    }
  }
}

/** The accounts, regions and day an explorer row stands for. */
function scopeOfNode(node: CatalogNode | undefined): {
  accounts: string[];
  regions: string[];
  range: TimeRange | null;
} {
  if (!node) return { accounts: [], regions: [], range: null };
  const accounts = 'accountId' in node ? [node.accountId] : [];
  const regions = node.type === 'region' || node.type === 'day' ? [node.region] : [];
  const range =
    node.type === 'day'
      ? {
          from: Date.parse(`${node.date}T00:00:00Z`),
          to: Date.parse(`${node.date}T00:00:00Z`) + 86_400_000,
        }
      : null;
  return { accounts, regions, range };
}
