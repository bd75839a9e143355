// Templates that turn a log row's cells into a fleet id or a parameter:
//
//   "dc1/row01/rack{Rack id:02}/host{(Server - 1) % 3 * 2 + Enclosure:02}"
//   "{Slot - 1}"
//
// Text outside braces is copied; `{expr}` is replaced by its value, `{expr:02}` zero-pads
// it to 2 digits; `{{` and `}}` are literal braces. An expression holds column names
// (letters, digits, `_`, `.` and spaces, starting with a letter: `Rack id`; any other name
// in backquotes: `slot-bin`), whole numbers, + - * // (floor division) % (floor modulo,
// never negative for a positive divisor), unary minus and parentheses. A lone column is
// its cell's text (a whole number when it reads as one); arithmetic needs whole numbers.
//
// A template is parsed once (parseTemplate: errors carry the offset into its text), bound
// to a CSV header once (bindTemplate: column names become cell indices) and then applied
// to every row; a row whose cells do not fit (not a number, division by zero) gets a
// TemplateError naming the column and the cell.

export type Expr =
  | { op: "num"; value: number }
  | { op: "col"; name: string; offset: number }
  | { op: "neg"; a: Expr }
  | { op: "+" | "-" | "*" | "//" | "%"; a: Expr; b: Expr };

export type Part = { text: string } | { expr: Expr; pad: number; source: string };

export interface Template {
  /** As written. */
  text: string;
  parts: Part[];
  /** Every column named, in order of first use. */
  columns: { name: string; offset: number }[];
}

/** A row's value: text, or a whole number. */
export type Value = string | number;

export class TemplateError extends Error {}

type Parsed = { ok: true; template: Template } | { ok: false; offset: number; message: string; hint?: string };

const NAME_START = /[\p{L}_]/u;
const NAME_CHAR = /[\p{L}\p{N}_. ]/u;

class Parser {
  i = 0;
  constructor(
    readonly s: string,
    readonly end: number,
    readonly columns: { name: string; offset: number }[],
  ) {}

  fail(message: string, offset = this.i, hint?: string): never {
    throw Object.assign(new TemplateError(message), { offset, hint });
  }

  skip(): void {
    while (this.i < this.end && this.s[this.i] === " ") this.i++;
  }

  expr(): Expr {
    let a = this.term();
    for (;;) {
      this.skip();
      const c = this.s[this.i];
      if (this.i >= this.end || (c !== "+" && c !== "-")) return a;
      this.i++;
      a = { op: c, a, b: this.term() };
    }
  }

  term(): Expr {
    let a = this.unary();
    for (;;) {
      this.skip();
      const c = this.s[this.i];
      if (this.i >= this.end) return a;
      if (c === "*" || c === "%") {
        this.i++;
        a = { op: c, a, b: this.unary() };
      } else if (c === "/") {
        if (this.s[this.i + 1] !== "/") this.fail('"/" alone is not an operator', this.i, "use // for whole-number division (rounds down)");
        this.i += 2;
        a = { op: "//", a, b: this.unary() };
      } else return a;
    }
  }

  unary(): Expr {
    this.skip();
    if (this.s[this.i] === "-" && this.i < this.end) {
      this.i++;
      return { op: "neg", a: this.unary() };
    }
    return this.atom();
  }

  atom(): Expr {
    this.skip();
    const start = this.i;
    const c = this.s[this.i];
    if (this.i >= this.end) this.fail("expected a column name, a number or (", start);
    if (c === "(") {
      this.i++;
      const e = this.expr();
      this.skip();
      if (this.s[this.i] !== ")" || this.i >= this.end) this.fail("expected )", this.i, `the ( at ${start + 1} is not closed`);
      this.i++;
      return e;
    }
    if (c >= "0" && c <= "9") {
      while (this.i < this.end && this.s[this.i] >= "0" && this.s[this.i] <= "9") this.i++;
      const value = Number(this.s.slice(start, this.i));
      if (!Number.isSafeInteger(value)) this.fail("number too large", start);
      return { op: "num", value };
    }
    if (c === "`") {
      const close = this.s.indexOf("`", start + 1);
      if (close < 0 || close >= this.end) this.fail("a `quoted column name` is not closed", start);
      this.i = close + 1;
      return this.column(this.s.slice(start + 1, close), start);
    }
    if (NAME_START.test(c)) {
      while (this.i < this.end && NAME_CHAR.test(this.s[this.i])) this.i++;
      return this.column(this.s.slice(start, this.i).trimEnd(), start);
    }
    return this.fail(`unexpected "${c}"`, start, "an expression holds column names, whole numbers, + - * // % and parentheses");
  }

  column(name: string, offset: number): Expr {
    if (name === "") this.fail("empty column name", offset);
    if (!this.columns.some((c) => c.name === name)) this.columns.push({ name, offset });
    return { op: "col", name, offset };
  }
}

/** Parses a template; on error, the offset (0-based) into `text` where it went wrong. */
export function parseTemplate(text: string): Parsed {
  const parts: Part[] = [];
  const columns: { name: string; offset: number }[] = [];
  let lit = "";
  let i = 0;
  try {
    while (i < text.length) {
      const c = text[i];
      if ((c === "{" || c === "}") && text[i + 1] === c) {
        lit += c;
        i += 2;
        continue;
      }
      if (c === "}") return { ok: false, offset: i, message: 'a "}" without its "{"', hint: "write }} for a literal brace" };
      if (c !== "{") {
        lit += c;
        i++;
        continue;
      }
      const close = text.indexOf("}", i + 1);
      if (close < 0) return { ok: false, offset: i, message: 'a "{" without its "}"', hint: "write {{ for a literal brace" };
      const colon = text.lastIndexOf(":", close);
      const hasPad = colon > i && /^\d{1,2}$/.test(text.slice(colon + 1, close));
      if (!hasPad && colon > i)
        return { ok: false, offset: colon, message: `expected a width after ":", found "${text.slice(colon + 1, close)}"`, hint: "e.g. {Rack:02}" };
      const exprEnd = hasPad ? colon : close;
      const p = new Parser(text, exprEnd, columns);
      p.i = i + 1;
      const expr = p.expr();
      p.skip();
      if (p.i < exprEnd) p.fail(`unexpected "${text[p.i]}"`, p.i, "an expression holds column names, whole numbers, + - * // % and parentheses");
      if (lit) parts.push({ text: lit });
      lit = "";
      parts.push({ expr, pad: hasPad ? Number(text.slice(colon + 1, close)) : 0, source: text.slice(i, close + 1) });
      i = close + 1;
    }
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const x = e as TemplateError & { offset: number; hint?: string };
    return { ok: false, offset: x.offset, message: x.message, hint: x.hint };
  }
  if (lit) parts.push({ text: lit });
  return { ok: true, template: { text, parts, columns } };
}

/** A template that is plain text (no braces) gives that text. */
export function isConstant(t: Template): boolean {
  return t.parts.every((p) => "text" in p);
}

const INTEGER = /^[+-]?\d+$/;

function cellNumber(cells: readonly string[], index: number, name: string): number {
  const cell = cells[index];
  if (!INTEGER.test(cell)) throw new TemplateError(`column "${name}" is "${cell}", not a whole number`);
  return Number(cell);
}

type Compiled = (cells: readonly string[]) => Value;
type CompiledNumber = (cells: readonly string[]) => number;

function compileNumber(e: Expr, index: (name: string) => number): CompiledNumber {
  switch (e.op) {
    case "num":
      return () => e.value;
    case "col": {
      const i = index(e.name);
      return (cells) => cellNumber(cells, i, e.name);
    }
    case "neg": {
      const a = compileNumber(e.a, index);
      return (cells) => -a(cells);
    }
    default: {
      const a = compileNumber(e.a, index);
      const b = compileNumber(e.b, index);
      const op = e.op;
      return (cells) => {
        const x = a(cells);
        const y = b(cells);
        if (op === "+") return x + y;
        if (op === "-") return x - y;
        if (op === "*") return x * y;
        if (y === 0) throw new TemplateError(`division by zero (${op} 0)`);
        return op === "//" ? Math.floor(x / y) : x - y * Math.floor(x / y);
      };
    }
  }
}

function compile(e: Expr, index: (name: string) => number): Compiled {
  if (e.op !== "col") return compileNumber(e, index);
  const i = index(e.name);
  return (cells) => (INTEGER.test(cells[i]) ? Number(cells[i]) : cells[i]);
}

function padded(v: Value, width: number, source: string): string {
  if (typeof v !== "number") throw new TemplateError(`${source} pads a whole number, found "${v}"`);
  const s = String(Math.abs(v)).padStart(width, "0");
  return v < 0 ? `-${s}` : s;
}

/**
 * The template as a function of a row's cells; `index` gives a column's cell index (every
 * column of the template must have one). A template that is one `{expr}` alone gives the
 * expression's value (a number or a cell's text); any other gives text. Throws
 * TemplateError when a row's cells do not fit.
 */
export function bindTemplate(t: Template, index: (name: string) => number): Compiled {
  const fns = t.parts.map((p): Compiled => {
    if ("text" in p) return () => p.text;
    const f = compile(p.expr, index);
    return p.pad ? (cells) => padded(f(cells), p.pad, p.source) : f;
  });
  if (fns.length === 1 && !("text" in t.parts[0]) && !t.parts[0].pad) return fns[0];
  return (cells) => {
    let s = "";
    for (const f of fns) s += f(cells);
    return s;
  };
}
