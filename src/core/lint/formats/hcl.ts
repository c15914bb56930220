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
import {
  noInstances,
  RESOURCE_TYPES,
  terraformTarget,
  type BlockSchema,
  type NoInstances,
} from './terraform';
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
    const language = await Language.load(
      wasmPath(GRAMMAR_WASM, '@tree-sitter-grammars/tree-sitter-hcl'),
    );
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

type Cursor = ReturnType<InstanceType<typeof import('web-tree-sitter').Tree>['walk']>;

/** Calls `fn` with the cursor on each child of the node it is on, then puts it back there. */
function eachChild(c: Cursor, fn: () => void): void {
  if (!c.gotoFirstChild()) return;
  do fn();
  while (c.gotoNextSibling());
  c.gotoParent();
}

/** The cursor's node, when it has exactly one child, replaced by that child; false when it has several or none. */
function onlyChild(c: Cursor): boolean {
  if (!c.gotoFirstChild()) return false;
  if (c.gotoNextSibling()) {
    c.gotoParent();
    return false;
  }
  return true;
}

/**
 * The expression under the cursor as a model value: literals and lists of literals; anything else
 * (a variable followed by attribute accesses, a call, a template…) is opaque. The cursor is left
 * on the expression.
 */
function expressionValue(c: Cursor, text: string): Node {
  const offset = c.startIndex;
  const length = c.endIndex - offset;
  let depth = 0;
  let node: Node | undefined;
  // expression → its only child (a literal_value, a collection_value…), down to the literal.
  for (
    let t = c.nodeType;
    (t === 'expression' || t === 'literal_value' || t === 'collection_value') && onlyChild(c);
    t = c.nodeType
  )
    depth++;
  switch (c.nodeType) {
    case 'string_lit': {
      const value = decodeHclString(text.slice(c.startIndex + 1, c.endIndex - 1));
      node =
        value === undefined
          ? scalarNode('opaque', offset, length)
          : scalarNode('string', offset, length, value);
      break;
    }
    case 'numeric_lit':
      node = scalarNode('number', offset, length, Number(text.slice(c.startIndex, c.endIndex)));
      break;
    case 'bool_lit':
      node = scalarNode('boolean', offset, length, text.slice(c.startIndex, c.endIndex) === 'true');
      break;
    case 'null_lit':
      node = scalarNode('null', offset, length, null);
      break;
    case 'tuple': {
      const items: Node[] = [];
      eachChild(c, () => {
        if (c.nodeType === 'expression') items.push(expressionValue(c, text));
      });
      node = arrayNode(offset, length, items);
      break;
    }
  }
  for (; depth > 0; depth--) c.gotoParent();
  return node ?? scalarNode('opaque', offset, length);
}

const ATTRIBUTE_HEAD = /([A-Za-z_][\w-]*)[ \t]*=[ \t]*/y;
const SIMPLE_STRING = /^"(?:[^"\\$%\n]|\\[^\n]|\$(?![{$])|%(?![{%]))*"$/;
const STRING_IN_LIST = /"(?:[^"\\$%\n]|\\[^\n]|\$(?![{$])|%(?![{%]))*"/g;
const SIMPLE_LIST =
  /^\[\s*(?:"(?:[^"\\$%\n]|\\[^\n]|\$(?![{$])|%(?![{%]))*"\s*,\s*)*(?:"(?:[^"\\$%\n]|\\[^\n]|\$(?![{$])|%(?![{%]))*"\s*)?\]$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/**
 * The common literals read from the text, without walking the tree: a string without templates,
 * a number, true, false, null, a list of such strings. Anything else: undefined (read from the tree).
 */
function literalFromText(text: string, offset: number, end: number): Node | undefined {
  const src = text.slice(offset, end);
  const length = end - offset;
  const c = src.charCodeAt(0);
  if (c === 34 /* " */) {
    if (!SIMPLE_STRING.test(src)) return undefined;
    const value = decodeHclString(src.slice(1, -1));
    return value === undefined ? undefined : scalarNode('string', offset, length, value);
  }
  if (c === 91 /* [ */) {
    if (!SIMPLE_LIST.test(src)) return undefined;
    const items: Node[] = [];
    STRING_IN_LIST.lastIndex = 0;
    for (let m = STRING_IN_LIST.exec(src); m; m = STRING_IN_LIST.exec(src)) {
      const value = decodeHclString(m[0].slice(1, -1));
      if (value === undefined) return undefined;
      items.push(scalarNode('string', offset + m.index, m[0].length, value));
    }
    return arrayNode(offset, length, items);
  }
  if (src === 'true' || src === 'false')
    return scalarNode('boolean', offset, length, src === 'true');
  if (src === 'null') return scalarNode('null', offset, length, null);
  if (NUMBER.test(src)) return scalarNode('number', offset, length, Number(src));
  return undefined;
}

/**
 * Arguments written as `= null` (Terraform's "not set"), by block object: absent for the rules,
 * but a fix that sets one must replace it rather than add a second one. Rare, hence a side table.
 */
export const nullArguments = new WeakMap<Node, Map<string, Node>>();

interface BlockParts {
  type: string;
  /** The labels' offsets and decoded text. */
  labels: { start: number; end: number; text: string }[];
  typeStart: number;
  typeEnd: number;
  /** Read from the text (plainBlockHeader): the children before the body are the type, the labels and `{`. */
  plain: boolean;
}

/** Reads a block's type and labels from its children, with the cursor on the block; leaves it there. */
function blockParts(c: Cursor, text: string): BlockParts {
  const parts: BlockParts = { type: '', labels: [], typeStart: 0, typeEnd: 0, plain: false };
  eachChild(c, () => {
    const t = c.nodeType;
    if (t === 'identifier' && !parts.type) {
      parts.type = text.slice(c.startIndex, c.endIndex);
      parts.typeStart = c.startIndex;
      parts.typeEnd = c.endIndex;
    } else if (t === 'string_lit' || t === 'identifier') {
      const raw = text.slice(c.startIndex, c.endIndex);
      parts.labels.push({
        start: c.startIndex,
        end: c.endIndex,
        text: t === 'string_lit' ? (decodeHclString(raw.slice(1, -1)) ?? '') : raw,
      });
    }
  });
  return parts;
}

const HEADER_TYPE = /[A-Za-z_][\w-]*/y;
const HEADER_LABEL = /[ \t]*(?:"((?:[^"\\$%\n]|\\[^\n])*)"|([A-Za-z_][\w-]*))/y;
const HEADER_OPEN = /[ \t]*\{/y;

/**
 * A block's type and labels read from the text at its start, when they are plain (identifiers and
 * quoted labels without templates, on one line, then `{`); undefined otherwise. Only for a tree
 * without syntax errors, where these characters can only be those tokens: it spares walking the
 * header's nodes, most of the cost of reading a block.
 */
function plainBlockHeader(text: string, start: number): BlockParts | undefined {
  HEADER_TYPE.lastIndex = start;
  const type = HEADER_TYPE.exec(text);
  if (!type) return undefined;
  const parts: BlockParts = {
    type: type[0],
    labels: [],
    typeStart: start,
    typeEnd: HEADER_TYPE.lastIndex,
    plain: true,
  };
  for (let at = parts.typeEnd; ;) {
    HEADER_OPEN.lastIndex = at;
    if (HEADER_OPEN.test(text)) return parts;
    HEADER_LABEL.lastIndex = at;
    const label = HEADER_LABEL.exec(text);
    if (!label) return undefined;
    const end = HEADER_LABEL.lastIndex;
    if (label[2] !== undefined)
      parts.labels.push({ start: end - label[2].length, end, text: label[2] });
    else {
      const decoded = decodeHclString(label[1]);
      if (decoded === undefined) return undefined;
      parts.labels.push({ start: end - label[1].length - 2, end, text: decoded });
    }
    at = end;
  }
}

/** A block's header, with the cursor on the block (left there); `plain`: the tree has no syntax errors. */
function blockHeader(c: Cursor, text: string, plain: boolean): BlockParts {
  return (plain && plainBlockHeader(text, c.startIndex)) || blockParts(c, text);
}

/**
 * Moves the cursor from a block to its body; false (cursor unmoved) when it has none. A plain
 * header's children (type, labels, `{`) are passed over without asking their types.
 */
function gotoBody(c: Cursor, parts: BlockParts): boolean {
  if (!c.gotoFirstChild()) return false;
  let moved = true;
  if (parts.plain)
    for (let i = parts.labels.length + 2; i > 0 && moved; i--) moved = c.gotoNextSibling();
  if (moved)
    do {
      const t = c.nodeType;
      if (t === 'body') return true;
      if (t === 'block_end') break;
    } while (c.gotoNextSibling());
  c.gotoParent();
  return false;
}

/** Where the token before `next` ends: `next` less the whitespace before it. */
function endBefore(text: string, next: number): number {
  let end = next;
  for (let ch = text.charCodeAt(end - 1); ch === 32 || (ch >= 9 && ch <= 13);)
    ch = text.charCodeAt(--end - 1);
  return end;
}

/**
 * Terraform's parser refuses a body that sets an argument twice ("Attribute redefined"), in any
 * block of the file: an error on the second. `seen` holds where each argument of the body is first set.
 */
function redefinition(
  seen: Map<string, number>,
  name: string,
  start: number,
  text: string,
  errors: SyntaxProblem[],
): boolean {
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, start);
    return false;
  }
  errors.push({
    offset: start,
    length: name.length,
    message: `HCL syntax error: the argument "${name}" is already set on line ${pointAt(text, first).row + 1}; Terraform refuses an argument set twice (Attribute redefined).`,
  });
  return true;
}

const ARGUMENT_NAME = /[A-Za-z_][\w-]*/y;

/**
 * Arguments set twice in the bodies of the block under the cursor (one the reader does not map) and
 * of every block nested in it; the cursor is left on the block. Without recursion: blocks may nest
 * deeper than the stack allows. `plain`: the tree has no syntax errors (headers and attributes are
 * recognised from the text, as blockObject does).
 */
function redefinedArguments(
  c: Cursor,
  text: string,
  plain: boolean,
  errors: SyntaxProblem[],
): void {
  if (!gotoBody(c, blockHeader(c, text, plain))) return;
  if (!c.gotoFirstChild()) {
    c.gotoParent();
    return;
  }
  /** Per body being walked, where each of its arguments is first set. */
  const bodies: Map<string, number>[] = [new Map()];
  for (;;) {
    // Without syntax errors, a child that starts with `#` or `/` is a comment, and one that starts
    // with a name and `=` an attribute (as in blockObject): most children need no type asked.
    const start = c.startIndex;
    const first = text.charCodeAt(start);
    ATTRIBUTE_HEAD.lastIndex = start;
    const t = !plain
      ? c.nodeType
      : first === 35 /* # */ || first === 47 /* / */
        ? 'comment'
        : ATTRIBUTE_HEAD.test(text)
          ? 'attribute'
          : c.nodeType;
    if (t === 'attribute') {
      ARGUMENT_NAME.lastIndex = start;
      const name = ARGUMENT_NAME.exec(text);
      if (name) redefinition(bodies[bodies.length - 1], name[0], start, text, errors);
    } else if (t === 'block' && gotoBody(c, blockHeader(c, text, plain))) {
      if (c.gotoFirstChild()) {
        bodies.push(new Map());
        continue;
      }
      c.gotoParent(); // an empty body: back on its block
    }
    while (!c.gotoNextSibling()) {
      bodies.pop();
      c.gotoParent(); // the body
      c.gotoParent(); // its block
      if (!bodies.length) return;
    }
  }
}

/**
 * A block's body under the API's names, with the cursor on the block (left there). The object's
 * range is the whole block (type, labels and braces), which is what a fix that inserts an argument
 * or removes the block works from. `plain`: the tree has no syntax errors.
 */
function blockObject(
  c: Cursor,
  schema: BlockSchema,
  text: string,
  parts: BlockParts,
  plain: boolean,
  errors: SyntaxProblem[],
  blockStart = c.startIndex,
  blockEnd = c.endIndex,
  /** Told of each argument the schema does not read: its name, and where it and its value start and end. */
  other?: (name: string, start: number, valueStart: number, end: number) => void,
): Node {
  const props: Node[] = [];
  let nulls: Map<string, Node> | undefined;
  /** Where each argument (as written) is first set, and the API names of those set twice. */
  let seen: Map<string, number> | undefined;
  let redefined: Set<string> | undefined;

  /**
   * Terraform refuses a block that sets an argument twice ("Attribute redefined"): an error on
   * the second, and neither value is judged (the argument reads as unknown).
   */
  const argument = (name: string, start: number): void => {
    if (redefinition((seen ??= new Map()), name, start, text, errors))
      (redefined ??= new Set()).add(schema.attributes[name] ?? name);
  };
  const groups = new Map<
    string,
    {
      key: string;
      keyStart: number;
      keyEnd: number;
      blocks: Node[];
      start: number;
      end: number;
      dynamic: boolean;
    }
  >();

  /**
   * The attribute at `start`..`end` read from the text (its name and `=`, then a literal value):
   * most arguments need no walk into the tree. False when its value must be read from the tree.
   */
  const attributeFromText = (start: number, end: number): boolean => {
    ATTRIBUTE_HEAD.lastIndex = start;
    const head = ATTRIBUTE_HEAD.exec(text);
    if (!head) return false;
    const known = schema.attributes[head[1]] ?? (schema.keepUnknown ? head[1] : undefined);
    if (known === undefined) {
      argument(head[1], start);
      other?.(head[1], start, start + head[0].length, end);
      return true; // not read
    }
    const literal = literalFromText(text, start + head[0].length, end);
    if (!literal) return false;
    argument(head[1], start);
    if (literal.type === 'null') (nulls ??= new Map()).set(known, literal);
    else
      props.push(
        propertyNode(
          known,
          start,
          head[1].length,
          literal,
          start,
          end - start,
          text.indexOf('=', start + head[1].length),
        ),
      );
    return true;
  };

  /** The attribute under the cursor read from the tree. */
  const attributeFromTree = (): void => {
    const start = c.startIndex;
    const end = c.endIndex;
    let name: string | undefined;
    let nameStart = 0;
    let eq: number | undefined;
    let value: Node | undefined;
    let valueStart: number | undefined;
    eachChild(c, () => {
      const ct = c.nodeType;
      if (ct === 'identifier' && name === undefined) {
        nameStart = c.startIndex;
        name = text.slice(c.startIndex, c.endIndex);
      } else if (ct === '=') eq = c.startIndex;
      else if (ct === 'expression' && name !== undefined) {
        valueStart = c.startIndex;
        const api = schema.attributes[name] ?? (schema.keepUnknown ? name : undefined);
        if (api !== undefined) value = expressionValue(c, text);
      }
    });
    if (name === undefined) return;
    argument(name, nameStart);
    if (value === undefined) {
      if (valueStart !== undefined && !(name in schema.attributes))
        other?.(name, start, valueStart, end);
      return;
    }
    const api = schema.attributes[name] ?? name;
    if (value.type === 'null') {
      (nulls ??= new Map()).set(api, value); // `x = null` is Terraform's "not set"
      return;
    }
    props.push(propertyNode(api, nameStart, name.length, value, start, end - start, eq));
  };

  /** The nested block under the cursor, which starts at `start`. */
  const nestedBlock = (start: number): void => {
    const nestedParts = (plain && plainBlockHeader(text, start)) || blockParts(c, text);
    const dynamic = nestedParts.type === 'dynamic';
    const blockType = dynamic ? (nestedParts.labels[0]?.text ?? '') : nestedParts.type;
    const nested = schema.blocks[blockType];
    if (!nested || dynamic) redefinedArguments(c, text, plain, errors); // not read, but Terraform parses it
    if (!nested) return;
    const end = c.endIndex;
    let g = groups.get(blockType);
    if (!g)
      groups.set(
        blockType,
        (g = {
          key: nested.key,
          keyStart: nestedParts.typeStart,
          keyEnd: nestedParts.typeEnd,
          blocks: [],
          start,
          end,
          dynamic: false,
        }),
      );
    g.start = Math.min(g.start, start);
    g.end = Math.max(g.end, end);
    if (dynamic) g.dynamic = true;
    else g.blocks.push(blockObject(c, nested.schema, text, nestedParts, plain, errors, start, end));
  };

  if (gotoBody(c, parts)) {
    if (plain) {
      // Without syntax errors, a body's children are attributes, blocks and comments. A comment
      // starts with `#` or `/`, and a child that starts with a name and `=` is an attribute (a
      // block's type is never followed by `=`), which ends where the whitespace before the next
      // child starts: most attributes cost the cursor one step and one position.
      let more = c.gotoFirstChild();
      while (more) {
        const start = c.startIndex;
        const first = text.charCodeAt(start);
        if (first === 35 /* # */ || first === 47 /* / */) {
          more = c.gotoNextSibling();
          continue;
        }
        ATTRIBUTE_HEAD.lastIndex = start;
        if (ATTRIBUTE_HEAD.test(text)) {
          more = c.gotoNextSibling();
          // The last child: the cursor stayed on it.
          if (!attributeFromText(start, more ? endBefore(text, c.startIndex) : c.endIndex)) {
            if (more) c.gotoPreviousSibling();
            attributeFromTree();
            if (more) c.gotoNextSibling();
          }
          continue;
        }
        const t = c.nodeType; // a block, or an attribute whose name and `=` are on two lines
        if (t === 'block') nestedBlock(start);
        else if (t === 'attribute') attributeFromTree();
        more = c.gotoNextSibling();
      }
      c.gotoParent();
    } else
      eachChild(c, () => {
        const t = c.nodeType;
        if (t === 'attribute') {
          if (!attributeFromText(c.startIndex, c.endIndex)) attributeFromTree();
        } else if (t === 'block') nestedBlock(c.startIndex);
      });
    c.gotoParent();
  }
  for (const g of groups.values()) {
    // Blocks generated from an expression (dynamic): the list is not known.
    const value = g.dynamic
      ? scalarNode('opaque', g.start, g.end - g.start)
      : arrayNode(g.start, g.end - g.start, g.blocks);
    props.push(
      propertyNode(g.key, g.keyStart, g.keyEnd - g.keyStart, value, g.start, g.end - g.start),
    );
  }
  if (redefined)
    for (let i = 0; i < props.length; i++) {
      const p = props[i];
      const [k, v] = p.children!;
      if (!redefined.has(k.value as string)) continue;
      const unknown = scalarNode('opaque', v.offset, v.length);
      props[i] = propertyNode(
        k.value,
        k.offset,
        k.length,
        unknown,
        p.offset,
        p.length,
        p.colonOffset,
      );
    }
  props.sort((a, b) => a.offset - b.offset);
  const object = objectNode(blockStart, blockEnd - blockStart, props);
  if (nulls) nullArguments.set(object, nulls);
  return object;
}

function collectComments(root: TsNode, text: string, out: SourceComment[]): void {
  for (const c of root.descendantsOfType('comment')) {
    if (!c) continue;
    const raw = text.slice(c.startIndex, c.endIndex);
    const body = raw.startsWith('#')
      ? raw.slice(1)
      : raw.startsWith('//')
        ? raw.slice(2)
        : raw.slice(2, raw.endsWith('*/') ? -2 : undefined);
    out.push({ offset: c.startIndex, length: c.endIndex - c.startIndex, body });
  }
}

function collectErrors(node: TsNode, out: SyntaxProblem[]): void {
  if (out.length >= 20) return; // one broken brace can leave many; the first ones say enough
  if (node.isMissing) {
    out.push({
      offset: node.startIndex,
      length: 0,
      message: `HCL syntax error: missing ${node.type}`,
    });
    return;
  }
  if (node.isError) {
    out.push({
      offset: node.startIndex,
      length: node.endIndex - node.startIndex,
      message: 'HCL syntax error: unexpected text',
    });
    return;
  }
  for (const c of node.children) if (c && (c.hasError || c.isMissing)) collectErrors(c, out);
}

type Tree = NonNullable<ReturnType<Parser['parse']>>;

/**
 * The trees of the last texts read. The editor lints a document again after each typing pause,
 * and completion and hover read it with a marker at the cursor: each such text differs from one
 * read just before by one edit, and tree-sitter re-parses only what an edit touched when it is
 * given the old tree (the full parse is most of a lint: BENCHMARKS.md, Lint). A tree handed on is
 * edited in place and replaced by the new one; the oldest is freed past RECENT_TREES.
 */
const RECENT_TREES = 4;
const recentTrees: { text: string; tree: Tree }[] = [];

/** Frees the kept trees: the next read parses its text whole. */
export function forgetHclTrees(): void {
  for (const r of recentTrees.splice(0)) r.tree.delete();
}

/** Row and column (UTF-16 code units, as web-tree-sitter counts) of an offset. */
function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function parseHcl(p: Parser, text: string): Tree {
  // The kept text most like this one: the longest common start and end.
  let best = -1;
  let bestShared = 0;
  let start = 0;
  let end = 0;
  for (let k = 0; k < recentTrees.length; k++) {
    const old = recentTrees[k].text;
    const most = Math.min(old.length, text.length);
    let a = 0;
    while (a < most && old.charCodeAt(a) === text.charCodeAt(a)) a++;
    let b = 0;
    while (
      b < most - a &&
      old.charCodeAt(old.length - 1 - b) === text.charCodeAt(text.length - 1 - b)
    )
      b++;
    if (a + b > bestShared) [best, bestShared, start, end] = [k, a + b, a, b];
  }
  let tree: Tree | null;
  // Worth it when most of the text is unchanged; otherwise a whole parse is as fast.
  if (best >= 0 && bestShared * 2 >= text.length) {
    const [old] = recentTrees.splice(best, 1);
    old.tree.edit({
      startIndex: start,
      oldEndIndex: old.text.length - end,
      newEndIndex: text.length - end,
      startPosition: pointAt(text, start),
      oldEndPosition: pointAt(old.text, old.text.length - end),
      newEndPosition: pointAt(text, text.length - end),
    });
    tree = p.parse(text, old.tree);
    old.tree.delete();
  } else tree = p.parse(text);
  if (!tree) throw new Error('the HCL parser returned no tree');
  recentTrees.unshift({ text, tree });
  for (const r of recentTrees.splice(RECENT_TREES)) r.tree.delete();
  return tree;
}

export interface ReadHclOptions {
  /**
   * Read every block header and attribute from the tree's nodes, as for a tree with syntax errors,
   * instead of from the text where an error-free tree allows it: slower, the reference the tests
   * compare the reader with.
   */
  treeOnly?: boolean;
}

/** Reads a .tf document. Throws when the parser is not loaded (see loadHclParser). */
export function readHcl(text: string, options: ReadHclOptions = {}): HclDocument {
  if (!parser) throw new Error('the HCL parser is not loaded (call loadHclParser() first)');
  const tree = parseHcl(parser, text);
  const root = tree.rootNode;
  const errorFree = !root.hasError;
  // Error-free: block headers and attributes are read from the text where they are plain.
  const plain = errorFree && !options.treeOnly;
  const c = tree.walk();
  try {
    const targets: Target[] = [];
    const errors: SyntaxProblem[] = [];
    // config_file → body → its blocks; only resources of the two types are read further.
    if (c.gotoFirstChild()) {
      do {
        if (c.nodeType !== 'body') continue;
        // Arguments of the top level (Terraform accepts none, but refuses one set twice first).
        const topLevel = new Map<string, number>();
        eachChild(c, () => {
          const start = c.startIndex;
          if (c.nodeType === 'attribute') {
            ARGUMENT_NAME.lastIndex = start;
            const name = ARGUMENT_NAME.exec(text);
            if (name) redefinition(topLevel, name[0], start, text, errors);
            return;
          }
          if (c.nodeType !== 'block') return;
          // Blocks the reader does not map are still parsed by Terraform: an argument set twice there too.
          if (!text.startsWith('resource', start))
            return redefinedArguments(c, text, plain, errors);
          const parts = blockHeader(c, text, plain);
          const type =
            parts.type === 'resource' && parts.labels[0]
              ? RESOURCE_TYPES[parts.labels[0].text]
              : undefined;
          if (!type) return redefinedArguments(c, text, plain, errors);
          let none: NoInstances | undefined;
          const object = blockObject(
            c,
            type.schema,
            text,
            parts,
            plain,
            errors,
            undefined,
            undefined,
            (name, argStart, valueStart, end) =>
              (none ??= noInstances(
                name,
                text.slice(valueStart, end),
                argStart,
                endBefore(text, end) - argStart,
              )),
          );
          const header = parts.labels[parts.labels.length - 1];
          targets.push(
            terraformTarget(
              type,
              object,
              'terraform',
              { offset: start, length: header.end - start },
              none,
            ),
          );
        });
      } while (c.gotoNextSibling());
    }
    if (!errorFree) collectErrors(root, errors);
    const comments: SourceComment[] = [];
    if (text.includes('cloudtrail-lens-')) collectComments(root, text, comments);
    return { targets, errors, comments };
  } finally {
    c.delete(); // the tree is kept (recentTrees)
  }
}
