// Quick-fix edits written as YAML: `IsMultiRegionTrail: true` appended to the mapping at its own
// indentation, scalars replaced in the style they were written (plain, 'single', "double"), basic
// selectors converted to an `AdvancedEventSelectors:` block sequence.
import { stringify } from 'yaml';
import type { AdvancedSelector } from '../convert';
import { removeNode } from '../edits';
import { spellingOf, type Target } from '../recognise';
import { newSelectors, renameBareKey, type Scalar, type Syntax } from '../syntax';
import { prop, propertyNode as findProperty, type Node } from '../tree';
import type { TextEdit } from '../types';
import { joinEdits, lineEndOf, lineStartOf, unitOf, wholeLines } from './layout';

/** `value` as a YAML scalar; `flow` when it sits in a flow collection, where `,[]{}` must be quoted. */
export function yamlScalar(value: Scalar, style?: string, flow = false): string {
  if (typeof value !== 'string') return String(value);
  if (style === '"') return JSON.stringify(value);
  if (style === "'") return `'${value.replace(/'/g, "''")}'`;
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  return flow && /[,[\]{}]/.test(plain) && !/^["']/.test(plain) ? JSON.stringify(value) : plain;
}

/** Whether `offset` is inside a flow collection (`[…]`, `{…}`) of the node tree `obj` belongs to. */
function inFlow(text: string, node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'array' || p.type === 'object')
      return text[p.offset] === '[' || text[p.offset] === '{';
  }
  return false;
}

/** The selectors as a YAML block sequence, each line indented by `indent`. */
function yamlBlock(selectors: unknown, indent: string, unit: string, eol: string): string {
  const body = stringify(selectors, { indent: unit.length || 2, lineWidth: 0 }).trimEnd();
  return body
    .split('\n')
    .map((l) => indent + l)
    .join(eol);
}

export function yamlSyntax(text: string): Syntax {
  const { unit, eol } = unitOf(text);

  const replaceValue = (node: Node, value: Scalar): TextEdit => {
    if (node.length === 0)
      return { offset: node.offset, length: 0, newText: ` ${yamlScalar(value)}` }; // `Key:` with no value
    const first = text[node.offset];
    return {
      offset: node.offset,
      length: node.length,
      newText: yamlScalar(
        value,
        first === '"' || first === "'" ? first : undefined,
        inFlow(text, node),
      ),
    };
  };

  return {
    format: 'yaml',
    lineComment: '#',
    replaceValue,
    renameKey: renameBareKey,
    setProperty(target, obj, key, value) {
      const own = (p: Node) => p.offset >= obj.offset && p.offset < obj.offset + obj.length;
      // The last of a repeated key is the one CloudFormation reads (see propertyNode).
      const existing = obj.children?.filter((p) => p.children?.[0].value === key && own(p)).pop();
      // A value merged in from an anchor (`<<: *base`) is overridden here, not changed for everyone.
      if (existing) return [replaceValue(existing.children![1], value)];
      const entry = `${spellingOf(target)(key)}: ${yamlScalar(value)}`;
      if (text[obj.offset] === '{') {
        if (text[obj.offset + obj.length - 1] !== '}') return []; // an unclosed flow mapping: nothing sensible to insert
        const last = obj.children?.filter(own).pop();
        return [
          last
            ? { offset: last.offset + last.length, length: 0, newText: `, ${entry}` }
            : { offset: obj.offset, length: obj.length, newText: `{ ${entry} }` },
        ];
      }
      // A block mapping: a new line after its last entry, at the column of its keys.
      const indent = ' '.repeat(obj.offset - lineStartOf(text, obj.offset));
      const last = obj.children
        ?.filter(own)
        .reduce((a, b) => (b.offset + b.length > a.offset + a.length ? b : a));
      const end = last ? last.offset + last.length : obj.offset + obj.length;
      if (text[end - 1] === '\n')
        return [{ offset: end, length: 0, newText: `${indent}${entry}${eol}` }];
      return [{ offset: lineEndOf(text, end), length: 0, newText: `${eol}${indent}${entry}` }];
    },
    removeItem(list, index) {
      const item = list.children?.[index];
      return item ? [removeNode(item)] : [];
    },
    replaceBasicSelectors(target: Target, selectors: AdvancedSelector[]) {
      const basicProp = findProperty(target.object, 'EventSelectors')!;
      const advancedValue = prop(target.object, 'AdvancedEventSelectors');
      if (!advancedValue) {
        const endsWithEol = text[basicProp.offset + basicProp.length - 1] === '\n';
        const newText = `${spellingOf(target)('AdvancedEventSelectors')}:${eol}${yamlBlock(selectors, ' '.repeat(basicProp.offset - lineStartOf(text, basicProp.offset)) + unit, unit, eol)}${endsWithEol ? eol : ''}`;
        return [{ offset: basicProp.offset, length: basicProp.length, newText }];
      }
      if (advancedValue.type !== 'array') return undefined;
      const edits: TextEdit[] = [
        wholeLines(text, basicProp.offset, basicProp.offset + basicProp.length),
      ].map((r) => ({ ...r, newText: '' }));
      const added = newSelectors(target, selectors);
      if (added.length) {
        const end = advancedValue.offset + advancedValue.length;
        if (text[advancedValue.offset] === '[') {
          // A flow sequence takes the selectors as JSON, which is YAML flow syntax.
          const body = added.map((s) => JSON.stringify(s)).join(', ');
          edits.push({
            offset: end - 1,
            length: 0,
            newText: advancedValue.children?.length ? `, ${body}` : body,
          });
        } else {
          const itemIndent = ' '.repeat(
            advancedValue.offset - lineStartOf(text, advancedValue.offset),
          );
          const block = yamlBlock(added, itemIndent, unit, eol);
          edits.push(
            text[end - 1] === '\n'
              ? { offset: end, length: 0, newText: block + eol }
              : { offset: lineEndOf(text, end), length: 0, newText: eol + block },
          );
        }
      }
      return joinEdits(edits);
    },
  };
}
