// "Open Sample": shows sample CloudTrail data in the explorer for this session (nothing is
// written to settings). In a development checkout that is sample-data/ (scripts/make-sample.ts);
// an installed extension generates the same kind of data once into its global storage with the
// project's seeded generators (pure Node, ~40 KB bundled): a few thousand synthetic events over
// three accounts, an organization trail and a signed digest chain. Nothing in it is real.
import { existsSync, promises as fs, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SourceRegistry } from './sourceRegistry';
import { messageText } from '../messageText';

const EVENTS = 3000;
const SEED = 2024;
const EVENTS_PER_FILE = 8;
const DONE_MARKER = '.cloudtrail-lens-sample-complete';

export function sampleFolderOf(extensionPath: string): string | undefined {
  const dir = join(extensionPath, 'sample-data');
  try {
    return existsSync(dir) && readdirSync(dir).length > 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Makes the sample in `dir` (if not already there) through a staging folder, so a cancelled or failed run leaves nothing half-made. */
export async function generateSample(dir: string): Promise<void> {
  if (existsSync(join(dir, DONE_MARKER))) return;
  const staging = `${dir}.staging-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  try {
    const { generateBucket } = await import('../../core/synthetic/generator');
    const { signSampleBucket } = await import('../../core/synthetic/digests');
    await generateBucket({
      events: EVENTS,
      out: staging,
      seed: SEED,
      eventsPerFile: EVENTS_PER_FILE,
    });
    signSampleBucket(staging, {
      bucket: 'cloudtrail-lens-sample-logs',
      trailName: 'org-trail',
      homeRegion: 'us-east-1',
    });
    await fs.writeFile(join(staging, DONE_MARKER), new Date().toISOString());
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(staging, dir);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

export async function openSampleSource(
  context: vscode.ExtensionContext,
  registry: SourceRegistry,
  view: vscode.TreeView<unknown>,
): Promise<void> {
  let folder = sampleFolderOf(context.extensionPath);
  if (!folder) {
    const version = String((context.extension.packageJSON as { version?: string }).version ?? '0');
    const target = join(context.globalStorageUri.fsPath, `sample-${version}`);
    try {
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'CloudTrail: generating the sample logs…',
        },
        () => generateSample(target),
      );
      folder = target;
    } catch (e) {
      void vscode.window.showErrorMessage(
        messageText(
          `CloudTrail: could not generate the sample logs in ${target}: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      return;
    }
  }
  registry.showSessionFolder(folder, 'CloudTrail sample');
  if (!view.visible) await vscode.commands.executeCommand('cloudtrailLens.explorer.focus');
}
