// Small readers for requestParameters: values are attacker-controlled and of any shape, so
// every accessor checks types and renders a bounded, single-line text.

import { cellText, cutText } from '../output/visibleText';

export type Params = Record<string, unknown>;

const MAX_VALUE_CHARS = 120;

/** The value at a dotted path ("ipPermissions.items"), or undefined. */
export function at(params: unknown, path: string): unknown {
  let cur: unknown = params;
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Params)[key];
  }
  return cur;
}

/** A single-line rendering of any JSON value, cut to a bounded length. */
export function render(value: unknown, max = MAX_VALUE_CHARS): string | undefined {
  let text: string;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null))
    text = value.map(String).join(', ');
  else text = JSON.stringify(value);
  // One line with its line breaks and hidden characters shown (cellText), not turned into spaces:
  // `bob\nWhy it matters: …` must not read as two values.
  text = cellText(text, Infinity);
  return text.length > max ? `${cutText(text, max - 1)}…` : text;
}

/** The rendered value at a path, or the fallback. */
export function text(params: unknown, path: string, fallback = '?'): string {
  return render(at(params, path)) ?? fallback;
}

/** Items of an EC2-style list ({items:[…]}) or a plain array. */
export function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  const inner = at(value, 'items');
  return Array.isArray(inner) ? inner : [];
}

/** The policy ARN's name ("arn:aws:iam::aws:policy/AdministratorAccess" → "AdministratorAccess"). */
export function policyName(arn: unknown): string {
  return typeof arn === 'string' ? arn.split('/').pop() || arn : '?';
}

/** Parses a policy document that CloudTrail logs as a JSON string (or already an object). */
export function policyDocument(value: unknown): Params | undefined {
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Params;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Params)
      : undefined;
  } catch {
    return undefined;
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Whether a statement's Condition tests anything: `{}` or `{"StringEquals":{}}` limits nothing. */
function conditionTests(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return false;
  return Object.values(condition).some(
    (test) => test && typeof test === 'object' && Object.keys(test).length > 0,
  );
}

/**
 * Allow statements of a policy that let everyone in without a condition: Principal "*" or
 * {"AWS":"*"}, or NotPrincipal (Allow with NotPrincipal allows every principal but those named,
 * anonymous ones included: IAM User Guide, "AWS JSON policy elements: NotPrincipal").
 */
export function grantsPublicAccess(document: Params | undefined): boolean {
  if (!document) return false;
  return asArray(document.Statement).some((st) => {
    if (!st || typeof st !== 'object') return false;
    const s = st as Params;
    if (s.Effect !== 'Allow' || conditionTests(s.Condition)) return false;
    if (s.NotPrincipal !== undefined) return true;
    const principal = s.Principal;
    if (principal === '*') return true;
    return asArray(at(principal, 'AWS')).includes('*');
  });
}

/** Allow statements on every resource ("Resource": "*"). */
function allowsOnEverything(document: Params | undefined): Params[] {
  if (!document) return [];
  return asArray(document.Statement).filter(
    (st): st is Params =>
      !!st &&
      typeof st === 'object' &&
      (st as Params).Effect === 'Allow' &&
      asArray((st as Params).Resource).includes('*'),
  );
}

/** Whether a policy grants every action ("*", or "*:*", which matches every service:action) on every resource. */
export function grantsAdmin(document: Params | undefined): boolean {
  return allowsOnEverything(document).some((s) =>
    asArray(s.Action).some((a) => a === '*' || a === '*:*'),
  );
}

/**
 * The actions left out by an Allow statement with NotAction on every resource, which grants
 * every other action of every service (IAM User Guide, "AWS JSON policy elements: NotAction").
 */
export function grantsAllBut(document: Params | undefined): string[] | undefined {
  const s = allowsOnEverything(document).find((st) => st.NotAction !== undefined);
  return s ? asArray(s.NotAction).map((a) => (typeof a === 'string' ? a : '?')) : undefined;
}

/**
 * Principals (account ids, ARNs, services) a trust or resource policy lets in: those its Allow
 * statements name. A Deny statement's principals are the ones kept out.
 */
export function policyPrincipals(document: Params | undefined): string[] {
  if (!document) return [];
  const out = new Set<string>();
  for (const st of asArray(document.Statement)) {
    if (at(st, 'Effect') !== 'Allow') continue;
    const principal = at(st, 'Principal');
    if (typeof principal === 'string') out.add(principal);
    else if (principal && typeof principal === 'object') {
      for (const v of Object.values(principal as Params))
        for (const p of asArray(v)) if (typeof p === 'string') out.add(p);
    }
  }
  return [...out];
}
