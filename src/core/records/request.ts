// What an API call did, in plain words: the line shown above each requestParameters and in the
// timeline's detail pane. Known calls come from the event catalogue; any other call still gets
// its parameters listed and a link to its API reference.
import { API_REFERENCE, EVENT_CATALOG, type EventSpec } from './apiCalls';
import { at, type Params, render } from './params';
import type { CloudTrailRecord } from './types';
import { cellText } from '../output/visibleText';

export interface KeyParameter {
  name: string;
  value: string;
}

export interface RequestDescription {
  /** e.g. "ec2:AuthorizeSecurityGroupIngress — opens tcp/22 to 0.0.0.0/0 on sg-1" (+ " · failed: AccessDenied"). */
  summary: string;
  /** Why the call matters to a responder (logging stopped, data made public, keys created, …). */
  risky?: string;
  /** The service prefix, e.g. "ec2" (eventSource without ".amazonaws.com"). */
  service: string;
  /** The event name with any API-version suffix removed (Lambda's "UpdateFunctionCode20150331v2"). */
  operation: string;
  apiReferenceUrl: string;
  keyParameters: KeyParameter[];
  /** Whether the call is in the catalogue (false: generic description). */
  known: boolean;
  errorCode?: string;
}

const MAX_GENERIC_PARAMS = 4;
// What a call did is cut to this many characters before " · failed: …" is added, so that no view
// cutting a long line (a code lens title) cuts off that the call failed, or the risk after it.
const MAX_DOES_CHARS = 300;
const MAX_RISK_CHARS = 300;

/** "iam.amazonaws.com" → "iam" */
export function serviceOf(eventSource: unknown): string {
  return typeof eventSource === 'string' && eventSource
    ? eventSource.replace(/\.amazonaws\.com$/, '')
    : 'unknown';
}

/** Lambda logs API versions in event names: "UpdateFunctionCode20150331v2" → "UpdateFunctionCode". */
export function operationOf(eventName: string): string {
  return eventName.replace(/\d{8}(v\d+)?$/, '');
}

/** The catalogue entry for a record, looked up by service and operation. */
export function eventSpecFor(eventSource: unknown, eventName: unknown): EventSpec | undefined {
  if (typeof eventName !== 'string') return undefined;
  const catalog = EVENT_CATALOG[serviceOf(eventSource)];
  const op = operationOf(eventName);
  return catalog && Object.prototype.hasOwnProperty.call(catalog, op) ? catalog[op] : undefined;
}

/** The number of event names the catalogue explains. */
export function catalogueSize(): number {
  return Object.values(EVENT_CATALOG).reduce((n, c) => n + Object.keys(c ?? {}).length, 0);
}

export function apiReferenceUrl(service: string, operation: string): string {
  const template = API_REFERENCE[service];
  if (template) return template.replace('{api}', encodeURIComponent(operation));
  return `https://docs.aws.amazon.com/search/doc-search.html?searchPath=documentation&searchQuery=${encodeURIComponent(`${service} ${operation}`)}`;
}

function keyParametersOf(params: Params | undefined, paths: string[]): KeyParameter[] {
  const out: KeyParameter[] = [];
  for (const path of paths) {
    const value = render(at(params, path));
    if (value !== undefined) out.push({ name: path, value });
  }
  return out;
}

/** Describes the API call a record logs. Never throws, whatever the record holds. */
export function describeRequest(record: CloudTrailRecord): RequestDescription {
  const service = serviceOf(record.eventSource);
  const eventName =
    typeof record.eventName === 'string' && record.eventName ? record.eventName : '(no eventName)';
  const operation = operationOf(eventName);
  const rawParams = record.requestParameters;
  const params: Params =
    rawParams && typeof rawParams === 'object' && !Array.isArray(rawParams) ? rawParams : {};
  const spec = eventSpecFor(record.eventSource, record.eventName);
  const errorCode =
    typeof record.errorCode === 'string' && record.errorCode ? record.errorCode : undefined;
  const failed = errorCode ? ` · failed: ${errorCode}` : '';

  if (spec) {
    let does: string;
    let risky: string | undefined;
    try {
      does = spec.does(params, record);
      risky = typeof spec.risky === 'function' ? spec.risky(params, record) : spec.risky;
    } catch {
      // A describer meeting an unexpected shape must not lose the lens: fall back to the name.
      does = 'parameters in an unexpected shape';
      risky = typeof spec.risky === 'string' ? spec.risky : undefined;
    }
    // One line, cut, with hidden characters marked, like what the call did: a risk names values
    // from the log (principals, account ids, ranges). A call that failed changed nothing; still
    // worth seeing, but not flagged as done.
    const riskLine = risky ? cellText(risky, MAX_RISK_CHARS) : undefined;
    const riskText = riskLine && errorCode ? `attempted: ${riskLine}` : riskLine;
    return {
      // One line whatever the event name, source or error code hold.
      summary: cellText(
        `${service}:${eventName} — ${cellText(does, MAX_DOES_CHARS)}${failed}`,
        Infinity,
      ),
      risky: riskText,
      service,
      operation,
      apiReferenceUrl: apiReferenceUrl(service, spec.api ?? operation),
      keyParameters: keyParametersOf(params, spec.key),
      known: true,
      errorCode,
    };
  }

  const keys = Object.keys(params);
  const keyParameters = keyParametersOf(params, keys);
  const listed = keyParameters
    .slice(0, MAX_GENERIC_PARAMS)
    .map((k) => `${k.name}=${render(k.value, 40)}`);
  const more =
    keyParameters.length > MAX_GENERIC_PARAMS
      ? `, +${keyParameters.length - MAX_GENERIC_PARAMS} more`
      : '';
  const does = keys.length ? listed.join(', ') + more : 'no request parameters';
  return {
    // One line whatever the event name, source or error code hold.
    summary: cellText(`${service}:${eventName} — ${does}${failed}`, Infinity),
    service,
    operation,
    apiReferenceUrl: apiReferenceUrl(service, operation),
    keyParameters,
    known: false,
    errorCode,
  };
}
