import type { Child } from "hono/jsx";
import type { ServiceContext } from "../../core/context";
import type { PageContext } from "../layout";
import { auditCard } from "./audit";
import { overviewCard } from "./overview";
import { signatureCard } from "./signatures";

/** A dashboard card below the work list: null when the area has nothing for this person. */
export type DashboardCardProvider = (ctx: ServiceContext, page: PageContext) => Promise<Child | null>;

/**
 * The cards under the work list (which src/web/cards/work.tsx fills from every area and module),
 * in order: the IP manager's overview (evidence coverage, open incidents), my signature requests
 * out and declined, the audit chain.
 */
export const dashboardCards: DashboardCardProvider[] = [overviewCard, signatureCard, auditCard];
