/**
 * Splits a SQL script into its statements, so that a failure can name the statement and its
 * line. Understands what can hide a semicolon: quoted strings and identifiers, dollar-quoted
 * bodies ($$ … $$, $fn$ … $fn$), line comments and nested block comments.
 */
export type SqlStatement = {
  /** The statement's text, without its terminating semicolon. */
  text: string;
  /** 1-based line where the statement starts in the script. */
  line: number;
};

export function splitStatements(script: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = script.slice(start, end);
    const text = raw.trim();
    if (text !== '' && !isOnlyComments(text)) {
      const leading = raw.length - raw.trimStart().length;
      statements.push({ text, line: lineAt(script, start + leading) });
    }
  };
  while (i < script.length) {
    const char = script[i];
    const next = script[i + 1];
    if (char === '-' && next === '-') {
      i = indexOrEnd(script, '\n', i);
    } else if (char === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (char === "'" || char === '"') {
      i = skipQuoted(script, i, char);
    } else if (char === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
      if (tag && !isIdentifierChar(script[i - 1])) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? script.length : close + tag[0].length;
      } else {
        i += 1;
      }
    } else if (char === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  push(script.length);
  return statements;
}

function skipQuoted(script: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < script.length) {
    if (script[i] === quote) {
      if (script[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    // E'…' strings escape quotes with a backslash.
    if (script[i] === '\\' && quote === "'" && /[eE]/.test(script[from - 1] ?? '')) {
      i += 2;
      continue;
    }
    i += 1;
  }
  return i;
}

function skipBlockComment(script: string, from: number): number {
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script[i] === '/' && script[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (script[i] === '*' && script[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return i;
}

function indexOrEnd(script: string, search: string, from: number): number {
  const found = script.indexOf(search, from);
  return found === -1 ? script.length : found;
}

function isIdentifierChar(char: string | undefined): boolean {
  return char !== undefined && /[A-Za-z0-9_]/.test(char);
}

function isOnlyComments(text: string): boolean {
  return text.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').trim() === '';
}

function lineAt(script: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i += 1) if (script[i] === '\n') line += 1;
  return line;
}
