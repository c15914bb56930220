// Terraform HCL (.tf) read with tree-sitter (web-tree-sitter, the WebAssembly build, and the
// Terraform dialect of the HCL grammar published on npm as @tree-sitter-grammars/tree-sitter-hcl):
// a maintained, error-tolerant parser that gives every node's exact range, runs the same in Node,
// the VS Code extension host and tests without a native build, and keeps comments as nodes (for
// suppression comments). Its resources `aws_cloudtrail` / `aws_cloudtrail_event_data_store` become
// Targets over the configuration model through the schema in terraform.ts.
//
// Loading the WebAssembly is asynchronous; parsing is not. `loadHclParser()` must have resolved
// before a .tf document is linted (the CLI and the extension await it once at start).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Node as TsNode } from 'web-tree-sitter';
import type { Target } from '../recognise';
import type { Node } from '../tree';
import { arrayNode, objectNode, propertyNode, scalarNode } from './model';
import { RESOURCE_TYPES, terraformTarget, type BlockSchema } from './terraform';
import type { SourceComment, SyntaxProblem } from './types';

// The CommonJS build, by `require`: the ES module one finds its files through import.meta.url,
// which a CommonJS bundle (dist/extension.js, dist/cli.js) does not have.
const { Language, Parser } = require('web-tree-sitter') as typeof import('web-tree-sitter');
type Parser = InstanceType<typeof Parser>;

const RUNTIME_WASM = 'tree-sitter.wasm';
const GRAMMAR_WASM = 'tree-sitter-terraform.wasm';

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/**
 * Where a .wasm file is: beside the bundle (dist/, where the build copies them), else in
 * node_modules (tests and scripts that run the sources).
 */
function wasmPath(file: string, pkg: string): string {
  const beside = join(__dirname, file);
  if (existsSync(beside)) return beside;
  return require.resolve(`${pkg}/${file}`);
}

/** Loads the HCL parser once; later calls return the same promise. */
export function loadHclParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init({ locateFile: () => wasmPath(RUNTIME_WASM, 'web-tree-sitter') });
    const language = await Language.load(wasmPath(GRAMMAR_WASM, '@tree-sitter-grammars/tree-sitter-hcl'));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })();
  loading.catch(() => (loading = undefined)); // a failed load may be retried
  return loading;
}

export function hclParserLoaded(): boolean {
  return parser !== undefined;
}

export interface HclDocument {
  targets: Target[];
  errors: SyntaxProblem[];
  comments: SourceComment[];
}

/** The text of an HCL quoted string's content, escapes decoded; undefined when it holds a template. */
export function decodeHclString(raw: string): string | undefined {
  if (!raw.includes('\\') && !raw.includes('$${') && !raw.includes('%%{')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const e = raw[++i];
      if (e === 'n') out += '\n';
      else if (e === 'r') out += '\r';
      else if (e === 't') out += '\t';
      else if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const code = parseInt(raw.slice(i + 1, i + 1 + len), 16);
        if (Number.isNaN(code)) return undefined;
        out += String.fromCodePoint(code);
        i += len;
      } else out += e; // \" and \\
    } else if ((c === '$' || c === '%') && raw[i + 1] === c && raw[i + 2] === '{') {
      out += `${c}{`; // $${ and %%{ are a literal ${ and %{
      i += 2;
    } else out += c;
  }
  return out;
}

/** An expression node as a model value: literals and lists of literals; anything else is opaque. */
function expressionValue(expr: TsNode, text: string): Node {
  let n: TsNode = expr;
  // expression → its only child (a literal_value, a collection_value…); several children (a
  // variable followed by attribute accesses) or any other kind is an expression to leave alone.
  while ((n.type === 'expression' || n.type === 'literal_value' || n.type === 'collection_value') && n.childCount === 1) n = n.firstChild!;
  const offset = expr.startIndex;
  const length = expr.endIndex - expr.startIndex;
  switch (n.type) {
    case 'string_lit': {
      const value = decodeHclString(text.slice(n.startIndex + 1, n.endIndex - 1));
      return value === undefined ? scalarNode('opaque', offset, length) : scalarNode('string', offset, length, value);
    }
    case 'numeric_lit':
      return scalarNode('number', offset, length, Number(text.slice(n.startIndex, n.endIndex)));
    case 'bool_lit':
      return scalarNode('boolean', offset, length, text.slice(n.startIndex, n.endIndex) === 'true');
    case 'null_lit':
      return scalarNode('null', offset, length, null);
    case 'tuple': {
      const items: Node[] = [];
      for (const c of n.namedChildren) if (c?.type === 'expression') items.push(expressionValue(c, text));
      return arrayNode(offset, length, items);
    }
    default:
      return scalarNode('opaque', offset, length);
  }
}

/**
 * Arguments written as `= null` (Terraform's "not set"), by block object: absent for the rules,
 * but a fix that sets one must replace it rather than add a second one. Rare, hence a side table.
 */
export const nullArguments = new WeakMap<Node, Map<string, Node>>();

interface BlockParts {
  type: string;
  labels: TsNode[];
  body: TsNode | null;
}

function blockParts(block: TsNode): BlockParts {
  const labels: TsNode[] = [];
  let type = '';
  let body: TsNode | null = null;
  for (const c of block.children) {
    if (!c) continue;
    if (c.type === 'identifier' && !type) type = c.text;
    else if (c.type === 'string_lit' || c.type === 'identifier') labels.push(c);
    else if (c.type === 'body') body = c;
  }
  return { type, labels, body };
}

function labelText(label: TsNode, text: string): string {
  return label.type === 'string_lit' ? decodeHclString(text.slice(label.startIndex + 1, label.endIndex - 1)) ?? '' : label.text;
}

/**
 * A block's body under the API's names. The object's range is the whole block (type, labels and
 * braces), which is what a fix that inserts an argument or removes the block works from.
 */
function blockObject(block: TsNode, body: TsNode | null, schema: BlockSchema, text: string): Node {
  const props: Node[] = [];
  let nulls: Map<string, Node> | undefined;
  const groups = new Map<string, { key: string; keyNode: TsNode; blocks: TsNode[]; dynamic?: TsNode }>();
  for (const c of body?.namedChildren ?? []) {
    if (!c) continue;
    if (c.type === 'attribute') {
      const id = c.firstChild!;
      const name = id.text;
      const api = schema.attributes[name] ?? (schema.keepUnknown ? name : undefined);
      const expr = c.lastChild;
      if (api === undefined || expr?.type !== 'expression') continue;
      const value = expressionValue(expr, text);
      if (value.type === 'null') {
        (nulls ??= new Map()).set(api, value); // `x = null` is Terraform's "not set"
        continue;
      }
      const eq = c.child(1);
      props.push(propertyNode(api, id.startIndex, id.endIndex - id.startIndex, value, c.startIndex, c.endIndex - c.startIndex, eq?.startIndex));
    } else if (c.type === 'block') {
      const parts = blockParts(c);
      const dynamic = parts.type === 'dynamic';
      const blockType = dynamic ? (parts.labels[0] ? labelText(parts.labels[0], text) : '') : parts.type;
      const nested = schema.blocks[blockType];
      if (!nested) continue;
      let g = groups.get(blockType);
      if (!g) groups.set(blockType, (g = { key: nested.key, keyNode: c.firstChild!, blocks: [] }));
      if (dynamic) g.dynamic ??= c;
      else g.blocks.push(c);
    }
  }
  for (const [blockType, g] of groups) {
    const all = g.dynamic ? [...g.blocks, g.dynamic] : g.blocks;
    const start = Math.min(...all.map((b) => b.startIndex));
    const end = Math.max(...all.map((b) => b.endIndex));
    const value = g.dynamic
      ? // Blocks generated from an expression: the list is not known.
        scalarNode('opaque', start, end - start)
      : arrayNode(
          start,
          end - start,
          g.blocks.map((b) => blockObject(b, blockParts(b).body, schema.blocks[blockType].schema, text)),
        );
    props.push(propertyNode(g.key, g.keyNode.startIndex, g.keyNode.endIndex - g.keyNode.startIndex, value, start, end - start));
  }
  props.sort((a, b) => a.offset - b.offset);
  const object = objectNode(block.startIndex, block.endIndex - block.startIndex, props);
  if (nulls) nullArguments.set(object, nulls);
  return object;
}

function collectComments(root: TsNode, text: string, out: SourceComment[]): void {
  for (const c of root.descendantsOfType('comment')) {
    if (!c) continue;
    const raw = text.slice(c.startIndex, c.endIndex);
    const body = raw.startsWith('#') ? raw.slice(1) : raw.startsWith('//') ? raw.slice(2) : raw.slice(2, raw.endsWith('*/') ? -2 : undefined);
    out.push({ offset: c.startIndex, length: c.endIndex - c.startIndex, body });
  }
}

function collectErrors(node: TsNode, out: SyntaxProblem[]): void {
  if (out.length >= 20) return; // one broken brace can leave many; the first ones say enough
  if (node.isMissing) {
    out.push({ offset: node.startIndex, length: 0, message: `HCL syntax error: missing ${node.type}` });
    return;
  }
  if (node.isError) {
    out.push({ offset: node.startIndex, length: node.endIndex - node.startIndex, message: 'HCL syntax error: unexpected text' });
    return;
  }
  for (const c of node.children) if (c && (c.hasError || c.isMissing)) collectErrors(c, out);
}

/** Reads a .tf document. Throws when the parser is not loaded (see loadHclParser). */
export function readHcl(text: string): HclDocument {
  if (!parser) throw new Error('the HCL parser is not loaded (call loadHclParser() first)');
  const tree = parser.parse(text);
  if (!tree) throw new Error('the HCL parser returned no tree');
  try {
    const root = tree.rootNode;
    const targets: Target[] = [];
    const body = root.namedChildren.find((c) => c?.type === 'body');
    for (const block of body?.namedChildren ?? []) {
      if (block?.type !== 'block') continue;
      const first = block.firstChild;
      if (!first || text.slice(first.startIndex, first.endIndex) !== 'resource') continue;
      const parts = blockParts(block);
      const type = parts.labels[0] ? RESOURCE_TYPES[labelText(parts.labels[0], text)] : undefined;
      if (!type) continue;
      const object = blockObject(block, parts.body, type.schema, text);
      const header = parts.labels[parts.labels.length - 1];
      targets.push(terraformTarget(type, object, 'terraform', { offset: block.startIndex, length: header.endIndex - block.startIndex }));
    }
    const errors: SyntaxProblem[] = [];
    if (root.hasError) collectErrors(root, errors);
    const comments: SourceComment[] = [];
    if (text.includes('cloudtrail-lens-')) collectComments(root, text, comments);
    return { targets, errors, comments };
  } finally {
    tree.delete();
  }
}
