// Histogram bins with round widths (1 s … 1 year), aligned to multiples of the width, so bin
// edges fall on whole minutes, hours or days and labels read naturally.
import { TimeRange } from '../../protocol';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
export const BIN_WIDTHS = [
  S,
  2 * S,
  5 * S,
  10 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
  14 * D,
  30 * D,
  91 * D,
  365 * D,
];

export interface Bins {
  from: number;
  binMs: number;
  bins: number;
}

/** The roundest bins covering `range` with at most `wanted` bins. */
export function chooseBins(range: TimeRange, wanted: number): Bins {
  const span = Math.max(1, range.to - range.from);
  const max = Math.max(1, Math.floor(wanted));
  const binMs =
    BIN_WIDTHS.find(
      (w) => Math.ceil((Math.ceil(range.to / w) * w - Math.floor(range.from / w) * w) / w) <= max,
    ) ?? Math.ceil(span / max);
  const from = Math.floor(range.from / binMs) * binMs;
  const end = Math.max(from + binMs, Math.ceil(range.to / binMs) * binMs);
  return { from, binMs, bins: Math.max(1, Math.round((end - from) / binMs)) };
}
