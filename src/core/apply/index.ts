// apply and export (SPEC.md "Export and apply"): the document (document.ts), its validation
// (validate.ts, credential-entry.ts), one planner per section over a keyed diff (plan-*.ts, diff.ts)
// that computes a plain-data plan (types.ts), and the executor that applies it through the core
// mutators the commands use (execute.ts).
export { EXPORT_VERSION, type ExportDoc, exportDoc } from "./document.js";
export { applyPlan, type CreatedCredential, type Progress } from "./execute.js";
export { planApply } from "./plan.js";
export type { Change, ChangeKind, ChangeOp, FieldChange, Plan, PlanOptions } from "./types.js";
