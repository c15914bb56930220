// Queries that parse but probably do not say what was meant. A field path is always allowed
// (records carry service-specific fields no list can name), so these are warnings a view may
// show beside the results, never errors.

import { QueryNode } from './ast';
import { FIELD_ALIASES, KNOWN_FIELDS, canonicalPath } from './fields';
import { FIELD_CATALOG, RECORD_CONTENTS_DOC, USER_IDENTITY_DOC } from '../../records/fieldCatalog';

export interface QueryWarning {
  /** UTF-16 offsets of the term in the query text. */
  start: number;
  end: number;
  message: string;
}

const recordPaths = new Set<string>(KNOWN_FIELDS.map((f) => f.path));
for (const info of FIELD_CATALOG.values()) {
  if (info.doc === RECORD_CONTENTS_DOC || info.doc === USER_IDENTITY_DOC) recordPaths.add(info.path.replace(/\[\]/g, ''));
}
const topLevel = new Set([...recordPaths].map((p) => p.split('.')[0].toLowerCase()));
// userIdentity has a fixed shape except for these free-form objects.
const FREE_FORM_IDENTITY = /^userIdentity\.(sessionContext\.webIdFederationData\.attributes|inScopeOf)\./;

/** Terms on fields no CloudTrail record has: likely typos (`usr:bob`, `userIdentity.usrName`). */
export function queryWarnings(node: QueryNode): QueryWarning[] {
  const warnings: QueryWarning[] = [];
  const seen = new Set<string>();
  const visit = (n: QueryNode): void => {
    switch (n.kind) {
      case 'and':
      case 'or':
        n.children.forEach(visit);
        return;
      case 'not':
        visit(n.child);
        return;
      case 'term': {
        const key = `${n.start}:${n.end}`;
        if (seen.has(key)) return;
        seen.add(key);
        const message = fieldWarning(n.field);
        if (message) warnings.push({ start: n.start, end: n.end, message });
        return;
      }
      default:
        return;
    }
  };
  visit(node);
  return warnings;
}

/** Why a field as typed is suspicious, or undefined when it is an alias or a record field. */
export function fieldWarning(typed: string): string | undefined {
  const segments = typed.split('.');
  if (segments.length === 1 && FIELD_ALIASES.some((a) => a.name.toLowerCase() === typed.toLowerCase())) return undefined;
  if (!topLevel.has(segments[0].toLowerCase())) {
    return `"${segments[0]}" is neither an alias nor a CloudTrail record field: only records that have it can match`;
  }
  const path = canonicalPath(typed);
  if (path.startsWith('userIdentity.') && !recordPaths.has(path) && !FREE_FORM_IDENTITY.test(path)) {
    return `"${typed}" is not a userIdentity field: only records that have it can match`;
  }
  return undefined;
}
