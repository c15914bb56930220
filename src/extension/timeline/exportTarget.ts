// Where an export is suggested: never inside the evidence (an export written there would be read
// back as evidence, and evidence folders are meant to stay as received). The configured export
// folder, else a workspace folder, else the home folder; the first one outside every evidence
// folder wins.
import { isInside, OverwrittenInput } from '../../core/output/outputTarget';
import { resolveFolderPath } from '../sources/sourceConfig';

export interface ExportFolderInputs {
  /** The `cloudtrailLens.exportFolder` setting ('' when unset). */
  setting: string;
  workspaceFolders: string[];
  /** The local folders the timeline's events come from. */
  evidence: string[];
  home: string;
}

/** The folder the save dialog opens in. */
export function defaultExportFolder(i: ExportFolderInputs): string {
  const configured = i.setting.trim()
    ? resolveFolderPath(i.setting.trim(), i.workspaceFolders[0], i.home)
    : undefined;
  const candidates = [configured, ...i.workspaceFolders, i.home].filter((c): c is string => !!c);
  return candidates.find((c) => !i.evidence.some((e) => isInside(c, e))) ?? i.home;
}

/** Why a file the user picked to write is refused: the timeline reads it. */
export function overwriteRefusal(target: string, o: OverwrittenInput): string {
  const what = o.same ? o.input.what : `a file in ${o.input.what}`;
  return `CloudTrail: ${target} is ${what}, which this timeline reads, and is never overwritten: pick a new file outside the evidence.`;
}
