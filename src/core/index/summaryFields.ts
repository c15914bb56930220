// The event summary's fields by name: the columns the CLI's csv/table output and the timeline's
// CSV export write, under the same names (so `--fields` reproduces an export's header).
import type { EventSummary } from './eventIndex';
import type { Origin } from '../origin/resolve';

/** Summary columns by name (a Map: names come from the command line and must not meet Object's own). */
export const SUMMARY_FIELDS: ReadonlyMap<string, (s: EventSummary) => string> = new Map<string, (s: EventSummary) => string>([
  ['time', (s) => s.eventTime],
  ['eventTime', (s) => s.eventTime],
  ['eventName', (s) => s.eventName],
  ['eventSource', (s) => s.eventSource],
  ['principal', (s) => s.principal],
  ['principalType', (s) => s.principalType],
  ['principalArn', (s) => s.principalArn],
  ['accessKeyId', (s) => s.accessKeyId],
  ['sourceIPAddress', (s) => s.sourceIPAddress],
  ['userAgent', (s) => s.userAgent],
  ['region', (s) => s.region],
  ['awsRegion', (s) => s.region],
  ['account', (s) => s.account],
  ['errorCode', (s) => s.errorCode],
  ['readOnly', (s) => (s.readOnly === undefined ? '' : String(s.readOnly))],
  ['eventID', (s) => s.eventID],
  ['eventType', (s) => s.eventType],
  ['file', (s) => s.fileKey],
]);

/**
 * The origin's columns (core/origin): who is behind the event, by the credential chains of the
 * events loaded. Kept apart from SUMMARY_FIELDS because they need the whole index resolved.
 */
export const ORIGIN_SUMMARY_FIELDS: ReadonlyMap<string, (o: Origin) => string> = new Map<string, (o: Origin) => string>([
  ['origin', (o) => o.arn],
  ['originType', (o) => o.type],
  ['originHops', (o) => String(o.hops.length)],
  ['originComplete', (o) => String(o.complete)],
]);
