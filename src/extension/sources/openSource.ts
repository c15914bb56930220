// Turns a configured source into a LogSource (a folder or an S3 bucket/prefix), or says why it
// cannot be opened.
import { FolderSource, FolderSourceOptions } from '../../core/sources/folder';
import { LogSource } from '../../core/sources/source';
import { openS3Source } from '../s3/s3Sources';
import { SourceConfig, resolveFolderPath } from './sourceConfig';

let folderOptions: FolderSourceOptions = {};

/** Options of every folder source opened from now on (the setting cloudtrailLens.folders.followLinksOutside). */
export function setFolderSourceOptions(options: FolderSourceOptions): void {
  folderOptions = options;
}

export function openFolderSource(root: string): FolderSource {
  return new FolderSource(root, folderOptions);
}

export type OpenedSource = { source: LogSource; unavailable?: undefined } | { source?: undefined; unavailable: string };

export function openSource(config: SourceConfig, workspaceBase: string | undefined): OpenedSource {
  if (config.type === 'folder') {
    const root = resolveFolderPath(config.path, workspaceBase);
    if (!root) return { unavailable: `${config.path}: a relative path needs an open workspace folder; use an absolute path` };
    return { source: openFolderSource(root) };
  }
  return { source: openS3Source(config) };
}
