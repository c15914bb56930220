// What opening a saved search of the case file does, decided apart from VS Code: the argument
// of cloudtrailLens.openTimeline (the scope it was saved over, its filter and time range) and,
// when the scope names a source that reaches beyond this computer (AWS, a network share) and is
// none of the user's sources (cloudtrailLens.sources in their own settings, or in a workspace
// they trust: usersSources, unknownRemoteSource), the question to confirm first. The case file
// is shared: a search saved by someone else may name an S3 location or an Event history
// endpoint, to be read with the user's AWS credentials, or a \\server\share folder, which
// Windows opens by signing in to that server. What a search keeps of its scope is shared with
// it, so an endpoint's user and password are left out (savedSearchScope) and the search reopens
// over the user's own source at that endpoint (usersSourceAtEndpoint).
import type { SavedSearch } from '../../core/case/caseFile';
import {
  describeSource,
  parseSourcesSetting,
  SourceConfig,
  unknownRemoteSource,
  usersSourceAtEndpoint,
  withoutEndpointUserInfo,
} from '../sources/sourceConfig';

export interface SavedSearchOpening {
  /** The argument of cloudtrailLens.openTimeline. */
  open: Record<string, unknown>;
  /** The question to confirm ('Open', modal) before opening; undefined: opened without asking. */
  ask?: string;
}

/**
 * What a saved search keeps of the timeline's scope (its open-timeline argument) in the case
 * file: the scope with its source's endpoint URL stripped of user-info.
 */
export function savedSearchScope(args: Record<string, unknown>): Record<string, unknown> {
  const source = parseSourcesSetting([args.source]).sources[0];
  return source ? { ...args, source: withoutEndpointUserInfo(source) } : args;
}

/** `base`: the workspace folder relative folder sources are read from. */
export function savedSearchOpening(
  search: SavedSearch,
  configured: readonly SourceConfig[],
  base?: string,
): SavedSearchOpening {
  // Without a scope the search was saved over the workspace's sources: reopened there, not in
  // whichever timeline was used last. The filter and range are the search's own (those the Case
  // view shows), never ones a hand-edited scope carries.
  const scope = Object.fromEntries(
    Object.entries(search.scope ?? { workspace: true }).filter(
      ([k]) => k !== 'filter' && k !== 'range',
    ),
  );
  const saved = parseSourcesSetting([scope.source]).sources[0];
  const own = saved && usersSourceAtEndpoint(saved, configured, base);
  if (own) scope.source = own;
  const open = {
    ...scope,
    filter: search.filter,
    ...(search.range ? { range: search.range } : {}),
  };
  const foreign = unknownRemoteSource(scope, configured, base);
  return foreign
    ? {
        open,
        ask:
          foreign.type === 'folder'
            ? `The saved search "${search.name}" of the case file opens the network folder ${foreign.path}, which is not one of your sources (cloudtrailLens.sources). Open it (your computer signs in to that server)?`
            : `The saved search "${search.name}" of the case file opens ${describeSource(foreign)}, which is not one of your sources (cloudtrailLens.sources). Open it with your AWS credentials?`,
      }
    : { open };
}
