// Turns a configured source into a LogSource (a folder or an S3 bucket/prefix), or says why it
// cannot be opened.
import { FolderSource, FolderSourceOptions } from '../../core/sources/folder';
import { LogSource } from '../../core/sources/source';
import { openS3Source } from '../s3/s3Sources';
import { parseQuery } from '../../core/query/parse';
import { EventHistorySource, lookupForQuery } from '../../core/sources/eventHistory';
import {
  DEFAULT_LOOKBACK_HOURS,
  EventHistorySourceConfig,
  SourceConfig,
  resolveFolderPath,
} from './sourceConfig';

let folderOptions: FolderSourceOptions = {};

/** Options of every folder source opened from now on (the setting cloudtrailLens.folders.followLinksOutside). */
export function setFolderSourceOptions(options: FolderSourceOptions): void {
  folderOptions = options;
}

export function openFolderSource(root: string): FolderSource {
  return new FolderSource(root, folderOptions);
}

export type OpenedSource =
  { source: LogSource; unavailable?: undefined } | { source?: undefined; unavailable: string };

export function openSource(config: SourceConfig, workspaceBase: string | undefined): OpenedSource {
  if (config.type === 'folder') {
    const root = resolveFolderPath(config.path, workspaceBase);
    if (!root)
      return {
        unavailable: `${config.path}: a relative path needs an open workspace folder; use an absolute path`,
      };
    return { source: openFolderSource(root) };
  }
  if (config.type === 'event-history') return { source: openEventHistory(config) };
  return { source: openS3Source(config) };
}

/**
 * An Event history source. A timeline passes its filter and range: the narrowest lookup
 * attribute of the filter goes to LookupEvents (the whole filter still runs locally), and
 * without a range it looks back `lookbackHours`.
 */
export function openEventHistory(
  config: EventHistorySourceConfig,
  ask: { filter?: string; range?: { from: number; to: number } | null } = {},
): EventHistorySource {
  let lookup;
  try {
    lookup = ask.filter ? lookupForQuery(parseQuery(ask.filter)) : undefined;
  } catch {
    lookup = undefined;
  }
  const to = Date.now();
  const range = ask.range ?? {
    from: to - (config.lookbackHours ?? DEFAULT_LOOKBACK_HOURS) * 3_600_000,
    to,
  };
  return new EventHistorySource(
    { regions: config.regions, profile: config.profile, endpoint: config.endpoint },
    { lookup, range },
  );
}
