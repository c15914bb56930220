// The one time zone of every view (the cloudtrailLens.timeZone setting), read in one place.
import * as vscode from 'vscode';
import { normalizeZone, UTC } from '../core/time/zone';

export const TIME_ZONE_SETTING = 'cloudtrailLens.timeZone';

/** The setting's zone; UTC when it is unset or not a time zone (the setting's schema says which). */
export function timeZoneSetting(): string {
  return (
    normalizeZone(vscode.workspace.getConfiguration('cloudtrailLens').get<string>('timeZone')) ??
    UTC
  );
}

/** Runs `fn` with the zone whenever the setting changes. */
export function onTimeZoneChange(fn: (zone: string) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(TIME_ZONE_SETTING)) fn(timeZoneSetting());
  });
}

export function openTimeZoneSetting(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', TIME_ZONE_SETTING);
}
