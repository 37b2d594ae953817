import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { clearSessionCookie, setSessionCookie } from "../../http/cookies";
import { ErrorBody, errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { DomainError } from "../errors";
import { ChangePasswordInput, User } from "../users/schemas";
import { presentUser } from "../users/present";
import { changeOwnPassword, getUser } from "../users/service";
import { API_TOKEN_LIFETIME, createApiToken, listApiTokens, revokeApiToken, signIn, signOut } from "./service";

const SignInInput = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(200) })
  .openapi("SignInInput");

const SignInResult = z
  .object({ user: User, csrfToken: z.string(), expiresAt: z.string() })
  .strict().openapi("SignInResult", {
    description: "The session cookie is set on the response; send csrfToken as X-CSRF-Token on unsafe requests.",
  });

const ApiToken = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    lastUsedAt: z.string().nullable().optional(),
    revokedAt: z.string().nullable().optional(),
  })
  .strict().openapi("ApiToken");

/** Sign-in, sign-out, the current user, their password and API tokens. */
export function authRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/sign-in",
      tags: ["auth"],
      summary: "Sign in with username and password; sets the session cookie",
      request: { body: jsonBody(SignInInput) },
      responses: {
        200: json(SignInResult, "Signed in"),
        400: errors[400],
        401: errors[401],
        429: json(z.any(), "Too many failed attempts (TOO_MANY_ATTEMPTS); see Retry-After"),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const result = await signIn(ctx, c.req.valid("json"));
      setSessionCookie(c, result.sessionToken, result.expiresAt);
      const user = await getUser({ ...ctx, principal: result.principal }, result.principal.id);
      return c.json({ user: presentUser(user), csrfToken: result.csrfToken, expiresAt: result.expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/auth/sign-out",
      tags: ["auth"],
      summary: "End the current session",
      responses: { 200: json(Ok, "Signed out") },
    }),
    async (c) => {
      const sessionId = c.get("sessionId");
      if (sessionId) await signOut(ctxOf(c), sessionId);
      clearSessionCookie(c);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["auth"],
      summary: "The signed-in user",
      responses: { 200: json(User, "You"), 401: errors[401] },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      if (!ctx.principal) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
      return c.json(presentUser(await getUser(ctx, ctx.principal.id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/me/password",
      tags: ["auth"],
      summary: "Change your own password; your other sessions end and your API tokens are revoked",
      request: { body: jsonBody(ChangePasswordInput) },
      responses: {
        200: json(Ok, "Changed"),
        400: errors[400],
        401: errors[401],
        429: json(ErrorBody, "Too many wrong current passwords (TOO_MANY_ATTEMPTS); see Retry-After"),
      },
    }),
    async (c) => {
      await changeOwnPassword(ctxOf(c), c.req.valid("json"), { keepSessionId: c.get("sessionId") });
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/me/tokens",
      tags: ["auth"],
      summary: "Your API tokens (never their secret text)",
      responses: { 200: json(z.strictObject({ tokens: z.array(ApiToken) }), "Tokens"), 401: errors[401] },
    }),
    async (c) => c.json({ tokens: await listApiTokens(ctxOf(c)) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/me/tokens",
      tags: ["auth"],
      summary: "Create an API token for scripts; the token is returned once",
      request: {
        body: jsonBody(
          z.object({
            name: z.string().trim().min(1).max(100),
            expiresInDays: z
              .number()
              .int()
              .positive()
              .max(API_TOKEN_LIFETIME.maxDays, `at most ${API_TOKEN_LIFETIME.maxDays} days`)
              .optional()
              .openapi({ description: `How long the token lives (default ${API_TOKEN_LIFETIME.defaultDays} days, at most ${API_TOKEN_LIFETIME.maxDays}).` }),
          }),
        ),
      },
      responses: { 201: json(ApiToken.extend({ token: z.string() }), "Created"), 400: errors[400], 401: errors[401] },
    }),
    async (c) => c.json((await createApiToken(ctxOf(c), c.req.valid("json"))), 201),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/me/tokens/{id}",
      tags: ["auth"],
      summary: "Revoke one of your API tokens",
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: json(Ok, "Revoked"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      await revokeApiToken(ctxOf(c), c.req.valid("param").id);
      return c.json({ ok: true as const }, 200);
    },
  );

  return app;
}
