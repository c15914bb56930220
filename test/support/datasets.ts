// The real public datasets live beside the project in ../shared/datasets (read-only, present
// in CI). Tests that read them use describeWithDatasets: when the folder is absent, the suite
// registers one pending test whose title says so, instead of passing silently.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DATASETS_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'datasets');

export function datasetsAvailable(): boolean {
  return existsSync(join(DATASETS_DIR, 'SOURCES.md'));
}

/** Absolute path of a file or folder under ../shared/datasets. */
export function dataset(...parts: string[]): string {
  return join(DATASETS_DIR, ...parts);
}

export function describeWithDatasets(title: string, body: (this: Mocha.Suite) => void): void {
  if (datasetsAvailable()) {
    describe(title, body);
  } else {
    describe(title, () => {
      it(`NOT RUN: ../shared/datasets is absent (expected at ${DATASETS_DIR})`);
    });
  }
}
