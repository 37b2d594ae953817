import { z } from "zod";
import { auditEvent, Changes } from "../audit/events";

export const userCreated = auditEvent("user.created", "user", { zh: "创建用户", en: "User created" }, z.strictObject({ after: Changes }));
/** Sessions ended and API tokens revoked by a change of password or of the account. */
const AccessEnded = { sessionsEnded: z.number().int().optional(), tokensRevoked: z.array(z.string()).optional() };
export const userUpdated = auditEvent("user.updated", "user", { zh: "修改用户", en: "User changed" }, z.strictObject({ before: Changes, after: Changes, ...AccessEnded }));
export const userPasswordReset = auditEvent(
  "user.password_reset",
  "user",
  { zh: "重置密码", en: "Password reset" },
  z.strictObject({ via: z.string().optional(), ...AccessEnded }),
);
export const userPasswordChanged = auditEvent("user.password_changed", "user", { zh: "修改密码", en: "Password changed" }, z.strictObject(AccessEnded));

/** People: their audit events. */
export const userEvents = [userCreated, userUpdated, userPasswordReset, userPasswordChanged];
