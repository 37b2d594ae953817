import { z } from "zod";
import { auditEvent } from "../audit/events";

const Session = z.strictObject({ session: z.string() });

export const signInFailed = auditEvent(
  "auth.sign_in_failed",
  "user",
  { zh: "登录失败", en: "Sign-in failed" },
  z.strictObject({ reason: z.enum(["unknown-user", "wrong-password", "inactive"]) }),
);
export const signedIn = auditEvent("auth.signed_in", "user", { zh: "登录", en: "Signed in" }, Session);
export const signedOut = auditEvent("auth.signed_out", "user", { zh: "退出登录", en: "Signed out" }, Session);
export const reauthFailed = auditEvent("auth.reauth_failed", "user", { zh: "身份确认失败", en: "Re-authentication failed" }, z.strictObject({ purpose: z.string().optional() }));
export const apiTokenCreated = auditEvent(
  "auth.api_token_created",
  "api_token",
  { zh: "创建 API 令牌", en: "API token created" },
  z.strictObject({ name: z.string(), expiresAt: z.date().nullable() }),
);
export const apiTokenRevoked = auditEvent("auth.api_token_revoked", "api_token", { zh: "吊销 API 令牌", en: "API token revoked" }, z.strictObject({ name: z.string() }));

/** Signing in and API tokens: their audit events. */
export const authEvents = [signInFailed, signedIn, signedOut, reauthFailed, apiTokenCreated, apiTokenRevoked];
