import type { Extension } from "../registry";
import { organisationEvents } from "./events";
import { departmentPolicy, organisationPolicy } from "./service";

/** The organisation and its departments. */
export const organisationExtension: Extension = { name: "organisation", events: organisationEvents, policies: [organisationPolicy, departmentPolicy] };
