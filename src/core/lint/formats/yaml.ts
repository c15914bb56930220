// CloudFormation YAML (and any YAML: `aws cloudtrail … --output yaml`) read with the `yaml`
// package into the configuration model, keeping each node's exact source range. The short forms of
// CloudFormation's intrinsic functions (`!Ref`, `!Sub`, `!GetAtt`…) are values left alone, as
// `{"Ref": …}` / `{"Fn::…": …}` are in JSON; so is a value under any other tag (`!Foo`), whose
// meaning nobody knows, and which the node records for the rule that reports it (a tag on a key,
// `!Foo IsLogging: true`, likewise: the key node records it, its value is opaque); anchors and aliases resolve (an alias stands for the
// anchored node, at the anchor's position), and so do merge keys (`<<: *base`; a mapping that
// merges what is not a mapping is unknown as a whole: which keys it gets is not known). Where
// aliases and merge keys are is kept (yamlRefusals): CloudFormation refuses them.
//
// The model is built from the package's concrete syntax tree (its Parser: every token with its
// offset; scalars resolved by its resolveAsScalar), not from its Document: composing the Document
// costs a third again of the parse and the rules need none of it. Syntax errors, when asked for,
// come from composing the Document from the same tokens, with the intrinsic tags declared as
// custom tags so that they are not reported as unknown.
import { Composer, CST, Lexer, Parser, type Tags } from 'yaml';
import type { Node } from '../tree';
import { arrayNode, objectNode, propertyNode, scalarNode, tagKey, unknownTagNode } from './model';
import type { SourceComment, SyntaxProblem } from './types';

/** Every intrinsic function with a YAML short form (CloudFormation User Guide, intrinsic function reference). */
export const INTRINSIC_TAGS: readonly string[] = [
  'Ref',
  'Sub',
  'GetAtt',
  'If',
  'Join',
  'Select',
  'FindInMap',
  'ImportValue',
  'Equals',
  'Not',
  'And',
  'Or',
  'Condition',
  'Base64',
  'Split',
  'GetAZs',
  'Cidr',
  'Transform',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
  'Length',
  'ToJsonString',
].map((n) => `!${n}`);

const INTRINSICS = new Set(INTRINSIC_TAGS);

/** The YAML core schema's tags (and `!`, "a string"), which the reader resolves as YAML does. */
const YAML_TAGS = new Set(['!', '!!str', '!!int', '!!float', '!!bool', '!!null', '!!seq', '!!map']);

// Each tag on a scalar (`!Ref Bucket`), a sequence (`!GetAtt [Key, Arn]`) or a mapping: the node
// keeps its tag and range, and the reader makes it opaque.
const CUSTOM_TAGS: Tags = INTRINSIC_TAGS.flatMap((tag) => [
  { tag, resolve: (s: string) => s },
  { tag, collection: 'seq' as const, resolve: (v: unknown) => v },
  { tag, collection: 'map' as const, resolve: (v: unknown) => v },
]) as unknown as Tags;

const OPTIONS = {
  customTags: CUSTOM_TAGS,
  merge: true,
  uniqueKeys: false,
  prettyErrors: false,
  keepSourceTokens: false,
} as const;

/** A YAML feature CloudFormation refuses: an alias (`*base`), a merge key (`<<`). */
export interface YamlRefusal {
  offset: number;
  length: number;
  what: 'alias' | 'merge';
}

/**
 * The aliases and merge keys of each document (by its root), in the order written, when it has
 * any. A side table: rare, and read by one rule.
 */
export const yamlRefusals = new WeakMap<Node, YamlRefusal[]>();

export interface YamlDocument {
  /** The model of each document of the stream (a template is one). */
  roots: Node[];
  /** Only when asked for (see readYaml). */
  errors: SyntaxProblem[];
  comments: SourceComment[];
  /** Where the model would nest deeper than readYaml's maxDepth (nothing was read), if it would. */
  tooDeepAt?: number;
}

type Token = CST.Token;
type SourceToken = CST.SourceToken;

/** The YAML 1.2 core schema's reading of a plain scalar (what the Document would give). */
function plainValue(s: string): { type: 'null' | 'boolean' | 'number' | 'string'; value: unknown } {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL')
    return { type: 'null', value: null };
  if (s === 'true' || s === 'True' || s === 'TRUE') return { type: 'boolean', value: true };
  if (s === 'false' || s === 'False' || s === 'FALSE') return { type: 'boolean', value: false };
  const c = s.charCodeAt(0);
  // Numbers start with a digit, a sign, a dot (.5, .inf, .nan).
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (/^[-+]?[0-9]+$/.test(s)) return { type: 'number', value: parseInt(s, 10) };
    if (/^0o[0-7]+$/.test(s)) return { type: 'number', value: parseInt(s.slice(2), 8) };
    if (/^0x[0-9a-fA-F]+$/.test(s)) return { type: 'number', value: parseInt(s.slice(2), 16) };
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s))
      return { type: 'number', value: parseFloat(s) };
    if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s))
      return { type: 'number', value: s.startsWith('-') ? -Infinity : Infinity };
    if (/^\.(?:nan|NaN|NAN)$/.test(s)) return { type: 'number', value: NaN };
  }
  return { type: 'string', value: s };
}

/** The anchor and tag (and where the tag is) among the tokens before a value. */
function propsOf(tokens: readonly Token[] | undefined): {
  anchor?: string;
  tag?: string;
  tagOffset?: number;
} {
  let anchor: string | undefined;
  let tag: string | undefined;
  let tagOffset: number | undefined;
  for (const t of tokens ?? []) {
    if (t.type === 'anchor') anchor = (t as SourceToken).source.slice(1);
    else if (t.type === 'tag') [tag, tagOffset] = [(t as SourceToken).source, t.offset];
  }
  return { anchor, tag, tagOffset };
}

/** Where a value that is absent (`Key:` and nothing) would be: just after the `:`. */
function afterIndicator(tokens: readonly SourceToken[] | undefined, fallback: number): number {
  const ind = tokens?.find((t) => t.type === 'map-value-ind' || t.type === 'seq-item-ind');
  return ind ? ind.offset + 1 : fallback;
}

const end = (n: Node) => n.offset + n.length;

/** Where a value's text ends: an alias's own text (its node is the anchored one, elsewhere). */
function valueEnd(token: Token | undefined, node: Node, fallback: number): number {
  if (!token) return fallback;
  return token.type === 'alias' ? token.offset + token.source.length : end(node);
}

/**
 * A scalar's value and range. The common cases (one line, no escapes) are read straight from the
 * token; the rest (folded lines, escapes, block scalars) by the package's resolveAsScalar.
 */
function scalarOf(
  token: CST.FlowScalar | CST.BlockScalar,
): { value: string; start: number; end: number } | undefined {
  const src = token.source;
  if (token.type !== 'block-scalar' && !src.includes('\n')) {
    const last = src.charCodeAt(src.length - 1);
    if (token.type === 'scalar' && last !== 32 && last !== 9)
      return { value: src, start: token.offset, end: token.offset + src.length };
    if (
      token.type === 'double-quoted-scalar' &&
      !src.includes('\\') &&
      src.length > 1 &&
      last === 34
    )
      return { value: src.slice(1, -1), start: token.offset, end: token.offset + src.length };
    if (
      token.type === 'single-quoted-scalar' &&
      src.length > 1 &&
      last === 39 &&
      src.indexOf("''", 1) < 0
    )
      return { value: src.slice(1, -1), start: token.offset, end: token.offset + src.length };
  }
  const r = CST.resolveAsScalar(token, false, () => undefined);
  return r ? { value: r.value, start: r.range[0], end: r.range[1] } : undefined;
}

class Converter {
  /** Anchored nodes: an alias reuses the model node (no exponential alias bombs). */
  private readonly anchors = new Map<string, Node>();
  /** Aliases and merge keys, as read (yamlRefusals). */
  readonly refusals: YamlRefusal[] = [];

  value(token: Token | undefined, props: readonly Token[] | undefined, at: number): Node {
    const { anchor, tag, tagOffset } = propsOf(
      token?.type === 'block-scalar' ? [...(props ?? []), ...token.props] : props,
    );
    let node: Node;
    if (tag && !INTRINSICS.has(tag) && !YAML_TAGS.has(tag)) {
      const [start, stop] = token ? this.extent(token, at) : [at, at];
      node = unknownTagNode(start, stop - start, { offset: tagOffset!, length: tag.length });
    } else if (!token)
      node = scalarNode(
        tag && INTRINSICS.has(tag) ? 'opaque' : 'null',
        at,
        0,
        tag && INTRINSICS.has(tag) ? undefined : null,
      );
    else if (tag && INTRINSICS.has(tag)) node = this.opaque(token, at);
    else node = this.untagged(token, tag, at);
    if (anchor) this.anchors.set(anchor, node);
    return node;
  }

  private opaque(token: Token, at: number): Node {
    const range = this.extent(token, at);
    return scalarNode('opaque', range[0], range[1] - range[0]);
  }

  /** The source range of a token's value (scalars without their trailing comments and line breaks). */
  private extent(token: Token, at: number): [number, number] {
    switch (token.type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar': {
        const r = scalarOf(token);
        return r ? [r.start, r.end] : [token.offset, token.offset];
      }
      case 'alias':
        return [token.offset, token.offset + token.source.length];
      case 'flow-collection': {
        const close = token.end.find((t) => t.type === 'flow-map-end' || t.type === 'flow-seq-end');
        return [
          token.offset,
          close ? close.offset + 1 : this.lastEnd(token.items, token.offset + 1),
        ];
      }
      case 'block-map':
      case 'block-seq':
        return [token.offset, this.lastEnd(token.items, token.offset)];
      default:
        return [at, at];
    }
  }

  private lastEnd(items: readonly CST.CollectionItem[], fallback: number): number {
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i];
      if (it.value) return this.extent(it.value, fallback)[1];
      if (it.key) return this.extent(it.key, fallback)[1];
    }
    return fallback;
  }

  private untagged(token: Token, tag: string | undefined, at: number): Node {
    switch (token.type) {
      case 'alias':
        this.refusals.push({ offset: token.offset, length: token.source.length, what: 'alias' });
        return (
          this.anchors.get(token.source.slice(1)) ??
          scalarNode('opaque', token.offset, token.source.length)
        );
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar': {
        const r = scalarOf(token);
        if (!r) return scalarNode('opaque', token.offset, 0);
        const { start, end: stop } = r;
        // A plain scalar takes the core schema's type unless a tag (`!!str`) says otherwise.
        if (token.type === 'scalar' && !tag) {
          const { type, value } = plainValue(r.value);
          return scalarNode(type, start, stop - start, value);
        }
        return scalarNode('string', start, stop - start, r.value);
      }
      case 'block-map':
        return this.map(token.items, token.offset, at);
      case 'block-seq':
        return this.seq(token.items, token.offset, at);
      case 'flow-collection':
        return token.start.type === 'flow-map-start'
          ? this.map(token.items, token.offset, at, this.extent(token, at)[1])
          : this.seq(token.items, token.offset, at, this.extent(token, at)[1]);
      default:
        return scalarNode('opaque', at, 0);
    }
  }

  private seq(
    items: readonly CST.CollectionItem[],
    start: number,
    at: number,
    stop?: number,
  ): Node {
    const out: Node[] = [];
    let last = start;
    for (const it of items) {
      // `[a: b]` is a one-pair mapping; nothing here writes such lists.
      if (it.key !== undefined && it.sep) continue;
      if (!it.value && !it.start.some((t) => t.type === 'seq-item-ind')) continue; // a flow list's trailing comma
      const at2 = afterIndicator(it.start, at);
      const node = this.value(it.value, it.start, at2);
      out.push(node);
      last = valueEnd(it.value, node, at2);
    }
    return arrayNode(start, (stop ?? last) - start, out);
  }

  private map(
    items: readonly CST.CollectionItem[],
    start: number,
    at: number,
    stop?: number,
  ): Node {
    const props: Node[] = [];
    const merged: Node[] = [];
    let unknownMerge = false;
    let first: number | undefined;
    let last = start;
    for (const it of items) {
      const key = it.key;
      if (key?.type === 'alias')
        this.refusals.push({ offset: key.offset, length: key.source.length, what: 'alias' });
      if (
        !key ||
        (key.type !== 'scalar' &&
          key.type !== 'single-quoted-scalar' &&
          key.type !== 'double-quoted-scalar')
      )
        continue; // complex keys configure nothing here
      const r = scalarOf(key);
      if (!r) continue;
      const k = { value: r.value, range: [r.start, r.end] };
      // CloudFormation reads a key as a plain name: under any tag but YAML's own, neither the key
      // nor what it is set to is known.
      const { tag: keyTag, tagOffset: keyTagOffset } = propsOf(it.start);
      const tagged = keyTag !== undefined && !YAML_TAGS.has(keyTag);
      let value = this.value(it.value, it.sep, afterIndicator(it.sep, k.range[1]));
      if (tagged) value = scalarNode('opaque', value.offset, value.length);
      first ??= k.range[0];
      if (!tagged && key.type === 'scalar' && k.value === '<<' && it.value) {
        // What is merged from an alias is reported there; a mapping written in place, here.
        if (!mergesAliases(it.value))
          this.refusals.push({ offset: k.range[0], length: 2, what: 'merge' });
        // A merge key: the merged mappings' properties, unless this mapping sets them itself. What
        // is merged from anything else (an unknown tag, an intrinsic function) is not known, nor
        // then is any key this mapping does not set: the whole mapping is unknown.
        for (const s of value.type === 'array' ? (value.children ?? []) : [value])
          if (s.type === 'object') merged.push(...(s.children ?? []));
          else unknownMerge = true;
        last = Math.max(last, valueEnd(it.value, value, k.range[1]));
        continue;
      }
      const stopAt = valueEnd(it.value, value, k.range[1]);
      last = Math.max(last, stopAt);
      const property = propertyNode(
        k.value,
        k.range[0],
        k.range[1] - k.range[0],
        value,
        k.range[0],
        Math.max(stopAt, k.range[1]) - k.range[0],
      );
      props.push(
        tagged ? tagKey(property, { offset: keyTagOffset!, length: keyTag.length }) : property,
      );
    }
    const own = new Set(props.map((p) => p.children![0].value as string));
    for (const p of merged) {
      const k = p.children![0].value as string;
      if (own.has(k)) continue;
      own.add(k);
      // The merged property's nodes stay where the anchor defines them; only the list is this mapping's.
      props.push(p);
    }
    const from = stop === undefined ? (first ?? start) : start;
    if (unknownMerge) return scalarNode('opaque', from, (stop ?? last) - from);
    return objectNode(from, (stop ?? last) - from, props);
  }
}

/** Whether a merge key's value is an alias or a sequence of aliases (`<<: *base`, `<<: [*a, *b]`). */
function mergesAliases(value: Token): boolean {
  if (value.type === 'alias') return true;
  if (value.type !== 'flow-collection' && value.type !== 'block-seq') return false;
  return value.items.length > 0 && value.items.every((i) => i.value?.type === 'alias');
}

/** Comments, found by the lexer (so that `#` in a quoted string or a block scalar is not one). */
function yamlComments(text: string): SourceComment[] {
  const out: SourceComment[] = [];
  let offset = 0;
  let scalarNext = false;
  for (const lexeme of new Lexer().lex(text)) {
    // Control lexemes (document start \x02, flow error end \x18, scalar marker \x1f) take no source.
    if (lexeme === '\x02' || lexeme === '\x18' || lexeme === '\x1f') {
      scalarNext = lexeme === '\x1f';
      continue;
    }
    if (!scalarNext && lexeme.charCodeAt(0) === 35 /* # */)
      out.push({ offset, length: lexeme.length, body: lexeme.slice(1) });
    scalarNext = false;
    offset += lexeme.length;
  }
  return out;
}

/** A value token and the tokens before it that hold its anchor (as Converter.value takes them). */
interface Held {
  token: Token;
  props?: readonly Token[];
}

function collectionChildren(token: Token): Held[] {
  const out: Held[] = [];
  if (token.type === 'block-map' || token.type === 'flow-collection') {
    for (const it of token.items) {
      if (it.key) out.push({ token: it.key, props: it.start });
      if (it.value)
        out.push({
          token: it.value,
          props: token.type === 'flow-collection' && !it.sep ? it.start : it.sep,
        });
    }
  } else if (token.type === 'block-seq') {
    for (const it of token.items) if (it.value) out.push({ token: it.value, props: it.start });
  }
  return out;
}

function anchorOf(h: Held): string | undefined {
  return propsOf(h.token.type === 'block-scalar' ? [...(h.props ?? []), ...h.token.props] : h.props)
    .anchor;
}

/** The anchor among the tokens before a value (and a block scalar's own), if any. */
function anchorIn(token: Token, props: readonly Token[] | undefined): string | undefined {
  let anchor: string | undefined;
  if (props) for (const t of props) if (t.type === 'anchor') anchor = t.source.slice(1);
  if (token.type === 'block-scalar')
    for (const t of token.props) if (t.type === 'anchor') anchor = t.source.slice(1);
  return anchor;
}

/**
 * The height of a document's model (as modelDepthExceededAt counts it), without recursion and
 * without a record per node: each open collection keeps the greatest height of its children so
 * far, and only anchored nodes' heights are kept, for their aliases.
 */
const NO_ITEMS: readonly CST.CollectionItem[] = [];

function modelHeight(root: Held): number {
  const anchored = new Map<string, number>();
  interface Open {
    token: Token;
    props: readonly Token[] | undefined;
    /** The items of a collection; empty for anything else. */
    items: readonly CST.CollectionItem[];
    flow: boolean;
    seq: boolean;
    /** The next item, and whether its value (rather than its key) comes next. */
    next: number;
    atValue: boolean;
    height: number;
  }
  const open = (token: Token, props: readonly Token[] | undefined): Open => ({
    token,
    props,
    items:
      token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection'
        ? token.items
        : NO_ITEMS,
    flow: token.type === 'flow-collection',
    seq: token.type === 'block-seq',
    next: 0,
    atValue: false,
    height: 0,
  });
  const stack: Open[] = [open(root.token, root.props)];
  let height = 0;
  while (stack.length) {
    const top = stack[stack.length - 1];
    // The next child, in the order collectionChildren gives them.
    let child: Token | undefined;
    let props: readonly Token[] | undefined;
    while (!child && top.next < top.items.length) {
      const it = top.items[top.next];
      if (!top.atValue) {
        top.atValue = true;
        if (!top.seq && it.key) [child, props] = [it.key, it.start];
      } else {
        top.atValue = false;
        top.next++;
        if (it.value)
          [child, props] = [it.value, top.seq || (top.flow && !it.sep) ? it.start : it.sep];
      }
    }
    if (child) {
      stack.push(open(child, props));
      continue;
    }
    stack.pop();
    const t = top.token;
    const collection =
      t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection';
    height =
      t.type === 'alias'
        ? (anchored.get(t.source.slice(1)) ?? 0)
        : top.height + (collection ? 1 : 0);
    const anchor = anchorIn(t, top.props);
    if (anchor) anchored.set(anchor, height);
    if (stack.length) {
      const parent = stack[stack.length - 1];
      if (height > parent.height) parent.height = height;
    }
  }
  return height;
}

/**
 * Where a document's model would nest deeper than `limit`, or -1. The conversion and every reader
 * of the model recurse, and an alias stands for its anchored node wherever it is used, so a chain
 * of aliases can nest far deeper than the text: heights are computed from the concrete syntax
 * tree (the package's Parser does not recurse) without recursion, aliases counting as their anchors.
 */
function modelDepthExceededAt(root: Held, limit: number): number {
  if (modelHeight(root) <= limit) return -1;
  const heights = new Map<Token, number>();
  const anchored = new Map<string, Token>();
  const stack: { held: Held; children: Held[]; next: number }[] = [
    { held: root, children: collectionChildren(root.token), next: 0 },
  ];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      stack.push({ held: child, children: collectionChildren(child.token), next: 0 });
      continue;
    }
    stack.pop();
    const t = top.held.token;
    let height: number;
    if (t.type === 'alias') {
      const target = anchored.get(t.source.slice(1));
      height = target ? (heights.get(target) ?? 0) : 0;
    } else {
      height = 0;
      for (const c of top.children) height = Math.max(height, heights.get(c.token) ?? 0);
      if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection')
        height++;
    }
    heights.set(t, height);
    const anchor = anchorOf(top.held);
    if (anchor) anchored.set(anchor, t);
  }
  if ((heights.get(root.token) ?? 0) <= limit) return -1;
  // Where it passes the limit: down the deepest path, through aliases to what they stand for.
  let token = root.token;
  for (let depth = 1; depth <= limit; depth++) {
    let deepest: Token | undefined;
    for (const c of collectionChildren(token))
      if (!deepest || (heights.get(c.token) ?? 0) > (heights.get(deepest) ?? 0)) deepest = c.token;
    if (!deepest) break;
    while (deepest.type === 'alias') {
      const target: Token | undefined = anchored.get(deepest.source.slice(1));
      if (!target) break;
      deepest = target;
    }
    token = deepest;
  }
  return token.offset;
}

/**
 * Reads a YAML text. `withErrors` composes the YAML documents as well, for their syntax errors
 * (the CLI reports them for the files it is named); the model does not need it. A document whose
 * model would nest deeper than `maxDepth` is not read: `tooDeepAt` says where it passes it.
 */
export function readYaml(text: string, withErrors = false, maxDepth = Infinity): YamlDocument {
  const tokens = Array.from(new Parser().parse(text));
  for (const t of tokens) {
    const at =
      t.type === 'document' && t.value
        ? modelDepthExceededAt({ token: t.value, props: t.start }, maxDepth)
        : -1;
    if (at >= 0) return { roots: [], errors: [], comments: [], tooDeepAt: at };
  }
  const roots: Node[] = [];
  for (const t of tokens) {
    if (t.type !== 'document' || !t.value) continue;
    const converter = new Converter();
    const root = converter.value(t.value, t.start, t.offset);
    if (converter.refusals.length) yamlRefusals.set(root, converter.refusals);
    roots.push(root);
  }
  const errors: SyntaxProblem[] = [];
  if (withErrors) {
    for (const doc of new Composer(OPTIONS).compose(tokens, true, text.length)) {
      for (const e of doc.errors) {
        errors.push({
          offset: e.pos[0],
          length: Math.max(e.pos[1] - e.pos[0], 1),
          message: `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        });
      }
    }
  }
  return { roots, errors, comments: text.includes('cloudtrail-lens-') ? yamlComments(text) : [] };
}
