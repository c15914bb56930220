import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldInfo } from '../../../src/core/records/fieldMeanings';
import { COLUMNS } from '../../../src/core/index/columns';
import {
  FIELD_ALIASES,
  KNOWN_FIELDS,
  ORIGIN_FIELD,
  DETECTION_FIELD,
  LEVEL_FIELD,
  canonicalPath,
  fieldCompletions,
  isTimeField,
  resolveField,
  isAnnotationField,
} from '../../../src/core/query/fields';

describe('query fields', () => {
  it('has unique alias names that never contain a dot', () => {
    const names = FIELD_ALIASES.map((a) => a.name.toLowerCase());
    assert.equal(new Set(names).size, names.length);
    for (const n of names) assert.ok(!n.includes('.'), n);
  });

  it('never lets an alias shadow a top-level record field of another meaning', () => {
    const topLevel = new Set(KNOWN_FIELDS.map((f) => f.path.split('.')[0].toLowerCase()));
    for (const alias of FIELD_ALIASES) {
      if (topLevel.has(alias.name.toLowerCase())) {
        assert.deepEqual(
          alias.paths.map((p) => p.toLowerCase()),
          [alias.name.toLowerCase()],
          `${alias.name} shadows a record field`,
        );
      }
    }
  });

  it('takes every output column name (CSV, --fields) as a filter on that column', () => {
    // `--fields accessKeyId` prints a column; `--filter accessKeyId:AKIA…` must filter on it.
    // The case column shows the star, tags and note: its filters are starred:, tag: and note:.
    for (const column of COLUMNS) {
      if (!column.field || column.id === 'tag') continue;
      for (const name of [column.csv, ...(('csvAliases' in column && column.csvAliases) || [])])
        assert.ok(
          resolveField(name).paths.includes(column.field),
          `${name} resolves to ${resolveField(name).paths.join(', ')}, not the column's ${column.field}`,
        );
    }
  });

  it('maps aliases to known canonical paths', () => {
    const known = new Set(KNOWN_FIELDS.map((f) => f.path));
    // origin is worked out from the chains, detection / level by the rule engine; starred / tag / note are the case file's annotations, not record fields.
    for (const alias of FIELD_ALIASES)
      for (const p of alias.paths)
        assert.ok(
          known.has(p) ||
            p === ORIGIN_FIELD ||
            p === DETECTION_FIELD ||
            p === LEVEL_FIELD ||
            isAnnotationField(p),
          `${alias.name} → ${p} is not a known field`,
        );
  });

  it('respells known paths and prefixes canonically, leaving unknown tails alone', () => {
    assert.equal(canonicalPath('USERIDENTITY.ARN'), 'userIdentity.arn');
    assert.equal(canonicalPath('requestparameters.FooBar'), 'requestParameters.FooBar');
    assert.equal(canonicalPath('p_log_type'), 'p_log_type');
    assert.deepEqual(resolveField('Bucket').paths, ['requestParameters.bucketName']);
    assert.equal(resolveField('eventName').alias, undefined);
  });

  it('suggests only record fields the field catalogue knows (outside free-form request/response data)', () => {
    for (const { path } of KNOWN_FIELDS) {
      if (/^(requestParameters|responseElements|additionalEventData)\./.test(path)) continue;
      const segments: Array<string | number> = path.split('.');
      if (segments[0] === 'resources') segments.splice(1, 0, 0);
      assert.ok(fieldInfo(segments), `${path} is not in src/core/records/fieldMeanings.ts`);
    }
  });

  it('knows the time fields', () => {
    assert.ok(isTimeField('eventTime'));
    assert.ok(isTimeField('userIdentity.sessionContext.attributes.creationDate'));
    assert.ok(!isTimeField('eventName'));
  });

  it('offers every alias and known field for completion, with a description', () => {
    const completions = fieldCompletions();
    assert.equal(completions.length, FIELD_ALIASES.length + KNOWN_FIELDS.length);
    for (const c of completions) assert.ok(c.detail.length > 5, c.label);
    assert.equal(completions[0].kind, 'alias');
  });

  it('documents every alias in the README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Query language'));
    assert.ok(readme.includes('## Query language'));
    for (const alias of FIELD_ALIASES)
      assert.ok(section.includes(`\`${alias.name}\``), `README does not document ${alias.name}`);
  });
});
