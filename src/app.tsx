import { OpenAPIHono } from "@hono/zod-openapi";
import { pdfReaderAssets } from "./web/pdf-reader";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { sql } from "drizzle-orm";
import { auditRoutes } from "./core/audit/routes";
import { auditPackageRoutes } from "./core/audit-package/routes";
import { authRoutes } from "./core/auth/routes";
import type { AppDeps } from "./core/context";
import { DomainError } from "./core/errors";
import { fileRoutes } from "./core/files/routes";
import { organisationRoutes } from "./core/organisation/routes";
import { documentRoutes } from "./core/documents/routes";
import { evidenceRoutes } from "./core/evidence/routes";
import { contractRoutes } from "./core/contracts/routes";
import { itemRoutes } from "./core/items/routes";
import { recordRoutes } from "./core/records/routes";
import { pkiRoutes, signatureRoutes } from "./core/signatures/routes";
import { templateRoutes } from "./core/templates/routes";
import { userRoutes } from "./core/users/routes";
import type { AppEnv } from "./http/env";
import { renderError } from "./http/errors";
import { authenticate, chooseLocale, csrfProtection, passwordChangeGate, requireSignIn } from "./http/middleware";
import { wellFormedQueryAndForm } from "./http/well-formed";
import { pageContext } from "./web/page";
import { ApiDocsPage } from "./web/pages/api-docs";
import { webRoutes } from "./web/routes";
import { documentPages } from "./web/document-routes";
import { evidencePages } from "./web/evidence-routes";
import { contractPages } from "./web/contract-routes";
import { itemPages } from "./web/items-routes";
import { recordPages } from "./web/records-routes";
import { signaturePages } from "./web/signature-routes";
import { auditPackagePages } from "./web/audit-package-routes";

/** JSON and form bodies are small; files stream through their own routes with CUSTOS_MAX_UPLOAD_MB. */
const SMALL_BODY_LIMIT = 1024 * 1024;

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Custos API",
    version: "1",
    description: "Document control, records and e-signatures for an enterprise IP management system (GB/T 29490).",
  },
};

/**
 * Builds the Hono application from its dependencies. Nothing here opens a connection or reads the
 * environment: the entry points (server.ts, worker.ts) and the tests build `deps` and pass them in.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", async (c, next) => {
    c.set("deps", deps);
    await next();
  });
  app.use("*", requestId({ headerName: "x-request-id" }));
  app.use(
    "*",
    secureHeaders({
      // not hono's default "no-referrer": with it Chromium sends "Origin: null" on our own forms'
      // posts, which the sign-in form must refuse (login CSRF); same-origin still tells other
      // sites nothing
      referrerPolicy: "same-origin",
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'"],
        scriptSrc: ["'self'"],
        frameAncestors: ["'self'"],
      },
    }),
  );
  app.use("*", async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    const small = type.startsWith("application/json") || type.startsWith("application/x-www-form-urlencoded");
    const limit = small ? SMALL_BODY_LIMIT : deps.config.maxUploadBytes;
    return bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new DomainError("PAYLOAD_TOO_LARGE", `The request body is larger than the allowed ${Math.round(limit / 1024)} KB.`);
      },
    })(c, next);
  });
  app.use("*", wellFormedQueryAndForm);
  app.use("*", authenticate);
  app.use("*", chooseLocale);
  app.use("*", csrfProtection);
  app.use("*", passwordChangeGate);

  app.get("/healthz", async (c) => {
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    try {
      await deps.db.execute(sql`select 1`);
      checks.database = { ok: true };
    } catch (err) {
      checks.database = { ok: false, error: (err as Error).message };
    }
    try {
      await deps.storage.check();
      checks.storage = { ok: true };
    } catch (err) {
      checks.storage = { ok: false, error: (err as Error).message };
    }
    const ok = Object.values(checks).every((v) => v.ok);
    return c.json({ ok, checks }, ok ? 200 : 503);
  });

  const api = new OpenAPIHono<AppEnv>();
  api.use("*", requireSignIn);
  api.route("/", authRoutes());
  api.route("/", userRoutes());
  api.route("/", organisationRoutes());
  api.route("/", fileRoutes());
  api.route("/", auditRoutes());
  api.route("/", auditPackageRoutes());
  api.route("/", signatureRoutes());
  api.route("/", templateRoutes());
  api.route("/", documentRoutes());
  api.route("/", evidenceRoutes());
  api.route("/", recordRoutes());
  api.route("/", contractRoutes());
  api.route("/", itemRoutes(deps.registry));
  app.route("/api/v1", api);

  app.doc31("/api/openapi.json", OPENAPI_INFO);
  app.get("/api/docs", (c) => {
    const doc = app.getOpenAPI31Document(OPENAPI_INFO);
    const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
      Object.entries(item as Record<string, object>).map(([method, op]) => ({ method, path, ...(op as object) })),
    );
    return c.html(<ApiDocsPage page={pageContext(c)} title="Custos API" operations={operations} />);
  });

  app.route("/pki", pkiRoutes());
  app.route("/", webRoutes());
  app.route("/", signaturePages());
  app.route("/", auditPackagePages());
  app.route("/", pdfReaderAssets());
  app.route("/", documentPages());
  app.route("/", evidencePages());
  app.route("/", recordPages());
  app.route("/", contractPages());
  app.route("/", itemPages());

  app.notFound((c) => renderError(new DomainError("NOT_FOUND", "There is nothing at this address."), c));
  app.onError(renderError);
  return app;
}

export type App = ReturnType<typeof createApp>;
