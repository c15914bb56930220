// Every command id the extension registers, in one table: code refers to COMMANDS.x, never to the
// string. Contributed commands are listed in package.json `contributes.commands` (a unit test
// checks both ways); internal ones are executed by the extension itself and not offered to users.
// No `vscode` import here, so tests read it without an extension host.

export const COMMANDS = {
  addSource: 'cloudtrailLens.addSource',
  removeSource: 'cloudtrailLens.removeSource',
  refreshExplorer: 'cloudtrailLens.refreshExplorer',
  openSample: 'cloudtrailLens.openSample',
  openTimeline: 'cloudtrailLens.openTimeline',
  explorerOpenTimeline: 'cloudtrailLens.explorer.openTimeline',
  explorerValidateDigests: 'cloudtrailLens.explorer.validateDigests',
  explorerRevealInOS: 'cloudtrailLens.explorer.revealInOS',
  explorerCopyPath: 'cloudtrailLens.explorer.copyPath',
  explorerCopyS3Uri: 'cloudtrailLens.explorer.copyS3Uri',
  explorerDownloadFromS3: 'cloudtrailLens.explorer.downloadFromS3',
  clearS3Cache: 'cloudtrailLens.clearS3Cache',
  clearIndexCache: 'cloudtrailLens.clearIndexCache',
  explorerOpenFile: 'cloudtrailLens.explorer.openFile',
  explorerShowMore: 'cloudtrailLens.explorer.showMore',
  openLogFile: 'cloudtrailLens.openLogFile',
  recordActions: 'cloudtrailLens.recordActions',
  validateDigests: 'cloudtrailLens.validateDigests',
  lintWorkspace: 'cloudtrailLens.lintWorkspace',
  runOnAthena: 'cloudtrailLens.runOnAthena',
  runOnLake: 'cloudtrailLens.runOnLake',
  runSqlOnAthena: 'cloudtrailLens.runSqlOnAthena',
  runSqlOnLake: 'cloudtrailLens.runSqlOnLake',
  explorerQueryInAthena: 'cloudtrailLens.explorer.queryInAthena',
  explorerAthenaDdl: 'cloudtrailLens.explorer.athenaDdl',
} as const;

/** Registered but not contributed: run by the extension (a notification's button) and by tests. */
export const INTERNAL_COMMANDS = {
  openSuspiciousEvents: 'cloudtrailLens.digest.openSuspiciousEvents',
} as const;
