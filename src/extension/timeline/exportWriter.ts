// Writes a result to a file the user picked: JSON Lines (each record exactly as stored: the
// bytes of a record kept on one line in its file, one line per record) or CSV (the table's
// columns, through the core's one CSV writer, under the names the CLI's --fields uses), through
// writeFileAtomically: a failed or cancelled export never leaves a half-written file.
import { EXPORT_CSV_FIELDS, SUMMARY_FIELDS } from '../../core/index/columns';
import { singleLineJson } from '../../core/ingest/eventFile';
import { writeFileAtomically } from '../../core/output/atomicFile';
import { csvLine } from '../../core/output/csv';
import { ResultSet, TimelineData } from './timelineData';

const BATCH = 2000;

// The CSV's columns are the table's, named as `cloudtrail-lens query --fields` names them.
export { EXPORT_CSV_FIELDS };
const csvReaders = EXPORT_CSV_FIELDS.map((f) => SUMMARY_FIELDS.get(f)!);

export async function writeExport(
  file: string,
  format: 'jsonl' | 'csv',
  data: TimelineData,
  result: ResultSet,
  signal: AbortSignal,
  onProgress: (done: number, total: number) => void,
): Promise<number> {
  async function* text(): AsyncGenerator<string> {
    if (format === 'csv') yield csvLine(EXPORT_CSV_FIELDS);
    for (let start = 0; start < result.size; start += BATCH) {
      if (signal.aborted) throw new Error('export cancelled');
      const count = Math.min(BATCH, result.size - start);
      if (format === 'csv') {
        yield data
          .summaries(result, start, count)
          .map((s) => csvLine(csvReaders.map((read) => read(s))))
          .join('');
      } else {
        const texts = await data.rawMany(data.ids(result, start, count));
        yield texts.map((t) => `${singleLineJson(t)}\n`).join('');
      }
      onProgress(start + count, result.size);
    }
  }
  await writeFileAtomically(file, text());
  return result.size;
}
