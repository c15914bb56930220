// The explorer items' contextValue, built here only: package.json's menus key on its tokens
// (`viewItem =~ /\bevents\b/`), and a unit test checks that every token a menu names is one
// built here. Pure (no vscode).

/** What an item offers, each a token menus match on. */
export const CONTEXT_TOKENS = {
  /** Every item of the extension's tree. */
  item: 'ctl',
  /** Has events: the timeline opens on it. */
  events: 'events',
  /** Has digest files: validation runs on it. */
  digests: 'digests',
  /** Of a local folder: reveal and copy path apply. */
  local: 'local',
  /** Of an S3 source: copy URI, download, Athena. */
  s3: 's3',
  /** One file. */
  file: 'file',
  /** A source the user added (not a detected workspace folder). */
  removable: 'removable',
  source: 'ctl-source',
  more: 'ctl-more',
  message: 'ctl-message',
  problem: 'ctl-problem',
} as const;

const T = CONTEXT_TOKENS;

/** A node of a source's layout tree: `ctl ctl-<type>` and what it offers. */
export function nodeContextTokens(
  type: string,
  has: { events?: boolean; digests?: boolean; local?: boolean; s3?: boolean; file?: boolean },
): string[] {
  const tokens: string[] = [T.item, `ctl-${type}`];
  if (has.events) tokens.push(T.events);
  if (has.digests) tokens.push(T.digests);
  if (has.local) tokens.push(T.local);
  if (has.s3) tokens.push(T.s3);
  if (has.file) tokens.push(T.file);
  return tokens;
}

/** A source's root item. */
export function sourceContextValue(
  type: 'folder' | 's3' | 'event-history',
  removable: boolean,
  digests = false,
): string {
  const tokens: string[] = [T.item, T.source, `${T.source}-${type}`];
  if (removable) tokens.push(T.removable);
  if (type === 'folder') tokens.push(T.local);
  if (type === 's3') tokens.push(T.s3);
  if (digests && type !== 'event-history') tokens.push(T.digests);
  return tokens.join(' ');
}

export const PROBLEM_CONTEXT_TOKENS: readonly string[] = [T.item, T.problem];
