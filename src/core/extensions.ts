import { auditPackageExtension } from "./audit-package/extension";
import { auditExtension } from "./audit/extension";
import { authExtension } from "./auth/extension";
import { contractsExtension } from "./contracts/extension";
import { documentsExtension } from "./documents/extension";
import { evidenceExtension } from "./evidence/extension";
import { filesExtension } from "./files/extension";
import { organisationExtension } from "./organisation/extension";
import { recordsExtension } from "./records/extension";
import { Registry, type Extension } from "./registry";
import { signaturesExtension } from "./signatures/extension";
import { usersExtension } from "./users/extension";

/** The core areas, each registering what it owns. */
export const coreExtensions: readonly Extension[] = [
  authExtension,
  usersExtension,
  organisationExtension,
  filesExtension,
  documentsExtension,
  recordsExtension,
  contractsExtension,
  signaturesExtension,
  evidenceExtension,
  auditPackageExtension,
  auditExtension,
];

/** The registry of an instance: the core areas and the given modules. */
export function createRegistry(modules: readonly Extension[] = []): Registry {
  return new Registry([...coreExtensions, ...modules]);
}
