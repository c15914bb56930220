// CloudFormation YAML (and any YAML: `aws cloudtrail … --output yaml`) read with the `yaml`
// package into the configuration model, keeping each node's exact source range. The short forms of
// CloudFormation's intrinsic functions (`!Ref`, `!Sub`, `!GetAtt`…) are custom tags whose values
// are opaque, as `{"Ref": …}` / `{"Fn::…": …}` are in JSON; anchors and aliases resolve (an alias
// stands for the anchored node, at the anchor's position), and so do merge keys (`<<: *base`).
import { Composer, isAlias, isMap, isScalar, isSeq, Lexer, Parser, type Document, type Node as YamlNode, type Tags } from 'yaml';
import type { Node } from '../tree';
import { arrayNode, objectNode, propertyNode, scalarNode } from './model';
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

// Each tag on a scalar (`!Ref Bucket`), a sequence (`!GetAtt [Key, Arn]`) or a mapping: the node
// keeps its tag and range, and the reader makes it opaque.
const CUSTOM_TAGS: Tags = INTRINSIC_TAGS.flatMap((tag) => [
  { tag, resolve: (s: string) => s },
  { tag, collection: 'seq' as const, resolve: (v: unknown) => v },
  { tag, collection: 'map' as const, resolve: (v: unknown) => v },
]) as unknown as Tags;

const OPTIONS = { customTags: CUSTOM_TAGS, merge: true, uniqueKeys: false, prettyErrors: false, keepSourceTokens: false } as const;

export interface YamlDocument {
  /** The model of each document of the stream (a template is one). */
  roots: Node[];
  errors: SyntaxProblem[];
  comments: SourceComment[];
}

class Converter {
  /** Anchored nodes already converted: an alias reuses the model node (no exponential alias bombs). */
  private readonly done = new Map<YamlNode, Node>();

  constructor(private readonly doc: Document.Parsed) {}

  node(n: YamlNode | null | undefined, at: number, depth: number): Node {
    if (!n) return scalarNode('null', at, 0, null);
    if (isAlias(n)) {
      const target = n.resolve(this.doc);
      return target && depth < 64 ? this.node(target as YamlNode, n.range?.[0] ?? at, depth + 1) : scalarNode('opaque', n.range?.[0] ?? at, 0);
    }
    const cached = this.done.get(n);
    if (cached) return cached;
    const [start, end] = n.range ?? [at, at];
    let out: Node;
    if (n.tag && INTRINSICS.has(n.tag)) out = scalarNode('opaque', start, end - start);
    else if (isMap(n)) out = this.map(n, start, end, depth);
    else if (isSeq(n)) out = arrayNode(start, end - start, n.items.map((i) => this.node(i as YamlNode, end, depth + 1)));
    else if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'string') out = scalarNode('string', start, end - start, v);
      else if (typeof v === 'boolean') out = scalarNode('boolean', start, end - start, v);
      else if (typeof v === 'number' || typeof v === 'bigint') out = scalarNode('number', start, end - start, Number(v));
      else if (v === null || v === undefined) out = scalarNode('null', start, end - start, null);
      else out = scalarNode('opaque', start, end - start);
    } else out = scalarNode('opaque', start, end - start);
    if (n.anchor) this.done.set(n, out);
    return out;
  }

  private map(n: YamlNode & { items: { key: unknown; value: unknown }[] }, start: number, end: number, depth: number): Node {
    const props: Node[] = [];
    const merged: Node[] = [];
    for (const pair of n.items) {
      const key = pair.key as YamlNode | null;
      if (!key || !isScalar(key) || !key.range) continue; // complex keys configure nothing here
      const value = this.node(pair.value as YamlNode | null, key.range[1], depth + 1);
      // With merge keys on, `<<` is read as a symbol.
      if ((typeof key.value === 'symbol' || key.value === '<<') && (isAlias(pair.value) || isSeq(pair.value))) {
        // A merge key: the merged mapping's properties, unless this mapping sets them itself.
        const sources = value.type === 'array' ? value.children ?? [] : [value];
        for (const s of sources) if (s.type === 'object') merged.push(...(s.children ?? []));
        continue;
      }
      const valueEnd = (pair.value as YamlNode | null)?.range?.[1] ?? key.range[1];
      props.push(propertyNode(String(key.value), key.range[0], key.range[1] - key.range[0], value, key.range[0], Math.max(valueEnd, key.range[1]) - key.range[0]));
    }
    const own = new Set(props.map((p) => p.children![0].value as string));
    for (const p of merged) {
      const k = p.children![0].value as string;
      if (own.has(k)) continue;
      own.add(k);
      // The merged property's nodes stay where the anchor defines them; only the list is this mapping's.
      props.push(p);
    }
    return objectNode(start, end - start, props);
  }
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
    if (!scalarNext && lexeme.charCodeAt(0) === 35 /* # */) out.push({ offset, length: lexeme.length, body: lexeme.slice(1) });
    scalarNext = false;
    offset += lexeme.length;
  }
  return out;
}

export function readYaml(text: string): YamlDocument {
  const composer = new Composer(OPTIONS);
  const roots: Node[] = [];
  const errors: SyntaxProblem[] = [];
  for (const doc of composer.compose(new Parser().parse(text), true, text.length)) {
    for (const e of doc.errors) {
      errors.push({ offset: e.pos[0], length: Math.max(e.pos[1] - e.pos[0], 1), message: `YAML syntax error: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` });
    }
    if (doc.contents) roots.push(new Converter(doc).node(doc.contents as YamlNode, 0, 0));
  }
  return { roots, errors, comments: text.includes('cloudtrail-lens-') ? yamlComments(text) : [] };
}
