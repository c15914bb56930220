// How each explorer node reads: label, description (counts and size), tooltip, icon and the
// context tokens menus key on. Pure (no vscode) so the wording is unit-tested; the provider
// turns it into TreeItems.
import { escapeMarkdown } from '../../core/output/markdown';
import { formatBytes } from '../../core/output/bytes';
export { escapeMarkdown };
import {
  CatalogNode,
  FileNode,
  LocationNode,
  digestScope,
  eventScope,
} from '../../core/sources/layoutTree';
import { Summary } from '../../core/sources/layoutSummary';
import { isRegionName } from '../../core/sources/layout';
import { cellText, revealHidden } from '../../core/output/visibleText';
import { CONTEXT_TOKENS, nodeContextTokens, PROBLEM_CONTEXT_TOKENS } from './contextValues';
import { formatUtcForPeople } from '../../core/time';
import { LEVEL_ICONS, LEVELS, type Level } from '../../core/detect/levels';
import { levelCountsText } from '../../core/detect/results';

export interface Presentation {
  label: string;
  description?: string;
  /** Markdown; every value from the data is escaped. */
  tooltip: string;
  /** A codicon id. */
  icon: string;
  /** A theme colour id for the icon. */
  iconColor?: string;
  collapsible: boolean;
  /** Joined into the TreeItem's contextValue, e.g. "ctl events digests local". */
  contextTokens: string[];
}

const KIND_NAMES = {
  log: 'log files',
  insight: 'Insights files',
  digest: 'digest files',
  other: 'other files',
  loose: 'files',
} as const;

export function formatCount(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "1,204 events · ▲ 3 high · 12 files · 3.4 MB" (events and detection hits only once indexed). */
export function describeCounts(
  summary: Summary | undefined,
  events?: number,
  hits?: Readonly<Record<Level, number>>,
): string | undefined {
  const indexed = [
    ...(events === undefined ? [] : [formatCount(events, 'event')]),
    ...hitParts(hits),
  ];
  if (!summary) return indexed.length ? indexed.join(' · ') : undefined;
  return [...indexed, formatCount(summary.files, 'file'), formatBytes(summary.bytes)].join(' · ');
}

/** "▲ 3 high", "■ 1 medium"…: events with hits by highest level, highest first. */
function hitParts(hits: Readonly<Record<Level, number>> | undefined): string[] {
  if (!hits) return [];
  return [...LEVELS]
    .reverse()
    .filter((l) => hits[l] > 0)
    .map((l) => `${LEVEL_ICONS[l]} ${hits[l].toLocaleString('en-US')} ${l}`);
}

/** The tooltip's line about detections, once counted. */
function hitsLine(hits: Readonly<Record<Level, number>> | undefined): string[] {
  if (!hits) return [];
  const text = levelCountsText(hits);
  return [
    text
      ? `Events with detection hits: ${text} (by highest level)`
      : 'No detection rule fired on these events',
  ];
}

function summaryLines(
  summary: Summary | undefined,
  events?: number,
  countsOnExpand = false,
  hits?: Readonly<Record<Level, number>>,
): string[] {
  if (!summary)
    return [
      countsOnExpand
        ? 'Files are counted per region in S3 sources: expand to see them.'
        : 'Counting files…',
    ];
  const lines: string[] = [];
  if (events !== undefined) lines.push(`${formatCount(events, 'event')} (indexed)`);
  lines.push(...hitsLine(hits));
  const kinds = (Object.keys(KIND_NAMES) as (keyof typeof KIND_NAMES)[])
    .filter((k) => summary.byKind[k])
    .map((k) => `${summary.byKind[k]!.toLocaleString('en-US')} ${KIND_NAMES[k]}`);
  lines.push(
    `${formatCount(summary.files, 'file')}, ${formatBytes(summary.bytes)}${kinds.length > 1 ? ` (${kinds.join(', ')})` : ''}`,
  );
  if (summary.firstDelivery && summary.lastDelivery)
    lines.push(
      `Delivered ${formatTime(summary.firstDelivery)} → ${formatTime(summary.lastDelivery)}`,
    );
  return lines;
}

/** `2024-05-14T10:05:00Z` → `2024-05-14 10:05 UTC` */
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function tooltip(title: string, lines: string[]): string {
  return [
    `**${escapeMarkdown(revealHidden(title))}**`,
    ...lines.map((l) => escapeMarkdown(revealHidden(l))),
  ].join('\n\n');
}

export function locationLabel(node: LocationNode): string {
  if (node.trails.length === 0) return 'Not attributed to a trail';
  return node.trails.map((t) => t.name).join(', ');
}

/**
 * Whether a row has digest files to validate: its counted files say so; before they are counted,
 * a location has them when its digests named a trail (or could not be read), and rows below one
 * are given the benefit of the doubt until counted.
 */
export function hasDigests(node: CatalogNode, summary: Summary | undefined): boolean {
  if (!digestScope(node)) return false;
  if (summary) return (summary.byKind.digest ?? 0) > 0;
  if (node.type === 'location') return node.trails.length > 0 || node.trailsError !== undefined;
  return true;
}

function contextFor(
  node: CatalogNode,
  local: boolean,
  s3: boolean,
  summary: Summary | undefined,
): string[] {
  return nodeContextTokens(node.type, {
    events: !!eventScope(node),
    digests: hasDigests(node, summary),
    local,
    s3,
  });
}

export interface NodeContext {
  /** Where the node lives, for tooltips: the source's label (a folder path or s3:// URI). */
  sourceLabel: string;
  /** The source can give local paths (folders): reveal and copy path apply. */
  local: boolean;
  s3: boolean;
  summary?: Summary;
  /** Files under this row are not counted in the background (large S3 levels). */
  countsOnExpand?: boolean;
  events?: number;
  /** Its events with detection hits, by highest level (once an open timeline has run the rules over them). */
  hits?: Readonly<Record<Level, number>>;
}

/**
 * A message row (a source that cannot be opened or listed, nothing found): its text and detail
 * may quote an error, a key or a server's words, so hidden characters are marked, as on nodes.
 */
export function presentMessage(text: string, detail: string): { label: string; tooltip: string } {
  return { label: cellText(text), tooltip: escapeMarkdown(revealHidden(detail)) };
}

/** How a node reads; names from the data (keys, trail names) with hidden characters marked. */
export function presentNode(node: CatalogNode, ctx: NodeContext): Presentation {
  const p = describeNode(node, ctx);
  return {
    ...p,
    label: cellText(p.label),
    description: p.description === undefined ? undefined : cellText(p.description),
  };
}

function describeNode(node: CatalogNode, ctx: NodeContext): Presentation {
  const tokens = contextFor(node, ctx.local, ctx.s3, ctx.summary);
  const counts = describeCounts(ctx.summary, ctx.events, ctx.hits);
  switch (node.type) {
    case 'location': {
      const where = node.root.replace(/\/$/, '');
      const trailLines = node.trails.length
        ? node.trails.map((t) => `Trail ${t.name} (home region ${t.homeRegion})`)
        : [
            'No digest files here name a trail, so these logs cannot be attributed to one. Turn on log file validation on the trail to get digests.',
          ];
      if (node.trails.length > 1)
        trailLines.push(
          'These trails deliver to the same location; their log files cannot be told apart by key.',
        );
      if (node.trailsSampled)
        trailLines.push('Trail names come from the digests of the first accounts only.');
      if (node.trailsError) trailLines.push(`Trail names could not be read: ${node.trailsError}`);
      return {
        label: locationLabel(node),
        description:
          [node.root === 'AWSLogs/' ? undefined : where, counts].filter(Boolean).join(' · ') ||
          undefined,
        tooltip: tooltip(locationLabel(node), [
          ...trailLines,
          `Location: ${ctx.sourceLabel} › ${where}`,
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon: node.trails.length ? 'history' : 'question',
        collapsible: true,
        contextTokens: tokens,
      };
    }
    case 'organization':
      return {
        label: node.organizationId,
        description: ['organization', counts].filter(Boolean).join(' · '),
        tooltip: tooltip(`Organization ${node.organizationId}`, [
          'An organization trail: one folder per member account.',
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon: 'organization',
        collapsible: true,
        contextTokens: tokens,
      };
    case 'account':
      return {
        label: node.accountId,
        description: counts,
        tooltip: tooltip(`Account ${node.accountId}`, [
          ...(node.organizationId ? [`Member of ${node.organizationId}`] : []),
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon: 'account',
        collapsible: true,
        contextTokens: tokens,
      };
    case 'region': {
      const odd = isRegionName(node.region)
        ? []
        : [
            `The folder name "${node.region}" is not a region name; the region in each file's name is used for its events.`,
          ];
      return {
        label: node.region,
        description: counts,
        tooltip: tooltip(`Region ${node.region} · account ${node.accountId}`, [
          ...odd,
          `Holds ${node.kinds.map((k) => KIND_NAMES[k]).join(', ')}`,
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon: 'globe',
        collapsible: true,
        contextTokens: tokens,
      };
    }
    case 'day':
      return {
        label: node.date,
        description: counts,
        tooltip: tooltip(`${node.date} · ${node.region} · account ${node.accountId}`, [
          `Holds ${node.kinds.map((k) => KIND_NAMES[k]).join(', ')}`,
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon: 'calendar',
        collapsible: true,
        contextTokens: tokens,
      };
    case 'file':
      return presentFile(node, ctx, tokens);
    case 'loose':
      return {
        label: 'Loose files',
        description: counts,
        tooltip: tooltip('Loose files', [
          'JSON files outside any AWSLogs/ folder (.json, .json.gz, .jsonl). Whether each holds CloudTrail events is checked when it is loaded.',
          ...(node.truncated
            ? [
                'The search stopped early (a very large or deep folder): files further down are not listed.',
              ]
            : []),
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon: 'files',
        collapsible: node.files.length > 0,
        contextTokens: tokens,
      };
    case 'loose-group': {
      const where = [node.date, node.region, node.accountId && `account ${node.accountId}`]
        .filter(Boolean)
        .join(' · ');
      const icon =
        node.level === 'account' ? 'account' : node.level === 'region' ? 'globe' : 'calendar';
      return {
        label:
          node.level === 'account'
            ? node.accountId
            : node.level === 'region'
              ? node.region!
              : node.date!,
        description: counts,
        tooltip: tooltip(where, [
          'Loose files named the way CloudTrail names its deliveries, grouped by the account, region and day in their names (they are not in an AWSLogs/ folder).',
          ...summaryLines(ctx.summary, ctx.events, ctx.countsOnExpand, ctx.hits),
        ]),
        icon,
        collapsible: true,
        contextTokens: tokens,
      };
    }
    case 'problem':
      if (node.outOfPlace)
        return {
          label: node.message,
          tooltip: tooltip('Not where CloudTrail delivers', [
            node.message,
            'A folder CloudTrail did not make: files were put here by hand, or moved, or planted. Validate the digests to check what they hold.',
            `${ctx.sourceLabel} › ${node.key}`,
          ]),
          icon: 'warning',
          iconColor: 'list.warningForeground',
          collapsible: false,
          contextTokens: [...PROBLEM_CONTEXT_TOKENS],
        };
      return {
        label: node.message,
        tooltip: tooltip('Could not list this level', [node.message]),
        icon: 'error',
        iconColor: 'list.errorForeground',
        collapsible: false,
        contextTokens: [...PROBLEM_CONTEXT_TOKENS],
      };
  }
}

function presentFile(node: FileNode, ctx: NodeContext, tokens: string[]): Presentation {
  const name = node.key.slice(node.key.lastIndexOf('/') + 1);
  const folder = node.key.slice(0, node.key.lastIndexOf('/') + 1);
  const lines: string[] = [];
  const size = formatBytes(node.size);
  // Account, region and day are the ancestors' labels already: a delivered file reads best as
  // its time, with the rest of its name (the random part) first in the description to tell
  // apart files of the same minute at a narrow sidebar width. The full name is in the tooltip.
  let label = name;
  let description: string;
  let icon: string;
  let iconColor: string | undefined;
  switch (node.fileKind) {
    case 'log':
      icon = 'file-zip';
      label = `${node.info!.deliveryTime.slice(11, 16)} UTC`;
      description = `${uniquePart(name)} · ${size}`;
      lines.push(
        `CloudTrail log file delivered ${formatTime(node.info!.deliveryTime)}`,
        `Account ${node.info!.accountId}, region ${node.info!.region}`,
      );
      break;
    case 'insight':
      icon = 'lightbulb';
      iconColor = 'charts.yellow';
      label = `Insights ${node.info!.deliveryTime.slice(11, 16)} UTC`;
      description = `${uniquePart(name)} · ${size}`;
      lines.push(
        `CloudTrail Insights file delivered ${formatTime(node.info!.deliveryTime)}`,
        `Account ${node.info!.accountId}, region ${node.info!.region}`,
      );
      break;
    case 'digest':
      icon = 'shield';
      iconColor = 'charts.green';
      label = `Digest ${node.info!.deliveryTime.slice(11, 19)} UTC`;
      description = `${size} · trail ${node.info!.trailName}${node.info!.backfill ? ' · backfill' : ''}`;
      lines.push(
        `Digest file of trail ${node.info!.trailName} (home region ${node.info!.homeRegion})${node.info!.backfill ? ', backfill' : ''}`,
        `Covers log files delivered up to ${formatTime(node.info!.deliveryTime)}`,
      );
      break;
    case 'other':
      icon = 'warning';
      iconColor = 'list.warningForeground';
      description = size;
      if (!node.misplaced)
        lines.push(
          'This file is in a CloudTrail folder but its name is not one CloudTrail writes. It is loaded as a log file if it holds CloudTrail records.',
        );
      break;
    case 'loose':
      icon = name.endsWith('.gz') ? 'file-zip' : 'json';
      description = [folder.replace(/\/$/, ''), size].filter(Boolean).join(' · ');
      lines.push(
        'A JSON file outside the AWSLogs layout. Whether it holds CloudTrail events is checked when it is loaded.',
      );
      break;
  }
  if (node.misplaced) {
    // The name's account, region or day is not its folder's: show the name, and why it is odd.
    icon = 'warning';
    iconColor = 'list.warningForeground';
    label = name;
    description = size;
    lines.unshift(
      `Not where CloudTrail delivers such a file: ${node.misplaced}. It was renamed or moved, or tampered with; its events are loaded as they are. Validate the digests to check it.`,
    );
  }
  lines.push(
    `${formatBytes(node.size)}${node.size >= 1024 ? ` (${node.size.toLocaleString('en-US')} bytes)` : ''}`,
  );
  if (node.modified !== undefined)
    lines.push(`Modified ${formatUtcForPeople(node.modified, false)}`);
  lines.push(`${ctx.sourceLabel} › ${node.key}`);
  if (ctx.events !== undefined)
    lines.unshift(`${formatCount(ctx.events, 'event')} (indexed)`, ...hitsLine(ctx.hits));
  const indexed = describeCounts(undefined, ctx.events, ctx.hits);
  return {
    label,
    // The distinctive part first: a delivered file's random part, then the figures.
    description:
      indexed === undefined
        ? description
        : node.info && node.fileKind !== 'digest' && label !== name
          ? `${uniquePart(name)} · ${indexed} · ${size}`
          : `${indexed} · ${description}`,
    tooltip: tooltip(name, lines),
    icon,
    iconColor,
    collapsible: false,
    contextTokens: [...tokens, CONTEXT_TOKENS.file],
  };
}

/** `…_20240514T1005Z_abc.json.gz` → `abc`: what tells files of the same minute apart (the extension does not). */
function uniquePart(fileName: string): string {
  return fileName.slice(fileName.lastIndexOf('_') + 1).replace(/\.json(\.gz)?$/, '');
}
