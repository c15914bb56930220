// Sizes as people read them, in one convention everywhere (the explorer, progress, limits, error
// messages, the CLI): binary multiples with their IEC names (KiB, MiB, GiB, TiB). Every size the
// product compares a file or a process against is counted that way (the *MB settings and the
// CLI's --max-*-mb options are MiB), so "64.5 MiB, over the limit of 64 MiB" compares like with like.

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** "512 B", "1.5 KiB", "29.3 KiB", "250 MiB", "16 GiB": one decimal below 100, none above. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : +v.toFixed(1)} ${UNITS[i]}`;
}
