// package.json's `cloudtrailLens.lint.disabledRules` enum and its descriptions, generated from the
// rule table (src/core/lint/rules) so the setting offers exactly the engine's rules.
//   npx tsx scripts/lintRulesSetting.ts          rewrites package.json
//   npx tsx scripts/lintRulesSetting.ts --check  exits 1 when package.json is out of date
// A unit test (test/unit/lint/rules.test.ts) fails while package.json is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../src/core/lint/rules';

const SETTING = 'cloudtrailLens.lint.disabledRules';

/** package.json's text with the setting's enum and descriptions made from the rule table. */
export function withLintRules(packageJson: string): string {
  const pkg = JSON.parse(packageJson);
  const items = pkg.contributes.configuration.properties[SETTING].items;
  items.enum = RULES.map((r) => r.meta.id);
  items.enumDescriptions = RULES.map(
    (r) => `${r.meta.title} (${r.meta.group}, ${r.meta.severity})`,
  );
  return JSON.stringify(pkg, null, 2) + '\n';
}

if (require.main === module) {
  const file = join(__dirname, '..', 'package.json');
  const text = readFileSync(file, 'utf8');
  const next = withLintRules(text);
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error(
        `package.json: ${SETTING} is out of date with the lint rules; run npx tsx scripts/lintRulesSetting.ts`,
      );
      process.exit(1);
    }
  } else if (next !== text) {
    writeFileSync(file, next);
    console.log(`package.json: ${SETTING} updated from the lint rules`);
  }
}
