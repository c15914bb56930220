// Export of the current result: JSON Lines carries each record exactly as the index holds it;
// CSV carries the table's columns (what the user saw) with RFC 4180 quoting. Cells that a
// spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) are prefixed with a
// quote: log values are attacker-controlled (CSV injection).
import { RowSummary } from '../../protocol';

export const CSV_COLUMNS: readonly (keyof RowSummary)[] = ['time', 'eventName', 'eventSource', 'principal', 'sourceIp', 'region', 'account', 'errorCode', 'readOnly'];
const CSV_HEADER = ['eventTime', 'eventName', 'eventSource', 'principal', 'sourceIPAddress', 'awsRegion', 'account', 'errorCode', 'readOnly'];

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return CSV_HEADER.join(',') + '\r\n';
}

export function csvLine(row: RowSummary): string {
  return (
    CSV_COLUMNS.map((c) => {
      const v = row[c];
      if (c === 'time') return typeof v === 'number' && v >= 0 ? new Date(v).toISOString().replace('.000Z', 'Z') : '';
      return csvCell(String(v));
    }).join(',') + '\r\n'
  );
}

/** One JSON Lines line from a record's raw JSON text (re-serialised compactly, one line each). */
export function jsonLine(rawJson: string): string {
  try {
    return JSON.stringify(JSON.parse(rawJson)) + '\n';
  } catch {
    // The index only holds records that parsed; keep the text anyway rather than lose it.
    return rawJson.replace(/\r?\n/g, ' ') + '\n';
  }
}
