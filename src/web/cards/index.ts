import type { Child } from "hono/jsx";
import type { ServiceContext } from "../../core/context";
import type { PageContext } from "../layout";
import { auditCard } from "./audit";
import { documentReviewsCard } from "./documents";
import { itemsCard } from "./items";
import { contractsCard, recordsCard } from "./records";
import { signatureCard } from "./signatures";

/** A dashboard card: null when the area has nothing for this person. */
export type DashboardCardProvider = (ctx: ServiceContext, page: PageContext) => Promise<Child | null>;

/** The cards of the dashboard, in order. Each area adds its provider here. */
export const dashboardCards: DashboardCardProvider[] = [itemsCard, signatureCard, documentReviewsCard, recordsCard, contractsCard, auditCard];
