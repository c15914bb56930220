// What every format reader gives the engine besides the configuration model.

/** A syntax error of the document, reported as a finding by the CLI. */
export interface SyntaxProblem {
  offset: number;
  length: number;
  message: string;
}

/** A comment of the document: suppression comments live there. `body` is the text without its markers (`#`, `//`, or the block comment delimiters). */
export interface SourceComment {
  offset: number;
  length: number;
  body: string;
}
