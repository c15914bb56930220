// A console session's sign-in: events made with console session credentials
// (sessionCredentialFromConsole) carry the session's creationDate, which is when its ConsoleLogin
// happened. The link is made only when a successful ConsoleLogin of the same principal ARN lies
// within a minute of that time (the nearest one); otherwise there is none, not a guess.
import type { EventIndex } from '../index/eventIndex';
import { ABSENT } from '../index/schema';
import { instantOf } from '../query/time';

const WINDOW_MS = 60_000;

/** The row of the ConsoleLogin that started the console session of `record` (the event at `row`), or -1. */
export function consoleLoginRow(index: EventIndex, row: number, record: unknown): number {
  const r = record as {
    sessionCredentialFromConsole?: unknown;
    eventName?: unknown;
    userIdentity?: { arn?: unknown; sessionContext?: { attributes?: { creationDate?: unknown } } };
  } | null;
  if (!r || typeof r !== 'object') return -1;
  const fromConsole =
    r.sessionCredentialFromConsole === true || r.sessionCredentialFromConsole === 'true';
  if (!fromConsole || r.eventName === 'ConsoleLogin') return -1;
  const arn = r.userIdentity?.arn;
  const creationDate = r.userIdentity?.sessionContext?.attributes?.creationDate;
  const created = typeof creationDate === 'string' ? instantOf(creationDate) : undefined;
  if (typeof arn !== 'string' || created === undefined) return -1;
  const store = index.store;
  const names = store.scalarByField.get('eventName')!;
  const arns = store.scalarByField.get('userIdentity.arn')!;
  const errors = store.scalarByField.get('errorMessage')!;
  const codes = store.scalarByField.get('errorCode')!;
  const login = names.dict.find('ConsoleLogin');
  const who = arns.dict.find(arn);
  if (login <= 0 || who <= 0) return -1;
  let best = -1;
  let bestGap = Infinity;
  for (let i = 0; i < store.size; i++) {
    if (
      names.ids[i] !== login ||
      arns.ids[i] !== who ||
      errors.ids[i] !== ABSENT ||
      codes.ids[i] !== ABSENT ||
      index.isDuplicate(i)
    )
      continue;
    const gap = Math.abs(store.times[i] - created);
    if (gap <= WINDOW_MS && gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  }
  return best === row ? -1 : best;
}
