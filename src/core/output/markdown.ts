// Text from logs written into Markdown (tooltips, evidence reports): every character Markdown
// gives a meaning to is escaped, so log content cannot inject links, images, HTML or formatting.

/** Escapes text for Markdown so log content cannot inject links, HTML or formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}
