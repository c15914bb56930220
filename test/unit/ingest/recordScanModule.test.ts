// The WebAssembly record walk is committed compiled (recordScanModule.ts), so that the bundles,
// the worker threads and these tests load the same bytes without a build step. This holds the
// committed bytes equal to what the AssemblyScript source compiles to now.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '../../..');

describe('the WebAssembly record walk module', function () {
  this.timeout(120_000);
  it('is what src/core/ingest/assembly/recordScan.ts compiles to (node scripts/buildWasm.mjs)', async () => {
    const build = (await import(pathToFileURL(join(ROOT, 'scripts/buildWasm.mjs')).href)) as {
      compileRecordScan(): Uint8Array;
      moduleText(wasm: Uint8Array): string;
    };
    const committed = readFileSync(join(ROOT, 'src/core/ingest/recordScanModule.ts'), 'utf8');
    assert.ok(
      committed === build.moduleText(build.compileRecordScan()),
      'src/core/ingest/recordScanModule.ts is stale: run node scripts/buildWasm.mjs',
    );
  });
});
