// Types of desired.mjs (an apply document; the tests that use it need only its shape loosely).
export function desiredDoc(n: number): {
  version: 1;
  admins: { username: string; disabled: boolean }[];
  actions: unknown[];
  roles: { name: string; description: string; grants: string[] }[];
  credentials: { name: string; admin: string; description: string; roles: string[]; ips: string[]; expiresAt: string | null }[];
  ipAllowlist: { address: string; note: string }[];
};
