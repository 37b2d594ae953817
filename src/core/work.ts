import type { Label } from "./audit/events";
import type { ServiceContext } from "./context";

/**
 * One line of a person's work list on the dashboard: what it is, where to act on it, and by when.
 * `title` is shown as given (a number and title, or a sentence in both languages).
 */
export interface WorkItem {
  /** The area or module it comes from, shown beside it ("电子签名 Signatures", "改进 Improvement" …). */
  area: Label;
  title: string | Label;
  href: string;
  /** The day it is due (YYYY-MM-DD, China time), if it has one. */
  dueOn?: string | null;
  overdue?: boolean;
}

/** What one area contributes: things waiting for the person to act on, and deadlines (overdue or soon) they should see. */
export interface WorkContribution {
  waiting?: WorkItem[];
  due?: WorkItem[];
}

/**
 * The work the installed extensions (the modules) declare for the caller through their
 * `workItems` hook, beside what their record types' workflows already show. A hook that fails is
 * logged and skipped: one module's error does not empty the dashboard.
 */
export async function extensionWorkItems(ctx: ServiceContext): Promise<Required<WorkContribution>> {
  const out: Required<WorkContribution> = { waiting: [], due: [] };
  for (const ext of ctx.registry.extensions) {
    if (!ext.workItems) continue;
    try {
      const c = await ext.workItems(ctx);
      out.waiting.push(...(c.waiting ?? []));
      out.due.push(...(c.due ?? []));
    } catch (err) {
      ctx.logger.error("a module's work items failed", { extension: ext.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
