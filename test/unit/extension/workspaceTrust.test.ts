// Workspace Trust: the extension runs in Restricted Mode (an evidence folder nobody trusts), and
// the settings an evidence folder's .vscode/settings.json could turn against the user are
// restricted there (package.json capabilities.untrustedWorkspaces). Every setting is classified
// here, so a new one cannot be forgotten: a setting that names where requests go or with which
// credentials, a command, a file or folder, the keys that judge a digest, the limits that guard
// against hostile files, or which checks run, is restricted; any other says why it is harmless.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { restrictedModeNote, settingsLevel } from '../../../src/extension/trust';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const trust = pkg.capabilities?.untrustedWorkspaces;
const properties = pkg.contributes.configuration.properties as Record<
  string,
  { type: string; items?: { type?: string; enum?: unknown[] }; enum?: unknown[] }
>;
const settings = Object.keys(properties);
const restricted = new Set<string>(trust?.restrictedConfigurations ?? []);

/** The settings a workspace may set in Restricted Mode, and why its value cannot hurt. */
const HARMLESS: Record<string, string> = {
  'cloudtrailLens.s3.concurrency':
    'how many objects of a source the user chose are fetched at once (at most 64)',
  'cloudtrailLens.athena.partitionedTable':
    "the shape of the user's own table: a wrong value fails the query or scans more, reads nothing else",
  'cloudtrailLens.athena.maxFilesToDownload':
    "how many of the matched files are fetched, from the user's table's buckets with the user's settings",
  'cloudtrailLens.explorer.detectWorkspaceFolders': "reads only the workspace's own folders",
  'cloudtrailLens.codeLens.enabled': 'display only',
  'cloudtrailLens.hovers.enabled': 'display only',
  'cloudtrailLens.timeZone':
    'display only: an IANA zone name given to Intl, and every time shown carries its offset',
};

/** Free text: a string, or a list or object that holds strings, not confined by an enum. */
function freeText(p: (typeof properties)[string]): boolean {
  if (p.enum) return false;
  if (p.type === 'string') return true;
  if (p.type === 'object') return true;
  if (p.type === 'array') return !p.items?.enum && p.items?.type !== 'number';
  return false;
}

describe('Workspace Trust (package.json)', () => {
  it('runs in Restricted Mode with limited support, and says what is limited', () => {
    assert.equal(trust?.supported, 'limited');
    assert.ok(typeof trust.description === 'string' && trust.description.length > 40);
  });

  it('restricts only settings it contributes', () => {
    for (const s of restricted) assert.ok(settings.includes(s), `${s} is not a setting`);
  });

  it('classifies every setting: restricted, or harmless with a reason', () => {
    for (const s of settings)
      assert.ok(
        restricted.has(s) !== s in HARMLESS,
        `${s}: add it to restrictedConfigurations, or to HARMLESS with why a workspace's value cannot hurt (not both)`,
      );
    for (const s of Object.keys(HARMLESS)) assert.ok(settings.includes(s), `${s} is not a setting`);
  });

  it('restricts every setting that names an endpoint, profile, region, resource, command or path', () => {
    // Whatever holds free text can name an endpoint, profile, region, resource, command or path;
    // a flag or number is caught by its name when it points somewhere or grants reach.
    const names =
      /endpoint|profile|region|path|url|uri|command|exec|shell|link|outside|allow|trust|remote|external/i;
    for (const s of settings) {
      if (s === 'cloudtrailLens.timeZone') continue; // display only (HARMLESS): a zone name
      const last = s.split('.').pop()!;
      if (freeText(properties[s]) || names.test(last))
        assert.ok(restricted.has(s), `${s} names something a hostile workspace could choose`);
    }
  });

  it('restricts the ones a hostile evidence folder would reach for first', () => {
    for (const s of [
      'cloudtrailLens.sources',
      'cloudtrailLens.athena.outputLocation',
      'cloudtrailLens.athena.profile',
      'cloudtrailLens.athena.endpoint',
      'cloudtrailLens.lake.profile',
      'cloudtrailLens.lake.endpoint',
      'cloudtrailLens.publicKeys',
      'cloudtrailLens.folders.followLinksOutside',
      'cloudtrailLens.load.maxFileMB',
      'cloudtrailLens.caseFile',
    ])
      assert.ok(restricted.has(s), s);
  });
});

describe('Workspace Trust (decisions)', () => {
  it("writes a setting the user adds to a trusted workspace's settings, else to the user's", () => {
    assert.equal(settingsLevel(true, true), 'workspace');
    assert.equal(settingsLevel(true, false), 'user');
    assert.equal(settingsLevel(false, true), 'user');
    assert.equal(settingsLevel(false, false), 'user');
  });

  it('says why a setting may be missing only in Restricted Mode', () => {
    assert.equal(restrictedModeNote('CloudTrail Lake', true), '');
    assert.match(
      restrictedModeNote('CloudTrail Lake', false),
      /^ This folder is in Restricted Mode: its workspace settings for CloudTrail Lake are not used; set them in your user settings, or trust the folder\.$/,
    );
  });
});
