import type { AuditEventType } from "../audit/events";
import { requirePrincipal } from "../auth/guard";
import { isGrantBoundAuditor, type Principal } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { listTemplates } from "../templates/index";
import { clauseInRow, listClauses } from "./clauses";
import { auditGrantRead } from "./grants";
import { evidenceAccess, type EvidenceAccess, type EvidenceEnv } from "./source";

/** Someone allowed to read evidence, with what they may read and how their reading is recorded. */
export interface EvidenceReader {
  p: Principal;
  access: EvidenceAccess;
  /** What every evidence source builds its branch from: the access, the templates' clauses, the registry. */
  env: EvidenceEnv;
  /** Template id → the clause its signed documents evidence. */
  templateClauses: [string, string][];
  /** The registry rows. */
  rowIds: string[];
  /** Clause numbers in use that fall under these registry rows (undefined if a row is unknown). */
  clauseNumbersOf(rowIds: string[]): string[] | undefined;
  /** For a grant-bound auditor: refuse (OUTSIDE_GRANT) a clause or period the grant does not cover. */
  assertWithinGrant(request: { clause?: string; from?: string; to?: string }): void;
  /** Audits what a grant-bound auditor opened or searched (everything they open is an audit event). */
  recordAccess(event: AuditEventType<Record<string, unknown>>, data: Record<string, unknown>): Promise<void>;
}

/**
 * The evidence reader for this request. A grant-bound auditor without a grant in force is refused
 * (AUDIT_GRANT_REQUIRED): the grant ends by itself.
 */
export async function requireEvidenceReader(ctx: ServiceContext): Promise<EvidenceReader> {
  const p = requirePrincipal(ctx);
  const bound = isGrantBoundAuditor(p);
  if (bound && !p.auditScope) {
    throw new DomainError("AUDIT_GRANT_REQUIRED", "You have no audit grant in force (it may have ended). Ask the IP manager for one.");
  }
  const rowIds = (await listClauses(ctx.db)).map((c) => c.id);
  const templateClauses = (await listTemplates()).map(({ latest }) => [latest.id, latest.clause] as [string, string]);
  const inUse = await clauseNumbersInUse(ctx, { templateClauses, registry: ctx.registry });
  const clauseNumbersOf = (rows: string[]) => {
    if (rows.some((r) => !rowIds.includes(r))) return undefined;
    return inUse.filter((n) => rows.some((r) => clauseInRow(r, n)));
  };
  const access = evidenceAccess(p, (grantRows) => clauseNumbersOf(grantRows.length ? grantRows : rowIds) ?? []);
  return {
    p,
    access,
    env: { access, templateClauses, registry: ctx.registry },
    templateClauses,
    rowIds,
    clauseNumbersOf,
    assertWithinGrant({ clause, from, to }) {
      const scope = bound ? p.auditScope : undefined;
      if (!scope) return;
      if (clause && scope.clauseIds.length && !scope.clauseIds.includes(clause)) {
        throw new DomainError("OUTSIDE_GRANT", `Clause ${clause} is outside your audit grant (it covers ${scope.clauseIds.join(", ")}).`);
      }
      if (from && scope.periodFrom && from < scope.periodFrom) {
        throw new DomainError("OUTSIDE_GRANT", `Your audit grant starts at ${scope.periodFrom}; ask from then on.`);
      }
      if (to && scope.periodTo && to > scope.periodTo) throw new DomainError("OUTSIDE_GRANT", `Your audit grant ends at ${scope.periodTo}; ask up to then.`);
    },
    recordAccess: (event, data) => auditGrantRead(ctx, event, data),
  };
}

/** Every clause number evidence can carry, as each evidence source says (its categories, classes, templates …). */
async function clauseNumbersInUse(ctx: ServiceContext, env: Omit<EvidenceEnv, "access">): Promise<string[]> {
  const numbers = new Set<string>();
  for (const source of ctx.registry.evidenceSources) for (const n of (await source.clausesInUse?.(ctx.db, env)) ?? []) numbers.add(n);
  return [...numbers];
}
