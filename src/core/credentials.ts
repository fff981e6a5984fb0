// Credentials (SPEC.md rules 5 and 6): an identifier + secret pair that authenticates as one admin
// and carries roles by internal id. Only the secret's hash is stored; `create` and `rotate` return the
// secret to the caller, which prints it once. This file is the way in; the work is split by job:
//   credential-lookup.ts  find one by identifier or name, its label, whether it expired (`check` needs only this)
//   credential-fields.ts  the rules for names, IP limits, roles and unique names
//   credential-create.ts  new credentials: the stored record, a fresh identifier, the audit record
//   credential-edit.ts    edit, rotate, delete, disable/enable
//   credential-view.ts    what list/show print, and the filtered, sorted list
export { CredentialIndex, credentialLabel, findCredential, isExpired, resolveCredential, resolveCredentials } from "./credential-lookup.js";
export { canonicalIps, MAX_CREDENTIAL_IPS, roleIdsFor, validateCredentialName } from "./credential-fields.js";
export {
  createCredential,
  type CredentialFields,
  freshIdentifier,
  insertCredential,
  type NewCredential,
  newCredentialRecord,
} from "./credential-create.js";
export {
  type CredentialEdit,
  deleteCredentials,
  editCredential,
  removeCredentials,
  rotateCredential,
  setCredentialsDisabled,
} from "./credential-edit.js";
export { type CredentialFilter, type CredentialStatus, type CredentialView, credentialView, listCredentials } from "./credential-view.js";
