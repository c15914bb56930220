// Writes a result to a file the user picked: JSON Lines (each record exactly as stored: the
// bytes of a record kept on one line in its file, one line per record) or CSV (the table's
// columns, through the core's one CSV writer, under the names the CLI's --fields uses). It
// writes beside the target and renames at the end, so a failed or cancelled export never leaves
// a half-written file under the user's name.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { EXPORT_CSV_FIELDS, SUMMARY_FIELDS } from '../../core/index/columns';
import { singleLineJson } from '../../core/ingest/eventFile';
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
  const partial = `${file}.partial-${process.pid}`;
  const out = createWriteStream(partial, { encoding: 'utf8' });
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
  try {
    // pipeline: the file's failure (it cannot be created, the disk is full), which may come
    // while records are being read, ends the export with that error instead of leaving it
    // unheard and the export waiting on a stream that will never drain.
    await pipeline(text(), out);
    await rename(partial, file);
    return result.size;
  } catch (e) {
    out.destroy();
    // The file may still be being opened: remove it only once the stream has let go of it, or
    // the open would create it again after the removal.
    if (!out.closed) await once(out, 'close').catch(() => {});
    await rm(partial, { force: true });
    throw e;
  }
}
