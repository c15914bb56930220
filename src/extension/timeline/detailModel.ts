// The detail pane's content for one record: the record indented with every token as stored
// (a parse and re-serialisation would change big numbers, 1e400, duplicate keys), the same plain-words
// explanations as the code lenses (RECORDS' describeIdentity / describeRequest) and the pivots
// it offers, each a filter written by the query language's own formatter.
import { DetailReply, Explanation, LIMITS, OriginView, Pivot } from '../../protocol';
import { Origin, describeOrigin } from '../../core/origin/resolve';
import { formatTermWithin } from '../../core/query/format';
import { duplicatedKeys, indentJson } from '../../core/ingest/eventFile';
import { canonicalRecord } from '../../core/ingest/canonical';
import { describeIdentity } from '../../core/records/identity';
import { describeRequest } from '../../core/records/request';
import type { CloudTrailRecord } from '../../core/records/types';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An Insights event in words: which API, what kind of unusual activity, starting or ending, how far from the baseline. */
function insightExplanation(record: CloudTrailRecord): Explanation | undefined {
  const d = record.insightDetails;
  if (!d || typeof d !== 'object' || Array.isArray(d)) return undefined;
  const kind =
    d.insightType === 'ApiCallRateInsight'
      ? 'unusual API call rate'
      : d.insightType === 'ApiErrorRateInsight'
        ? 'unusual API error rate'
        : (str(d.insightType) ?? 'unusual activity');
  const state = d.state === 'Start' ? 'started' : d.state === 'End' ? 'ended' : str(d.state);
  const stats = (
    d.insightContext as
      | { statistics?: { baseline?: { average?: unknown }; insight?: { average?: unknown } } }
      | undefined
  )?.statistics;
  const rates =
    typeof stats?.insight?.average === 'number' && typeof stats.baseline?.average === 'number'
      ? ` (average ${stats.insight.average} per minute against a baseline of ${stats.baseline.average})`
      : '';
  const api = [str(d.eventSource), str(d.eventName)].filter(Boolean).join(' ');
  return {
    label: 'Insight',
    text: `CloudTrail Insights: ${kind}${api ? ` of ${api}` : ''}${state ? ` ${state}` : ''}${rates}`,
  };
}

export function explanationsFor(
  record: CloudTrailRecord,
  who = describeIdentity(record.userIdentity, record),
): Explanation[] {
  const out: Explanation[] = [];
  const insight = insightExplanation(record);
  if (insight) {
    out.push(insight);
    if (!record.userIdentity) return out.concat(whereAndFrom(record));
  }
  out.push({ label: 'Who', text: who.summary });
  if (who.risk && who.riskReason)
    out.push({ label: `Identity risk (${who.risk})`, text: who.riskReason });
  const what = describeRequest(record);
  out.push({ label: 'What', text: what.summary });
  if (what.risky) out.push({ label: 'Why it matters', text: what.risky });
  for (const p of what.keyParameters.slice(0, 8)) out.push({ label: p.name, text: p.value });
  const error = str(record.errorCode);
  if (error)
    out.push({
      label: 'Error',
      text: str(record.errorMessage) ? `${error}: ${record.errorMessage}` : error,
    });
  out.push(...whereAndFrom(record));
  for (const f of who.facts) out.push({ label: f.label, text: f.value });
  return out;
}

/** The pane's line for a userIdentity that contradicts itself: what disagrees, and what this tool reads. */
export function contradictionText(conflicts: readonly string[]): string {
  return `This record's userIdentity contradicts itself (${conflicts.join('; ')}). CloudTrail writes these fields from the one identity that made the call, so the record may have been edited. Names shown here, in the Principal column and facet, the pivots and the origin come from the ARN; filters read each field as written, so user:, role:, session: or account: may find this event under the other value.`;
}

function whereAndFrom(record: CloudTrailRecord): Explanation[] {
  const out: Explanation[] = [];
  const where = [
    str(record.awsRegion),
    str(record.recipientAccountId) && `account ${record.recipientAccountId}`,
  ]
    .filter(Boolean)
    .join(' · ');
  if (where) out.push({ label: 'Where', text: where });
  const from = [str(record.sourceIPAddress), str(record.userAgent)].filter(Boolean).join(' · ');
  if (from) out.push({ label: 'From', text: from });
  return out;
}

/** The pivots a record supports; a pivot is only offered when the record has the value. */
export function pivotsFor(record: CloudTrailRecord): Pivot[] {
  const id =
    record.userIdentity && typeof record.userIdentity === 'object'
      ? record.userIdentity
      : undefined;
  const pivots: Pivot[] = [];
  const add = (
    kind: Pivot['kind'],
    label: string,
    field: string,
    value: string | undefined,
  ): void => {
    if (value === undefined) return;
    // A value too long for a filter is matched by its first characters, and the label says so.
    const fitted = formatTermWithin(field, value, LIMITS.filterLength);
    if (!fitted) return;
    const prefix =
      fitted.prefixLength === undefined
        ? ''
        : ` (values starting with its first ${fitted.prefixLength.toLocaleString('en-US')} characters)`;
    pivots.push({ kind, label: `${label}${prefix}`, filter: fitted.term });
  };
  const issuerArn = str(id?.sessionContext?.sessionIssuer?.arn);
  const arn = str(id?.arn);
  // A role's sessions are one principal: pivot on the role, not the one session.
  if (issuerArn) add('principal', `Same role: ${issuerArn.split('/').pop()}`, 'role', issuerArn);
  else if (arn)
    add('principal', `Same principal: ${arn.split(/[:/]/).pop()}`, 'userIdentity.arn', arn);
  else add('principal', 'Same principal ID', 'principal', str(id?.principalId));
  add('accessKey', `Same access key: ${str(id?.accessKeyId) ?? ''}`, 'key', str(id?.accessKeyId));
  add(
    'sourceIp',
    `Same IP: ${str(record.sourceIPAddress) ?? ''}`,
    'ip',
    str(record.sourceIPAddress),
  );
  if (issuerArn && arn)
    add('session', `Same session: ${arn.split('/').pop()}`, 'userIdentity.arn', arn);
  const resource = Array.isArray(record.resources)
    ? record.resources.map((r) => str(r?.ARN)).find(Boolean)
    : undefined;
  const bucket = str(
    (record.requestParameters as Record<string, unknown> | null | undefined)?.bucketName,
  );
  if (resource)
    add('resource', `Same resource: ${resource.split(/[:/]/).pop()}`, 'resource', resource);
  else if (bucket) add('resource', `Same bucket: ${bucket}`, 'bucket', bucket);
  return pivots;
}

/** The origin as the pane shows it: the summary line and each hop, linked to its issuing event. */
export function originView(o: Origin, consoleLogin?: OriginView['consoleLogin']): OriginView {
  return {
    summary: describeOrigin(o),
    hops: o.hops.map((h) => ({
      id: h.row,
      eventID: h.eventID,
      eventName: h.eventName,
      arn: h.arn,
    })),
    ...(consoleLogin ? { consoleLogin } : {}),
  };
}

/** The pane for a record given as its raw JSON text (as the index stores it). */
export function detailFor(
  id: number,
  rawJson: string,
  time: number,
  origin?: Origin,
  consoleLogin?: OriginView['consoleLogin'],
): DetailReply {
  const reply = detailOf(id, rawJson, time);
  return origin && reply.explanations.length && !reply.explanations.some((e) => e.label === 'Note')
    ? { ...reply, origin: originView(origin, consoleLogin) }
    : reply;
}

function detailOf(id: number, rawJson: string, time: number): DetailReply {
  let record: unknown;
  try {
    record = JSON.parse(rawJson);
  } catch {
    return {
      type: 'detailResult',
      id,
      time,
      json: rawJson,
      explanations: [{ label: 'Note', text: 'This record is not valid JSON; shown as stored.' }],
      pivots: [],
    };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return {
      type: 'detailResult',
      id,
      time,
      json: indentJson(rawJson),
      explanations: [{ label: 'Note', text: 'This record is not a JSON object.' }],
      pivots: [],
    };
  }
  // Read as the index reads it (renamed fields under CloudTrail's names); shown as stored.
  const r = canonicalRecord(record as Record<string, unknown>).record as CloudTrailRecord;
  // What is wrong with the record itself, worked out before anything that could fail.
  const warnings: Explanation[] = [];
  const twice = duplicatedKeys(rawJson, MAX_DUPLICATED_KEYS);
  if (twice.length)
    warnings.push({
      label: 'Duplicated keys',
      text: `This record names ${twice.join(', ')}${twice.length === MAX_DUPLICATED_KEYS ? ' (and maybe more)' : ''} more than once. Filters, columns, detections and these explanations read the last of each, as JSON.parse does; other tools may read the first. The record below shows every one as stored.`,
    });
  let explanations: Explanation[];
  let pivots: Pivot[];
  try {
    const who = describeIdentity(r.userIdentity, r);
    if (who.conflicts.length)
      warnings.push({ label: 'Contradictory identity', text: contradictionText(who.conflicts) });
    explanations = explanationsFor(r, who);
    pivots = pivotsFor(r);
  } catch (e) {
    // Explanations must never cost the user the record itself.
    explanations = [
      {
        label: 'Note',
        text: `No explanation for this record (${e instanceof Error ? e.message : String(e)}).`,
      },
    ];
    pivots = [];
  }
  return {
    type: 'detailResult',
    id,
    time,
    json: indentJson(rawJson),
    ...(warnings.length ? { warnings } : {}),
    explanations,
    pivots,
  };
}

const MAX_DUPLICATED_KEYS = 10;
