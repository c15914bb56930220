// Sigma levels, and how each shows: the webview imports this (no YAML, no Node).
export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export function parseLevel(text: string): Level | undefined {
  const l = text.toLowerCase();
  return (LEVELS as readonly string[]).includes(l) ? (l as Level) : undefined;
}

/** How a level shows in a cell or a facet: a shape that reads without colour (CSS adds colour). */
export const LEVEL_ICONS: Readonly<Record<Level, string>> = {
  critical: '◆',
  high: '▲',
  medium: '■',
  low: '●',
  informational: '○',
};
