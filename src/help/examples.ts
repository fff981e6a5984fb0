// The EXAMPLES section of every command's help, by command path (canonical names, "" for apicred
// itself). test/unit/help.test.ts fails when a command has none, so a new command brings its own.
// Each entry: the command line after `$ `, and optionally what it does (`# …`).

export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  "": [
    "apicred --store ./try.json init                           # a sandbox store to try things in",
    "apicred admin add alice",
    "apicred role create billing-read --allow GetInvoices,Billing:*",
    "apicred credential create --admin alice --role billing-read --name ci-deploy",
    "apicred ip add 203.0.113.7 --note 'API server'",
    "apicred check ci-deploy GetInvoices --ip 203.0.113.7 --explain",
    "apicred help credential create                            # help of one command",
  ],
  help: ["apicred help role edit", "apicred help environment                  # the environment variables apicred reads", "apicred help exit-codes"],
  init: ["apicred init", "apicred --store ./try.json init             # a sandbox store"],
  status: ["apicred status", "apicred status --json"],

  admin: ["apicred admin add alice", "apicred admin list", "apicred admin disable alice"],
  "admin add": ["apicred admin add alice"],
  "admin list": ["apicred admin list", "apicred admin list --field username     # one username per line"],
  "admin disable": ["apicred admin disable alice               # her credentials are denied until enabled"],
  "admin enable": ["apicred admin enable alice"],
  "admin remove": ["apicred admin remove alice --yes           # deletes her credentials too"],

  action: ["apicred action list --category Billing", "apicred action add MyModuleSync --category Custom"],
  "action list": ["apicred action list", "apicred action list --category Billing", "apicred action list --custom --json"],
  "action categories": ["apicred action categories"],
  "action add": ["apicred action add MyModuleSync --category Custom"],
  "action remove": ["apicred action remove MyModuleSync"],

  role: ["apicred role create billing-read --allow GetInvoices,Billing:*", "apicred role list", "apicred role show billing-read"],
  "role create": [
    "apicred role create billing-read -d 'read invoices' --allow GetInvoices --allow Billing:*",
    "apicred role create admin-all --allow '*'",
    "apicred role create picked                  # on a terminal: pick the grants",
  ],
  "role list": ["apicred role list", "apicred role list --field name"],
  "role show": ["apicred role show billing-read", "apicred role show billing-read --json"],
  "role edit": [
    "apicred role edit billing-read --allow Orders:* --revoke GetInvoices",
    "apicred role edit billing-read --set GetClients,GetInvoices",
    "apicred role edit billing-read --rename billing",
  ],
  "role delete": ["apicred role delete billing-read --yes"],

  credential: [
    "apicred credential create --admin alice --role billing-read --name ci-deploy",
    "apicred credential list --expiring 30d",
    "apicred credential rotate ci-deploy --grace 1d",
  ],
  "credential create": [
    "apicred credential create --admin alice --role billing-read --name ci-deploy --expires 90d",
    "apicred credential create --admin alice --role billing-read --ip 10.0.0.0/8,203.0.113.7",
    "SECRET=$(apicred credential create --admin alice --role billing-read --field secret)",
  ],
  "credential list": ["apicred credential list", "apicred credential list --admin alice --role billing-read", "apicred credential list --expiring 30d --json"],
  "credential show": ["apicred credential show ci-deploy", "apicred credential show ci-deploy --field identifier"],
  "credential edit": [
    "apicred credential edit ci-deploy --add-role support --expires 2027-01-01",
    "apicred credential edit ci-deploy --ip 10.0.0.0/8 --description 'deploy job'",
    "apicred credential edit ci-deploy --clear-ips --no-expiry",
  ],
  "credential rotate": ["apicred credential rotate ci-deploy", "apicred credential rotate ci-deploy --grace 1d --field secret"],
  "credential delete": ["apicred credential delete ci-deploy --yes", "apicred credential revoke ci-deploy old-job --yes"],

  ip: ["apicred ip add 203.0.113.7 --note 'API server'", "apicred ip list", "apicred ip test 203.0.113.7"],
  "ip add": ["apicred ip add 203.0.113.7 --note 'API server'", "apicred ip add 10.0.0.0/8", "apicred ip add 10.0.0.5/8 --normalize      # stores 10.0.0.0/8"],
  "ip list": ["apicred ip list", "apicred ip list --field address"],
  "ip note": ["apicred ip note 203.0.113.7 'billing server'", "apicred ip note 203.0.113.7 ''              # clears the note"],
  "ip remove": ["apicred ip remove 203.0.113.7 10.0.0.0/8 --yes"],
  "ip test": ["apicred ip test 10.1.2.3 && echo allowed"],

  "access-key": ["apicred access-key set --php", "apicred access-key status"],
  "access-key set": ["apicred access-key set --php", "apicred access-key set --stdin < key.txt"],
  "access-key rotate": ["apicred access-key rotate --php"],
  "access-key status": ["apicred access-key status"],
  "access-key unset": ["apicred access-key unset --yes"],

  check: [
    "apicred check ci-deploy GetInvoices --ip 203.0.113.7",
    "apicred check ci-deploy GetInvoices --secret-file - --explain < secret.txt",
    "apicred check ci-deploy GetInvoices --ip 203.0.113.7 --secret-file secret.txt -q && echo allowed",
    "apicred check --batch < requests.jsonl",
  ],
  export: ["apicred export > desired.json", "apicred export --file desired.json", "apicred export --schema > apicred.schema.json"],
  apply: [
    "apicred apply --file desired.json --dry-run",
    "apicred apply --file desired.json --dry-run --exit-code   # CI: exit 1 when the store has drifted",
    "apicred apply --file desired.json --prune --yes",
  ],
  audit: ["apicred audit --since 7d", "apicred audit --json"],
  doctor: ["apicred doctor"],
  completion: ["source <(apicred completion bash)", "apicred completion fish | source", "apicred completion zsh > ~/.zfunc/_apicred"],
  "credential disable": [
    "apicred credential disable ci-deploy        # suspected leak: stop it now, decide later",
    "apicred credential disable a b c --json",
  ],
  "credential enable": ["apicred credential enable ci-deploy"],
  "credential whois": ["apicred credential whois --secret-file leaked.txt --json", "apicred credential whois < leaked.txt          # from stdin"],
  "who-can": ["apicred who-can DeleteClient", "apicred who-can GetInvoices --ip 203.0.113.7 --json"],
  scan: [
    "apicred scan .                              # the working tree",
    "git diff --cached | apicred scan            # a pre-commit hook: what is being committed",
    "apicred scan build/ logs/ --json            # a CI step",
    "apicred scan ~/Downloads/paste.txt --revoke # a leak: find it and revoke it",
  ],
  policy: ["apicred policy show", "apicred policy set --max-lifetime 365d"],
  "policy show": ["apicred policy show --json"],
  "policy set": [
    "apicred policy set --max-lifetime 365d",
    "apicred credential create --admin ops --role billing --expires 90d   # allowed",
    "apicred credential create --admin ops --role billing                 # refused: it would never expire",
  ],
  "policy unset": ["apicred policy unset --max-lifetime"],
  serve: [
    "apicred serve                                      # 127.0.0.1:8741",
    "apicred serve --listen 127.0.0.1:9000 --decision-log /var/log/apicred/decisions.jsonl",
    "apicred serve --socket /run/apicred.sock --trusted-proxy 127.0.0.1/32",
  ],
  store: ["apicred store copy --from ./store.json --to postgresql://apicred@db.example/apicred"],
  "store copy": [
    "apicred store copy --from ./store.json --to postgresql://apicred@db.example/apicred   # move to PostgreSQL",
    "apicred store copy --from postgresql://apicred@db.example/apicred --to ./backup.json --yes",
  ],
};
