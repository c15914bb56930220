// Where rules come from: the built-in pack and the user's Sigma folders (a setting in the
// extension, --rules in the CLI). Every .yml / .yaml file under a folder is read; each rule in
// it either loads or is reported with the reason, and one bad file never stops the others.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { builtinRules } from './builtinPack';
import { parseSigmaRules, RuleProblem, SigmaRule } from './rule';
import { lineText } from '../output/visibleText';

export interface RuleSet {
  rules: SigmaRule[];
  /** Rules (or files) that were not loaded, with the reason. */
  problems: RuleProblem[];
  /** Rule files read. */
  files: number;
}

const MAX_DEPTH = 32;
const MAX_RULE_FILE_BYTES = 1024 * 1024;

/** The built-in pack (unless `builtin` is false) plus every rule under the folders. */
export async function loadRuleSet(
  folders: readonly string[],
  options: { builtin?: boolean } = {},
): Promise<RuleSet> {
  const set: RuleSet = {
    rules: options.builtin === false ? [] : [...builtinRules()],
    problems: [],
    files: 0,
  };
  const seen = new Map<string, string>(set.rules.map((r) => [r.id, r.source]));
  for (const folder of folders) {
    const files: string[] = [];
    await collect(folder, 0, files, set.problems);
    for (const file of files.sort()) {
      set.files++;
      let text: string;
      try {
        const stat = await fs.stat(file);
        if (stat.size > MAX_RULE_FILE_BYTES) {
          set.problems.push({
            source: file,
            kind: 'invalid',
            reason: `larger than ${MAX_RULE_FILE_BYTES / 1024 / 1024} MiB: not a rule file`,
          });
          continue;
        }
        text = await fs.readFile(file, 'utf8');
      } catch (e) {
        set.problems.push({
          source: file,
          kind: 'invalid',
          reason: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        });
        continue;
      }
      const parsed = parseSigmaRules(text, file);
      set.problems.push(...parsed.problems);
      for (const rule of parsed.rules) {
        const earlier = seen.get(rule.id);
        if (earlier !== undefined) {
          set.problems.push({
            source: file,
            id: rule.id,
            title: rule.title,
            kind: 'invalid',
            reason: `its id is already used by a rule from ${earlier}`,
          });
          continue;
        }
        seen.set(rule.id, file);
        set.rules.push(rule);
      }
    }
  }
  return set;
}

async function collect(
  dir: string,
  depth: number,
  out: string[],
  problems: RuleProblem[],
): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push({
      source: dir,
      kind: 'invalid',
      reason:
        code === 'ENOENT'
          ? 'no such folder'
          : code === 'ENOTDIR'
            ? 'not a folder'
            : `cannot be read: ${code ?? (e as Error).message}`,
    });
    return;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name.startsWith('.')) continue;
      if (depth >= MAX_DEPTH)
        problems.push({
          source: full,
          kind: 'invalid',
          reason: `more than ${MAX_DEPTH} folders deep: not read`,
        });
      else await collect(full, depth + 1, out, problems);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(full);
    else if (e.isSymbolicLink()) await linked(full, /\.ya?ml$/i.test(e.name), out, problems);
  }
}

/**
 * A symbolic link in a rule folder (a rules repository linked in, say): a link to a rule file is
 * read as the file; one to a folder is named, not followed (links can loop); a rule file's link
 * that leads nowhere, or to something that is not a file, is named. Nothing is skipped without a
 * word.
 */
async function linked(
  full: string,
  ruleName: boolean,
  out: string[],
  problems: RuleProblem[],
): Promise<void> {
  let target;
  try {
    target = await fs.stat(full);
  } catch {
    target = undefined;
  }
  if (target?.isFile()) {
    if (ruleName) out.push(full);
  } else if (target?.isDirectory())
    problems.push({
      source: full,
      kind: 'invalid',
      reason: 'a link to a folder: not followed (add the folder itself to the rule folders)',
    });
  else if (ruleName)
    problems.push({
      source: full,
      kind: 'invalid',
      reason: target
        ? 'a link to something that is not a file: not read'
        : 'a link that leads nowhere: not read',
    });
}

/**
 * One line per problem, for a terminal or an output channel. The file's name, the rule's title
 * and id and a reason quoting the rule stay on the line whatever they hold (lineText): a rule
 * file shared by others titled `x\nHIGH …` must not forge a line of the report.
 */
export function problemLine(p: RuleProblem): string {
  const what = p.title ? `"${p.title}"${p.id && p.id !== p.title ? ` (${p.id})` : ''}` : 'file';
  return lineText(
    `${p.source}: ${what} ${p.kind === 'unsupported' ? 'not run' : 'not loaded'}: ${p.reason}`,
  );
}
