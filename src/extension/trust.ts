// What Workspace Trust changes for the extension, decided apart from VS Code (unit-tested).
// package.json declares limited support in Restricted Mode: every setting listed in
// capabilities.untrustedWorkspaces.restrictedConfigurations (those that name where requests go
// and with which credentials, a file or folder to read or write, which keys judge a digest,
// which lint rules run, or the limits that guard against hostile files) takes the user's or the
// default value until the user trusts the workspace: an evidence folder's .vscode/settings.json
// is written by whoever sent it. test/unit/extension/workspaceTrust.test.ts classifies every
// setting.

/**
 * Where a setting the extension writes for the user goes: the workspace's settings when a
 * trusted workspace is open, else the user's. An untrusted workspace's value of a restricted
 * setting would not apply (the user's choice would vanish, and the list already there would be
 * replaced), and the evidence folder is not written to.
 */
export function settingsLevel(hasWorkspaceFolder: boolean, trusted: boolean): 'workspace' | 'user' {
  return hasWorkspaceFolder && trusted ? 'workspace' : 'user';
}

/** Said when a restricted setting is missing: in Restricted Mode the workspace's value is not used. */
export function restrictedModeNote(what: string, trusted: boolean): string {
  return trusted
    ? ''
    : ` This folder is in Restricted Mode: its workspace settings for ${what} are not used; set them in your user settings, or trust the folder.`;
}
