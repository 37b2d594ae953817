import type { Db } from "../../db/client";
import type { Label } from "../audit/events";
import type { Principal } from "../auth/permissions";

/**
 * A kind of object a record can be linked to (a person, a contract, a case …): registered by the
 * area that owns such objects, which says how to check that a target exists and which access
 * policy governs it. A link of an unregistered kind is refused.
 */
export interface LinkKind {
  readonly kind: string;
  readonly label: Label;
  /** Whether `targetId` names an existing object of this kind. */
  exists(db: Db, targetId: string): Promise<boolean>;
  /** The object type (access policy) of the targets, when they are objects of Custos. */
  readonly objectType?: string;
  /**
   * How the targets `p` may see are named ("HT2026-0001 技术开发合同"); targets left out are not
   * named to them. Without it, a link shows its own label (free-text references).
   */
  describe?(db: Db, p: Principal, ids: string[]): Promise<Map<string, string>>;
}

/**
 * Whether `targetId` names an object of `kind` that the caller may see. A target the caller may not
 * see counts as missing, so the answer tells nothing about what exists (the system, acting with no
 * principal, sees everything that exists).
 */
export async function linkTargetVisible(t: { db: Db; principal: Principal | null }, kind: LinkKind, targetId: string): Promise<boolean> {
  if (!(await kind.exists(t.db, targetId))) return false;
  if (!kind.describe || !t.principal) return true;
  return (await kind.describe(t.db, t.principal, [targetId])).has(targetId);
}
