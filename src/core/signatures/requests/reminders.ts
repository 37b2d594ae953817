import { audit } from "../../audit/service";
import { inTransaction, systemContext, type AppDeps } from "../../context";
import * as repo from "../repo";
import { signatureReminderSent } from "../events";
import { z } from "zod";
import { defineJob } from "../../jobs/define";

const REMIND_EVERY_MS = 24 * 3_600_000;

/**
 * Reminds every signer whose turn it is on an overdue request, at most once a day each: the
 * reminder is counted on the signer (the inbox shows it) and audited. Safe to run from several
 * instances: each signer is claimed by a conditional update.
 */
export async function remindOverdueSigners(deps: AppDeps): Promise<{ reminded: number }> {
  const ctx = systemContext(deps);
  const now = deps.clock.now();
  const due = await repo.findOverdueSigners(deps.db, now, new Date(now.getTime() - REMIND_EVERY_MS));
  let reminded = 0;
  for (const { signer, request } of due) {
    await inTransaction(ctx, async (t) => {
      const current = await repo.findSigner(t.db, signer.id);
      if (!current || current.status !== "ready") return;
      if (current.lastRemindedAt && current.lastRemindedAt.getTime() > now.getTime() - REMIND_EVERY_MS) return;
      await repo.updateSigner(t.db, signer.id, { lastRemindedAt: now, reminderCount: current.reminderCount + 1 });
      audit(t, signatureReminderSent, request.id, { signerId: signer.id, userId: signer.userId, dueAt: request.dueAt, reminder: current.reminderCount + 1 });
      reminded++;
    }, { mayWriteNothing: true });
  }
  return { reminded };
}

/** Hourly: signers of overdue requests are reminded (each at most once a day). */
export const signingRemindersJob = defineJob({
  kind: "signing-reminders",
  payload: z.object({}),
  hourly: true,
  run: async ({ ctx }) => ({ ...(await remindOverdueSigners(ctx)) }),
});
