import { sql } from "drizzle-orm";
import { hasRole } from "../auth/permissions";
import type { EvidenceSource } from "../evidence/source";

/**
 * Audit events, for administrators who ask for them by kind: each event only if its object is one
 * the reader may see (its type's access policy; a type without one is shown only to administrators
 * cleared top-secret), classified as its object is.
 */
export const auditEventEvidence: EvidenceSource = {
  kind: "audit-event",
  label: { zh: "审计事件", en: "Audit event" },
  states: {},
  onlyWhenAsked: true,
  branch: ({ access, registry }) => {
    const p = access.principal;
    if (access.auditorClauses !== undefined || !hasRole(p, "admin")) return null;
    return {
      from: sql`audit_events e`,
      id: sql`e.seq::text`,
      reference: sql`e.action`,
      title: sql`e.object_type || ' ' || e.object_id`,
      clauses: sql`'{}'::text[]`,
      classification: sql`coalesce(${registry.objectClassification(sql`e.object_type`, sql`e.object_id`)}, 'public')`,
      date: sql`(e.occurred_at at time zone 'Asia/Shanghai')::date`,
      state: sql`e.action`,
      department: sql`null::text`,
      search: sql`(e.action || ' ' || e.actor_label || ' ' || e.object_type || ' ' || e.object_id || ' ' || e.data::text)`,
      involves: (person) => sql`e.actor_id = ${person}`,
      people: (id) => sql`select actor_id as person from audit_events where seq = ${id}::bigint`,
      visible: registry.objectVisible(p, sql`e.object_type`, sql`e.object_id`),
    };
  },
  // audit events are shown where they are listed; they are not items of a package or the matrix
  load: async () => [],
};
