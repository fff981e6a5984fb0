// Store locations: a PostgreSQL URL is never resolved as a path, and is printed without its password.
import { describe, expect, it } from "vitest";
import { parseTarget, scrub, storeError } from "../../src/store/postgres/client.js";
import { resolveStorePath } from "../../src/store/paths.js";

describe("PostgreSQL store URLs", () => {
  it("--store and $APICRED_STORE keep a postgres URL as it is; paths are still resolved", () => {
    expect(resolveStorePath("postgresql://u:p@db.example:5433/apicred", {})).toBe("postgresql://u:p@db.example:5433/apicred");
    expect(resolveStorePath(undefined, { APICRED_STORE: "postgres://db/x" })).toBe("postgres://db/x");
    expect(resolveStorePath("rel/store.json", {})).toMatch(/^\/.*\/rel\/store\.json$/);
  });

  it("the location drops the password (also a password= parameter); messages name host:port/database", () => {
    const t = parseTarget("postgresql://app:s%3Acr%40t@db.example:5433/apicred?sslmode=require&password=other");
    expect(t.location).toBe("postgresql://app@db.example:5433/apicred?sslmode=require");
    expect(t.where).toBe("db.example:5433/apicred");
    expect(scrub("bad s:cr@t and s%3Acr%40t and other", t)).toBe("bad *** and *** and ***");
    expect(parseTarget("postgres://localhost/x").where).toBe("localhost:5432/x");
    expect(parseTarget("postgresql:///x?host=/run/postgresql").where).toBe("/run/postgresql:5432/x");
  });

  it("driver errors become exit 5 with the password scrubbed", () => {
    const t = parseTarget("postgresql://app:hunter22@db:5432/a");
    const e = storeError(Object.assign(new Error("connect ECONNREFUSED db hunter22"), { code: "ECONNREFUSED" }), t);
    expect(e.exitCode).toBe(5);
    expect(e.message).toBe("cannot connect to PostgreSQL at db:5432/a: connect ECONNREFUSED db ***");
    expect(storeError(Object.assign(new Error("relation does not exist"), { code: "42P01" }), t).message).toMatch(/^no store at postgresql:\/\/app@db:5432\/a;/);
  });
});
