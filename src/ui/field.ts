// `--field NAME`: print one field of a command's JSON result, raw, for scripts without jq
// (`apicred credential create --admin ci --field secret`). It is an Output whose result() prints
// that field instead of the human rendering or the JSON document; everything else (stderr warnings,
// errors) works as usual. A command that prints something other than a JSON result (export,
// check --batch, completion) refuses --field instead of printing a document the script did not ask for.
import { UsageError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { Output } from "./output.js";

/** One value as a script wants it: strings raw, arrays one item per line, objects as compact JSON. */
function raw(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n");
  return JSON.stringify(value);
}

/** `path` ("secret", or "summary.create" for a nested field) in `data`; undefined when absent. */
function pick(data: unknown, path: string[]): { found: true; value: unknown } | { found: false; keys: string[] } {
  let value = data;
  for (const key of path) {
    if (typeof value !== "object" || value === null || Array.isArray(value) || !Object.hasOwn(value, key)) {
      const keys = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
      return { found: false, keys };
    }
    value = (value as Record<string, unknown>)[key];
  }
  return { found: true, value };
}

export function validateFieldName(name: string): string[] {
  const path = name.split(".");
  if (name.length > 200 || path.some((p) => p === "")) throw new UsageError(`--field: "${name}" is not a field name (e.g. --field secret)`);
  return path;
}

export class FieldOutput extends Output {
  private readonly path: string[];

  constructor(
    private readonly field: string,
    ...args: ConstructorParameters<typeof Output>
  ) {
    super(...args);
    this.path = validateFieldName(field);
  }

  /** The field of the result; for a list, the field of every item, one per line. */
  override async result(data: unknown): Promise<void> {
    const items = Array.isArray(data) ? data : [data];
    const lines: string[] = [];
    for (const item of items) {
      const picked = pick(item, this.path);
      if (!picked.found) {
        const hint = picked.keys.length ? `${didYouMean(this.field, picked.keys)}; fields: ${picked.keys.join(", ")}` : "";
        // The command has run by now: say so, so nobody retries a create and makes two.
        throw new UsageError(`--field: the result has no field "${this.field}"${hint} (the command itself ran)`);
      }
      lines.push(...raw(picked.value).split("\n"));
    }
    super.lines(lines); // escaped and masked like all output, but for the secret this command generated
  }

  override printJson(): void {
    this.refuse();
  }

  override writeJson(): void {
    this.refuse();
  }

  override lines(): void {
    this.refuse();
  }

  override rows(): void {
    this.refuse();
  }

  override line(): void {
    this.refuse();
  }

  override async table(): Promise<void> {
    this.refuse();
  }

  private refuse(): never {
    throw new UsageError("--field works only with commands that print a JSON object or list (see --json); this one prints something else");
  }
}
