// The argument of `cloudtrailLens.openTimeline`, from wherever it is run:
//
//   - the explorer's context menu: SourceScopeArgs — { source: { type: 'folder', path } |
//     { type: 's3', bucket, prefix?, profile?, region? }, prefix?: string, keys?: string[],
//     label?: string }: the events under the key prefix, or of exactly those keys;
//   - a code lens or a pivot from elsewhere: { filter: '<query text>', range?: { from, to } }:
//     shown in the timeline last used, or in a new one over the workspace's CloudTrail sources;
//   - the palette: nothing, i.e. the workspace's CloudTrail sources;
//   - a saved search made over those: { workspace: true, filter, range? }: the workspace's
//     sources' timeline, never whichever timeline was used last.
//
// Both may be combined ({ source, filter }). Anything else is refused with a message that says
// what was expected; a command argument is data from another extension or a link, not trusted.
import { TimeRange } from '../../protocol';
import { parseSourcesSetting, SourceConfig } from '../sources/sourceConfig';

export interface OpenTimelineArgs {
  source?: SourceConfig;
  prefix?: string;
  keys?: string[];
  label?: string;
  filter?: string;
  range?: TimeRange;
  /** The workspace's sources, even when another timeline was used last (a saved search's scope). */
  workspace?: boolean;
}

export type ParsedArgs = { ok: true; args: OpenTimelineArgs } | { ok: false; message: string };

const MAX_KEYS = 100_000;

export function parseOpenTimelineArgs(arg: unknown): ParsedArgs {
  if (arg === undefined || arg === null) return { ok: true, args: {} };
  if (typeof arg !== 'object' || Array.isArray(arg))
    return { ok: false, message: 'expected { source?, prefix?, keys?, filter?, range? }' };
  const a = arg as Record<string, unknown>;
  const out: OpenTimelineArgs = {};
  if (a.source !== undefined) {
    const { sources, problems } = parseSourcesSetting([a.source]);
    if (!sources.length)
      return {
        ok: false,
        message: `source: ${problems[0]?.replace(/^cloudtrailLens\.sources\[0\]: /, '') ?? 'not a source'}`,
      };
    out.source = sources[0];
  }
  if (a.prefix !== undefined) {
    if (
      typeof a.prefix !== 'string' ||
      a.prefix.startsWith('/') ||
      (a.prefix !== '' && !a.prefix.endsWith('/'))
    )
      return {
        ok: false,
        message: 'prefix: expected a key prefix relative to the source root, ending in "/"',
      };
    out.prefix = a.prefix;
  }
  if (a.keys !== undefined) {
    if (
      !Array.isArray(a.keys) ||
      a.keys.length > MAX_KEYS ||
      !a.keys.every(
        (k) =>
          typeof k === 'string' && k !== '' && !k.startsWith('/') && !k.split('/').includes('..'),
      )
    ) {
      return { ok: false, message: 'keys: expected a list of keys relative to the source root' };
    }
    out.keys = a.keys as string[];
  }
  if (a.workspace !== undefined) {
    if (typeof a.workspace !== 'boolean')
      return { ok: false, message: 'workspace: expected true or false' };
    if (a.workspace && out.source)
      return { ok: false, message: 'workspace and source exclude each other' };
    out.workspace = a.workspace;
  }
  if ((out.prefix !== undefined || out.keys !== undefined) && !out.source)
    return { ok: false, message: 'prefix and keys need a source' };
  if (a.label !== undefined) {
    if (typeof a.label !== 'string') return { ok: false, message: 'label: expected text' };
    out.label = a.label;
  }
  if (a.filter !== undefined) {
    if (typeof a.filter !== 'string') return { ok: false, message: 'filter: expected query text' };
    out.filter = a.filter;
  }
  if (a.range !== undefined) {
    const r = a.range as Record<string, unknown> | null;
    if (
      !r ||
      typeof r.from !== 'number' ||
      typeof r.to !== 'number' ||
      !Number.isFinite(r.from) ||
      !Number.isFinite(r.to) ||
      r.from > r.to
    )
      return { ok: false, message: 'range: expected { from, to } in ms with from ≤ to' };
    out.range = { from: r.from, to: r.to };
  }
  return { ok: true, args: out };
}
