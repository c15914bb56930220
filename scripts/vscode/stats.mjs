// The suite's totals for scripts/test.mjs, which adds every suite into one closing line.
import { writeFileSync } from 'node:fs';

export function writeStats({ passed, failed, skipped = 0 }) {
  const file = process.env.CTL_STATS_FILE;
  if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
}
