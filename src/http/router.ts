import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env";
import { validationError } from "./errors";
import { wellFormedJsonBody } from "./well-formed";

/** True when a route's body is JSON (as opposed to a file sent as the raw body). */
function declaresJsonBody(route: RouteConfig): boolean {
  const content = route.request?.body?.content ?? {};
  return Object.keys(content).some((type) => /^application\/([\w.-]+\+)?json$/i.test(type));
}

/**
 * A router whose validation failures become VALIDATION_FAILED domain errors, so the one onError
 * renders them like every other error; routes with a JSON body first refuse text that is not
 * well-formed Unicode (see well-formed.ts).
 */
export function createRouter(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error as never);
    },
  });
  // route middleware runs before zod-openapi's own validators; adding it here keeps every route's
  // definition (and Hono's types for it) as written
  const openapi = app.openapi;
  app.openapi = ((route: RouteConfig, handler: never, hook: never) => {
    if (!declaresJsonBody(route)) return openapi(route, handler, hook);
    const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
    return openapi({ ...route, middleware: [wellFormedJsonBody as MiddlewareHandler, ...own] }, handler, hook);
  }) as typeof app.openapi;
  return app;
}
