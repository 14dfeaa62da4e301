/**
 * Reads a notebook's parameters cell: one declaration of one object literal, e.g.
 *
 *     const params = { seeds: 5, threads: 8, mode: "fifo" as "fifo" | "ticket", sweep: [1, 2, 4] };
 *
 * Parsed with the TypeScript parser (no evaluation): names, literal defaults (numbers, strings, booleans, lists of
 * them, through `as` and `satisfies`), and whether each default is a list.
 */
import type * as TS from "typescript";
import { NotebookFileError } from "./ipynb";

export interface ParamEntry {
  name: string;
  /** The default's value when it is a literal (or a list of literals); undefined when it is computed. */
  value: unknown;
  /** The default as written in the cell. */
  text: string;
  /** The default is a list (an array literal): overrides must be lists too, or are wrapped into one. */
  isList: boolean;
}

export interface ParamsCell {
  /** The variable holding the object (`params` above): the injected cell assigns into it. */
  variable: string;
  entries: ParamEntry[];
}

const NOT_LITERAL = Symbol("not a literal");

function literalValue(ts: typeof TS, node: TS.Expression): unknown {
  while (
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isParenthesizedExpression(node) ||
    ts.isTypeAssertionExpression(node)
  ) {
    node = node.expression;
  }
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (
    ts.isPrefixUnaryExpression(node) &&
    node.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(node.operand)
  )
    return -Number(node.operand.text);
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map((e) => literalValue(ts, e));
    return items.includes(NOT_LITERAL) ? NOT_LITERAL : items;
  }
  return NOT_LITERAL;
}

function unwrap(ts: typeof TS, node: TS.Expression): TS.Expression {
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node))
    node = node.expression;
  return node;
}

const EXAMPLE = "const params = { seeds: 5, threads: 8 };";

/** Parses the source of a parameters cell; `where` names the notebook in errors. */
export function parseParamsCell(source: string, where: string): ParamsCell {
  const ts = require("typescript") as typeof TS;
  const file = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.ES2022, true);
  const decls: Array<{ name: string; init: TS.ObjectLiteralExpression }> = [];
  const bad = (why: string) =>
    new NotebookFileError(
      `${where}: the cell tagged 'parameters' must hold one object literal (e.g. ${EXAMPLE}); ${why}`,
    );
  for (const stmt of file.statements) {
    if (!ts.isVariableStatement(stmt)) throw bad(`found '${stmt.getText(file).split("\n")[0]}'`);
    for (const d of stmt.declarationList.declarations) {
      const init = d.initializer ? unwrap(ts, d.initializer) : undefined;
      if (!ts.isIdentifier(d.name) || !init || !ts.isObjectLiteralExpression(init))
        throw bad(`'${d.getText(file)}' is not one`);
      decls.push({ name: d.name.text, init });
    }
  }
  if (decls.length !== 1) throw bad(`found ${decls.length} declarations`);
  const entries: ParamEntry[] = [];
  for (const prop of decls[0].init.properties) {
    if (!ts.isPropertyAssignment(prop) || !(ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
      throw bad(`'${prop.getText(file)}' is not a 'name: value' entry`);
    }
    const value = literalValue(ts, prop.initializer);
    entries.push({
      name: prop.name.text,
      value: value === NOT_LITERAL ? undefined : value,
      text: prop.initializer.getText(file),
      isList: ts.isArrayLiteralExpression(unwrap(ts, prop.initializer)),
    });
  }
  return { variable: decls[0].name, entries };
}
