// A strict JSON parser (RFC 8259) for everything apicred reads as JSON from a user or a client: apply
// documents, `check --batch` lines and, later, HTTP bodies. JSON.parse keeps the last of two equal
// keys and says nothing, so `{"admins":[…],"admins":[…]}` would silently drop a list; here a
// duplicate key is an error, reported with where it is (line, column, byte offset and JSON path).
// Values are built as JSON.parse builds them ("__proto__" included, as an own property).

export type StrictJsonProblem = "syntax" | "duplicate_key" | "too_deep";

export class StrictJsonError extends Error {
  constructor(
    message: string,
    readonly problem: StrictJsonProblem,
    /** Offset in the text (UTF-16 units), 0-based. */
    readonly offset: number,
    /** 1-based line and column (column in characters). */
    readonly line: number,
    readonly column: number,
    /** Offset in the UTF-8 bytes of the text, 0-based. */
    readonly byteOffset: number,
    /** Where in the document: `(document)`, `admins`, `roles[2].name`. */
    readonly path: string,
    /** The duplicated key. */
    readonly key?: string,
    /** What is wrong, without where. */
    readonly reason: string = message,
  ) {
    super(message);
    this.name = "StrictJsonError";
  }
}

export interface StrictJsonOptions {
  /** Nesting deeper than this is refused (a stack overflow otherwise); default 256. */
  maxDepth?: number;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Parses `text` as JSON, refusing duplicate keys; throws StrictJsonError saying where. */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  return new Parser(text, options.maxDepth ?? 256).document();
}

class Parser {
  private i = 0;
  /** Keys and indices from the top to the value being parsed: the path, built only on an error. */
  private readonly trail: (string | number)[] = [];

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  document(): unknown {
    this.space();
    const value = this.value(0);
    this.space();
    if (this.i < this.text.length) this.fail("unexpected text after the JSON value");
    return value;
  }

  private value(depth: number): unknown {
    const c = this.text.charCodeAt(this.i);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x74) return this.word("true", true);
    if (c === 0x66) return this.word("false", false);
    if (c === 0x6e) return this.word("null", null);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail(this.i >= this.text.length ? "unexpected end of input" : "expected a value");
  }

  private object(depth: number): Record<string, unknown> {
    if (depth > this.maxDepth) this.fail(`nested more than ${this.maxDepth} levels deep`, "too_deep");
    this.i++;
    const out: Record<string, unknown> = {};
    this.space();
    if (this.text.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.i) !== 0x22) this.fail("expected a key (a string in double quotes)");
      const keyAt = this.i;
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        this.i = keyAt;
        this.fail(`duplicate key ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}`, "duplicate_key", key);
      }
      this.space();
      if (this.text.charCodeAt(this.i) !== 0x3a) this.fail('expected ":" after the key');
      this.i++;
      this.space();
      this.trail.push(key);
      const value = this.value(depth);
      this.trail.pop();
      if (key === "__proto__") Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
      this.space();
      const c = this.text.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.space();
      } else if (c === 0x7d) {
        this.i++;
        return out;
      } else this.fail('expected "," or "}"');
    }
  }

  private array(depth: number): unknown[] {
    if (depth > this.maxDepth) this.fail(`nested more than ${this.maxDepth} levels deep`, "too_deep");
    this.i++;
    const out: unknown[] = [];
    this.space();
    if (this.text.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return out;
    }
    for (;;) {
      this.trail.push(out.length);
      out.push(this.value(depth));
      this.trail.pop();
      this.space();
      const c = this.text.charCodeAt(this.i);
      if (c === 0x2c) {
        this.i++;
        this.space();
      } else if (c === 0x5d) {
        this.i++;
        return out;
      } else this.fail('expected "," or "]"');
    }
  }

  private string(): string {
    const text = this.text;
    const start = ++this.i;
    // Fast path: no escape, no control character.
    for (let j = start; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === 0x22) {
        this.i = j + 1;
        return text.slice(start, j);
      }
      if (c === 0x5c) break;
      if (c < 0x20) {
        this.i = j;
        this.fail("a control character inside a string (escape it)");
      }
    }
    let out = "";
    let j = start;
    for (;;) {
      if (j >= text.length) {
        this.i = j;
        this.fail("unterminated string");
      }
      const c = text.charCodeAt(j);
      if (c === 0x22) {
        this.i = j + 1;
        return out;
      }
      if (c < 0x20) {
        this.i = j;
        this.fail("a control character inside a string (escape it)");
      }
      if (c !== 0x5c) {
        out += text[j];
        j++;
        continue;
      }
      const e = text[j + 1];
      if (e === "u") {
        const hex = text.slice(j + 2, j + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) {
          this.i = j;
          this.fail("a \\u escape needs 4 hex digits");
        }
        out += String.fromCharCode(parseInt(hex, 16));
        j += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        j += 2;
      } else {
        this.i = j;
        this.fail("an invalid escape in a string");
      }
    }
  }

  private number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (!m) return this.fail("an invalid number");
    this.i += m[0].length;
    return Number(m[0]);
  }

  private word<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.i)) this.fail("expected a value");
    this.i += word.length;
    return value;
  }

  private space(): void {
    const text = this.text;
    let i = this.i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  private fail(what: string, problem: StrictJsonProblem = "syntax", key?: string): never {
    const offset = Math.min(this.i, this.text.length);
    let line = 1;
    let lineStart = 0;
    for (let j = this.text.indexOf("\n"); j >= 0 && j < offset; j = this.text.indexOf("\n", j + 1)) {
      line++;
      lineStart = j + 1;
    }
    const column = offset - lineStart + 1;
    const byteOffset = utf8Length(this.text, offset);
    const path = pathText(this.trail);
    throw new StrictJsonError(
      `${what} at line ${line}, column ${column} (byte ${byteOffset})${this.trail.length ? ` in ${path}` : ""}`,
      problem,
      offset,
      line,
      column,
      byteOffset,
      path,
      key,
      what,
    );
  }
}

/** `admins[0].username` from the trail of keys and indices; `(document)` at the top. */
function pathText(trail: readonly (string | number)[]): string {
  let out = "";
  for (const step of trail) {
    if (typeof step === "number") out += `[${step}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(step) ? `${out ? "." : ""}${step}` : `[${JSON.stringify(step.length > 40 ? `${step.slice(0, 40)}…` : step)}]`;
  }
  return out || "(document)";
}

/** UTF-8 length of text[0, end). */
function utf8Length(text: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
