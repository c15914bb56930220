// Posture rules: settings the API accepts but auditors flag. Each names the CIS AWS
// Foundations Benchmark (v1.4.0 numbering), AWS Security Hub, checkov and trivy controls.
import { DOCS } from '../apiFacts';
import { anchorOf, type Target } from '../recognise';
import { defineRule } from '../rule';
import type { Syntax } from '../syntax';
import { managementEventCoverage, s3ObjectCoverage } from '../selectors';
import { boolValue, isIntrinsic, prop, propKey, stringValue, type Node } from '../tree';
import type { Fix } from '../types';

type State = 'on' | 'off' | 'unknown';

/** A boolean setting as the trail will have it: stated, the default (the API's unless the target has its own), or unknown. */
function booleanSetting(t: Target, key: string, defaultValue: boolean): State {
  const node = prop(t.object, key);
  if (!node)
    return t.absentMeansDefault ? ((t.defaults?.[key] ?? defaultValue) ? 'on' : 'off') : 'unknown';
  const b = boolValue(node);
  return b === undefined ? 'unknown' : b ? 'on' : 'off';
}

/** A string setting (an ARN): set, empty/absent, or unknown. */
function stringSetting(t: Target, key: string): State {
  const node = prop(t.object, key);
  if (!node) return t.absentMeansDefault ? 'off' : 'unknown';
  if (isIntrinsic(node)) return 'on';
  const s = stringValue(node);
  return s === undefined ? 'unknown' : s === '' ? 'off' : 'on';
}

/** Where a finding points: the stated value, or (the setting absent) the trail's name, the template resource's id or header. */
function at(t: Target, key: string): Node | { offset: number; length: number } {
  return prop(t.object, key) ?? anchorOf(t);
}

function fixSet(
  ctx: { syntax: Syntax; target: Target },
  title: string,
  settings: [string, boolean][],
): Fix[] {
  // API outputs (and Terraform plans) describe a trail; editing them changes nothing, so they get no fix.
  if (ctx.target.shape === 'output') return [];
  // Each edit is computed on the original text: at most one of them inserts a new setting,
  // the others replace existing values, so they never overlap.
  const edits = [];
  for (const [key, value] of settings)
    edits.push(...ctx.syntax.setProperty(ctx.target, ctx.target.object, key, value));
  return edits.length ? [{ title, edits }] : [];
}

export const logFileValidationOff = defineRule(
  {
    id: 'log-file-validation-off',
    group: 'posture',
    severity: 'warning',
    title: 'Log file validation is off',
    description:
      'Without log file validation CloudTrail writes no signed digest files, so nobody can prove later that log files were not modified or deleted after delivery. It is off by default.',
    docUrl: DOCS.logFileValidation,
    controls: [
      'CIS AWS Foundations 3.2',
      'Security Hub CloudTrail.4',
      'checkov CKV_AWS_36',
      'trivy AVD-AWS-0016',
    ],
  },
  (ctx) => {
    const t = ctx.target;
    if (!t.hasTrailSettings || booleanSetting(t, t.names.logFileValidation, false) !== 'off')
      return;
    ctx.report({
      node: at(t, t.names.logFileValidation),
      message:
        'Log file validation is off: tampering with delivered logs would go undetected (CIS 3.2).',
      fixes: fixSet(ctx, 'Turn on log file validation', [[t.names.logFileValidation, true]]),
    });
  },
);

export const notMultiRegion = defineRule(
  {
    id: 'not-multi-region',
    group: 'posture',
    severity: 'warning',
    title: 'Trail is not multi-Region',
    description:
      'A single-Region trail misses activity in every other Region, which is where attackers like to work (crypto-mining in an unused Region). Auditors expect at least one multi-Region trail; single-Region is the API default.',
    docUrl: DOCS.multiRegion,
    controls: [
      'CIS AWS Foundations 3.1',
      'Security Hub CloudTrail.1',
      'checkov CKV_AWS_67',
      'trivy AVD-AWS-0014',
    ],
  },
  (ctx) => {
    const t = ctx.target;
    const store = t.resource === 'event-data-store';
    const key = t.names.multiRegion;
    if (!(t.hasTrailSettings || store) || booleanSetting(t, key, false) !== 'off') return;
    const settings: [string, boolean][] = [[key, true]];
    if (!store && boolValue(prop(t.object, 'IncludeGlobalServiceEvents')) === false)
      settings.push(['IncludeGlobalServiceEvents', true]);
    ctx.report({
      node: at(t, key),
      message: store
        ? 'The event data store collects events of its own Region only; activity in other Regions goes unrecorded.'
        : 'The trail logs one Region only; activity in other Regions goes unrecorded (CIS 3.1).',
      fixes: fixSet(
        ctx,
        store ? 'Make the event data store multi-Region' : 'Make the trail multi-Region',
        settings,
      ),
    });
  },
);

export const globalEventsExcluded = defineRule(
  {
    id: 'global-events-excluded',
    group: 'posture',
    severity: 'warning',
    title: 'Global service events excluded',
    description:
      'IAM, STS and CloudFront calls are global service events. With IncludeGlobalServiceEvents false the trail does not record them: user and role creation, policy changes and AssumeRole calls go unseen, unless another trail records them.',
    docUrl: DOCS.globalServiceEvents,
    controls: [
      'CIS AWS Foundations 3.1 (a multi-Region trail includes them)',
      'Security Hub CloudTrail.1',
    ],
  },
  (ctx) => {
    const t = ctx.target;
    if (!t.hasTrailSettings || booleanSetting(t, 'IncludeGlobalServiceEvents', true) !== 'off')
      return;
    // A multi-Region trail with global events off is an API error, reported by multi-region-global-events.
    if (boolValue(prop(t.object, 'IsMultiRegionTrail')) === true) return;
    ctx.report({
      node: at(t, 'IncludeGlobalServiceEvents'),
      message: 'Global service events (IAM, STS, CloudFront) are excluded from this trail.',
      fixes: fixSet(ctx, 'Include global service events', [['IncludeGlobalServiceEvents', true]]),
    });
  },
);

export const noKmsKey = defineRule(
  {
    id: 'no-kms-key',
    group: 'posture',
    severity: 'warning',
    title: 'Logs not encrypted with a KMS key',
    description:
      'Without KmsKeyId, log files are encrypted with SSE-S3 only: anyone who can read the bucket can read the logs. A customer managed KMS key adds a key policy that controls who may decrypt them.',
    docUrl: DOCS.kms,
    controls: [
      'CIS AWS Foundations 3.7',
      'Security Hub CloudTrail.2',
      'checkov CKV_AWS_35',
      'trivy AVD-AWS-0015',
      'checkov CKV_AWS_294 (event data stores)',
    ],
  },
  (ctx) => {
    const t = ctx.target;
    const store = t.resource === 'event-data-store';
    if (!(t.hasTrailSettings || store) || stringSetting(t, t.names.kmsKey) !== 'off') return;
    ctx.report({
      node: at(t, t.names.kmsKey),
      message: store
        ? 'The event data store is not encrypted with a customer managed KMS key.'
        : 'Log files are not encrypted with a customer managed KMS key (CIS 3.7).',
    });
  },
);

export const noCloudWatchLogs = defineRule(
  {
    id: 'no-cloudwatch-logs',
    group: 'posture',
    severity: 'warning',
    title: 'No CloudWatch Logs delivery',
    description:
      'Without CloudWatchLogsLogGroupArn the trail delivers to S3 only, so no metric filter or alarm can react to events in near real time (root sign-in, IAM policy changes, CloudTrail changes…).',
    docUrl: DOCS.cloudWatchLogs,
    controls: [
      'CIS AWS Foundations 3.4',
      'Security Hub CloudTrail.5',
      'checkov CKV2_AWS_10',
      'trivy AVD-AWS-0162',
    ],
  },
  (ctx) => {
    const t = ctx.target;
    if (!t.hasTrailSettings || stringSetting(t, 'CloudWatchLogsLogGroupArn') !== 'off') return;
    ctx.report({
      node: at(t, 'CloudWatchLogsLogGroupArn'),
      message:
        'The trail does not deliver to CloudWatch Logs; nothing can alarm on its events (CIS 3.4).',
    });
  },
);

export const loggingStopped = defineRule(
  {
    id: 'logging-stopped',
    group: 'posture',
    severity: 'warning',
    title: 'Logging is stopped',
    description:
      'IsLogging false: the trail exists but records nothing until logging is started again (StartLogging). Attackers stop trails to hide their tracks; check who did it (StopLogging events).',
    docUrl: DOCS.startLogging,
    controls: ['CIS AWS Foundations 3.1', 'Security Hub CloudTrail.1', 'checkov CKV_AWS_251'],
  },
  (ctx) => {
    const t = ctx.target;
    // IsLogging is a setting of templates (CloudFormation, Terraform's enable_logging) and a status.
    if (
      t.resource !== 'trail' ||
      (t.shape !== 'template' && t.kind !== 'trail-status' && t.kind !== 'terraform-plan')
    )
      return;
    const node = prop(t.object, 'IsLogging');
    if (!node || boolValue(node) !== false) return;
    ctx.report({
      node,
      message: 'Logging is stopped: the trail records no events.',
      fixes: t.shape === 'template' ? fixSet(ctx, 'Start logging', [['IsLogging', true]]) : [],
    });
  },
);

export const s3DataEventsIncomplete = defineRule(
  {
    id: 's3-data-events-incomplete',
    group: 'posture',
    severity: 'info',
    title: 'Data event selectors that leave out S3 object reads or writes',
    description:
      'The selectors log data events, but not S3 object-level read and/or write events for every bucket. Auditors check that object-level write (CIS 3.10) and read (CIS 3.11) events are logged; another trail may cover them.',
    docUrl: DOCS.dataEvents,
    controls: [
      'CIS AWS Foundations 3.10 (writes)',
      'CIS AWS Foundations 3.11 (reads)',
      'Security Hub S3.22 / S3.23',
    ],
  },
  (ctx) => {
    const t = ctx.target;
    const cov = s3ObjectCoverage(t);
    if (!cov.claimsData || cov.unknown || (cov.read && cov.write)) return;
    const missing = !cov.read && !cov.write ? 'read and write' : !cov.read ? 'read' : 'write';
    const node = propKey(t.object, 'AdvancedEventSelectors') ?? propKey(t.object, 'EventSelectors');
    if (!node) return;
    ctx.report({
      node,
      message: `These selectors log data events but not S3 object-level ${missing} events for every bucket (CIS ${missing === 'read' ? '3.11' : missing === 'write' ? '3.10' : '3.10, 3.11'}).`,
    });
  },
);

export const managementEventsPartial = defineRule(
  {
    id: 'management-events-partial',
    group: 'posture',
    severity: 'warning',
    title: 'Management events: only reads or only writes',
    description:
      'The selectors log management events, but only read events or only write events. Auditors expect a trail that records both (CreateUser and StopLogging are writes; ListBuckets and GetSecretValue reconnaissance are reads); another trail may cover the rest.',
    docUrl: DOCS.managementEvents,
    controls: ['CIS AWS Foundations 3.1', 'Security Hub CloudTrail.1'],
  },
  (ctx) => {
    const cov = managementEventCoverage(ctx.target);
    if (!cov || cov.read === cov.write || !cov.narrowedAt) return;
    ctx.report({
      node: cov.narrowedAt,
      message: `Only ${cov.read ? 'read' : 'write'} management events are logged; ${cov.read ? 'write' : 'read'} events go unrecorded (CIS 3.1).`,
    });
  },
);

export const POSTURE_RULES = [
  logFileValidationOff,
  notMultiRegion,
  globalEventsExcluded,
  noKmsKey,
  noCloudWatchLogs,
  loggingStopped,
  managementEventsPartial,
  s3DataEventsIncomplete,
];
