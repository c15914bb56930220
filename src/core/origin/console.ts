// A console session's sign-in: events made with console session credentials
// (sessionCredentialFromConsole) carry the session's creationDate, which is when its ConsoleLogin
// happened. The link is made only when one successful ConsoleLogin of the same principal ARN lies
// within a minute of that time; otherwise there is none, not a guess. Two there (a planted one
// dated nearer the session's creation, with the address it wants a report to name, or two real
// sign-ins a moment apart) cannot be told apart: neither is linked.
import type { EventIndex } from '../index/eventIndex';
import { ABSENT } from '../index/schema';
import { instantOf } from '../query/time';

const WINDOW_MS = 60_000;

/**
 * The successful ConsoleLogin events of an index, by principal ARN, gathered in one pass the first
 * time they are asked for: a report or an export asks for every console event it covers, and a
 * pass over the whole index for each would be quadratic. Make a new one after the index grows.
 */
export class ConsoleLogins {
  /** Rows of successful ConsoleLogins, in row order, by the id of their userIdentity.arn. */
  private byArn: Map<number, number[]> | undefined;

  constructor(private readonly index: EventIndex) {}

  /** The row of the ConsoleLogin that started the console session of `record` (the event at `row`), or -1. */
  rowFor(row: number, record: unknown): number {
    const r = record as {
      sessionCredentialFromConsole?: unknown;
      eventName?: unknown;
      userIdentity?: {
        arn?: unknown;
        sessionContext?: { attributes?: { creationDate?: unknown } };
      };
    } | null;
    if (!r || typeof r !== 'object') return -1;
    const fromConsole =
      r.sessionCredentialFromConsole === true || r.sessionCredentialFromConsole === 'true';
    if (!fromConsole || r.eventName === 'ConsoleLogin') return -1;
    const arn = r.userIdentity?.arn;
    const creationDate = r.userIdentity?.sessionContext?.attributes?.creationDate;
    const created = typeof creationDate === 'string' ? instantOf(creationDate) : undefined;
    if (typeof arn !== 'string' || created === undefined) return -1;
    const who = this.index.store.scalarByField.get('userIdentity.arn')!.dict.find(arn);
    if (who <= 0) return -1;
    const times = this.index.store.times;
    let found = -1;
    for (const i of (this.byArn ??= this.gather()).get(who) ?? []) {
      if (Math.abs(times[i] - created) > WINDOW_MS) continue;
      if (found >= 0) return -1;
      found = i;
    }
    return found === row ? -1 : found;
  }

  private gather(): Map<number, number[]> {
    const index = this.index;
    const store = index.store;
    const names = store.scalarByField.get('eventName')!;
    const arns = store.scalarByField.get('userIdentity.arn')!;
    const errors = store.scalarByField.get('errorMessage')!;
    const codes = store.scalarByField.get('errorCode')!;
    const login = names.dict.find('ConsoleLogin');
    const out = new Map<number, number[]>();
    if (login <= 0) return out;
    for (let i = 0; i < store.size; i++) {
      if (
        names.ids[i] !== login ||
        errors.ids[i] !== ABSENT ||
        codes.ids[i] !== ABSENT ||
        index.isDuplicate(i)
      )
        continue;
      const who = arns.ids[i];
      let rows = out.get(who);
      if (!rows) out.set(who, (rows = []));
      rows.push(i);
    }
    return out;
  }
}

/** The row of the ConsoleLogin that started the console session of `record` (the event at `row`), or -1. */
export function consoleLoginRow(index: EventIndex, row: number, record: unknown): number {
  return new ConsoleLogins(index).rowFor(row, record);
}
