import { defineConfig } from "vitest/config";

/**
 * The black-box files that are about behaviour, not files: they run a second time against
 * PostgreSQL (APICRED_TEST_BACKEND=postgres, a database per Sandbox). Tests about files by nature
 * skip themselves there with `it.skipIf(ON_POSTGRES)` (test/helpers/cli.ts).
 */
const ON_BOTH_BACKENDS = [
  "test/cli/access-key.test.ts",
  "test/cli/audit.test.ts",
  "test/cli/check.test.ts",
  "test/cli/completion-store.test.ts",
  "test/cli/credential.test.ts",
  "test/cli/doctor.test.ts",
  "test/cli/export-apply.test.ts",
  "test/cli/ip.test.ts",
  "test/cli/lifecycle.test.ts",
  "test/cli/policy.test.ts",
  "test/cli/role.test.ts",
  "test/cli/scripting.test.ts",
];

export default defineConfig({
  define: { APICRED_VERSION: JSON.stringify("0.0.0-test") },
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: "file", include: ["test/**/*.test.ts"], globalSetup: ["test/helpers/build.ts"] } },
      {
        extends: true,
        test: {
          name: "postgres",
          include: ON_BOTH_BACKENDS,
          env: { APICRED_TEST_BACKEND: "postgres" },
          globalSetup: ["test/helpers/build.ts", "test/helpers/pg-global.ts"],
        },
      },
    ],
  },
});
