import { z } from "zod";
import { auditEvent, Changes } from "../audit/events";

export const departmentCreated = auditEvent("department.created", "department", { zh: "新增部门", en: "Department added" }, z.strictObject({ after: Changes }));
export const organisationUpdated = auditEvent(
  "organisation.updated",
  "organisation",
  { zh: "修改组织信息", en: "Organisation changed" },
  z.strictObject({ before: Changes.nullable(), after: Changes }),
);

/** The organisation and its departments: their audit events. */
export const organisationEvents = [departmentCreated, organisationUpdated];
