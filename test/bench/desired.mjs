// The store every benchmark uses, as an apply document: 50 roles, 20 allowlist entries (the last
// one the servers' range) and `n` credentials with two roles each, a third of them with an IP limit.
export function desiredDoc(n) {
  return {
    version: 1,
    admins: [{ username: "ops", disabled: false }],
    actions: [],
    roles: Array.from({ length: 50 }, (_, i) => ({
      name: `role-${i}`,
      description: `bench role ${i}`,
      grants: i === 0 ? ["Billing:*"] : [["GetClients", "GetInvoices", "GetOrders", "AddClient"][i % 4], "Support:*"],
    })),
    credentials: Array.from({ length: n }, (_, i) => ({
      name: `cred-${i}`,
      admin: "ops",
      description: `bench credential ${i}`,
      roles: [`role-${i % 50}`, `role-${(i * 7) % 50}`],
      ips: i % 3 === 0 ? ["203.0.113.0/24"] : [],
      expiresAt: null,
    })),
    ipAllowlist: Array.from({ length: 20 }, (_, i) =>
      i === 19 ? { address: "203.0.113.0/24", note: "bench servers" } : { address: `198.51.${i}.0/24`, note: `bench ${i}` },
    ),
  };
}
