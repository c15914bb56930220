// One configuration document, whatever its syntax: which format it is (by name when the name
// says, else by content), its trail configurations (Targets over the configuration model), its
// syntax errors and comments, and the Syntax that writes fixes in it. The engine, the assists and
// the editor all start here.
import { ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { depthExceededAt, MAX_JSON_DEPTH } from '../ingest/jsonScan';
import { hclParserLoaded, readHcl } from './formats/hcl';
import { hclSyntax } from './formats/hclEdits';
import type { SourceComment, SyntaxProblem } from './formats/types';
import { readYaml } from './formats/yaml';
import { yamlSyntax } from './formats/yamlEdits';
import { recognise, recogniseKinds, type Target } from './recognise';
import { jsoncComments } from './suppress';
import { jsonSyntax, type Syntax } from './syntax';
import type { Node } from './tree';
import type { ConfigFormat, DocumentKind } from './types';

export interface ConfigDocument {
  format: ConfigFormat;
  text: string;
  /** The model of the whole document (JSON, YAML: one per YAML document of a stream); none for HCL. */
  roots: Node[];
  /** The roots that hold a recognised configuration: what rules over the whole document read. */
  configRoots: Node[];
  targets: Target[];
  kinds: DocumentKind[];
  syntaxErrors: SyntaxProblem[];
  /** Comments that may be suppression directives. */
  comments: SourceComment[];
  syntax: Syntax;
  /**
   * JSON and YAML: where the document first nests deeper than MAX_JSON_DEPTH, when it does. Such a
   * document is not read (jsonc-parser, the YAML model's builder and the readers of the model
   * recurse; thousands of levels overflow the stack) and holds nothing; lint reports it.
   */
  tooDeepAt?: number;
}

/** File name endings and the format they hold; `.template` (CloudFormation's) may be JSON or YAML. */
const BY_NAME: [RegExp, ConfigFormat][] = [
  [/\.tf$/i, 'terraform'],
  [/\.tf\.json$/i, 'json'],
  [/\.jsonc?$/i, 'json'],
  [/\.ya?ml$/i, 'yaml'],
];

/** The file names `cloudtrail-lens lint` and the workspace command look at in a folder. */
export const CONFIG_FILE_PATTERN = /\.(?:jsonc?|ya?ml|template|tf)$/i;

/** A Terraform block header line: `resource "aws_cloudtrail" "x" {`, `terraform {`, `locals {`… */
const HCL_BLOCK =
  /^[ \t]*(?:resource|data|module|variable|output|provider|terraform|locals|moved|import|check)\b[^\n:]*\{[ \t]*\}?[ \t]*(?:(?:#|\/\/)[^\n]*)?\r?$/m;

/**
 * The format of a document: by the file name when it says (`.tf`, `.json`, `.yaml`…), otherwise
 * by content: JSON starts with `{` or `[` (comments aside), Terraform has block headers, anything
 * else is read as YAML. Cheap: a look at the first characters and one regular expression.
 */
export function detectFormat(text: string, fileName?: string): ConfigFormat {
  if (fileName) for (const [re, format] of BY_NAME) if (re.test(fileName)) return format;
  const start = /^(?:\uFEFF)?(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(text)![0].length;
  const c = text[start];
  if (c === '{' || c === '[') return 'json';
  if (HCL_BLOCK.test(text)) return 'terraform';
  return 'yaml';
}

function describeParseError(code: string): string {
  // "CommaExpected" → "comma expected"
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function readJson(text: string): ConfigDocument {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: true,
  }) as Node | undefined;
  const targets = recognise(root);
  const kinds = recogniseKinds(root, targets);
  return {
    format: 'json',
    text,
    roots: root ? [root] : [],
    configRoots: root && kinds.length ? [root] : [],
    targets,
    kinds,
    syntaxErrors: errors.map((e) => ({
      offset: e.offset,
      length: Math.max(e.length, 1),
      message: `JSON syntax error: ${describeParseError(printParseErrorCode(e.error))}.`,
    })),
    comments: jsoncComments(text),
    syntax: jsonSyntax(text, root, true),
  };
}

function readYamlDocument(text: string, syntaxErrors: boolean): ConfigDocument {
  const { roots, errors, comments, tooDeepAt } = readYaml(text, syntaxErrors, MAX_JSON_DEPTH);
  if (tooDeepAt !== undefined) return tooDeep(text, 'yaml', tooDeepAt);
  const targets: Target[] = [];
  const kinds = new Set<DocumentKind>();
  const configRoots: Node[] = [];
  for (const root of roots) {
    const found = recognise(root);
    targets.push(...found);
    const rootKinds = recogniseKinds(root, found);
    for (const k of rootKinds) kinds.add(k);
    if (rootKinds.length) configRoots.push(root);
  }
  return {
    format: 'yaml',
    text,
    roots,
    configRoots,
    targets,
    kinds: [...kinds],
    syntaxErrors: errors,
    comments,
    syntax: yamlSyntax(text),
  };
}

function readTerraform(text: string): ConfigDocument {
  const { targets, errors, comments } = readHcl(text);
  return {
    format: 'terraform',
    text,
    roots: [],
    configRoots: [],
    targets,
    kinds: targets.length ? ['terraform'] : [],
    syntaxErrors: errors,
    comments,
    syntax: hclSyntax(text),
  };
}

/** A document nested deeper than MAX_JSON_DEPTH: not read, nothing in it. */
function tooDeep(text: string, format: 'json' | 'yaml', at: number): ConfigDocument {
  const syntax = format === 'yaml' ? yamlSyntax(text) : jsonSyntax(text, undefined, true);
  return {
    format,
    text,
    roots: [],
    configRoots: [],
    targets: [],
    kinds: [],
    syntaxErrors: [],
    comments: [],
    syntax,
    tooDeepAt: at,
  };
}

export interface ReadOptions {
  /**
   * Find syntax errors (default true). JSON and HCL find them while parsing; YAML needs a second
   * pass over the tokens, which the editor, the assists and the benchmark skip.
   */
  syntaxErrors?: boolean;
}

/**
 * Reads a document in `format` (detected from the content when not given). Terraform needs the
 * HCL parser loaded (`loadHclParser()`); `readDocument` throws otherwise.
 */
export function readDocument(
  text: string,
  format: ConfigFormat = detectFormat(text),
  options: ReadOptions = {},
): ConfigDocument {
  if (format === 'yaml') return readYamlDocument(text, options.syntaxErrors !== false);
  if (format === 'terraform') return readTerraform(text); // tree-sitter and its cursor do not recurse
  // jsonc-parser's readers recurse (a few thousand levels overflow the stack): measured first.
  const tooDeepAt = depthExceededAt(text);
  if (tooDeepAt >= 0) return tooDeep(text, 'json', tooDeepAt);
  return readJson(text);
}

export { hclParserLoaded };
