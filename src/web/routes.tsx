import { Hono } from "hono";
import { verifyAuditChain } from "../core/audit/service";
import { auditTrailPage } from "../core/audit/access";
import { requirePrincipal, requireRole } from "../core/auth/guard";
import { hasRole } from "../core/auth/permissions";
import { createApiToken, listApiTokens, revokeApiToken, signIn, signOut } from "../core/auth/service";
import { DomainError } from "../core/errors";
import { createDepartment, getDepartment, getOrganisationProfile, isOrganisationNamed, listDepartments, updateOrganisationProfile } from "../core/organisation/service";
import { CreateDepartmentInput, UpdateOrganisationInput } from "../core/organisation/schemas";
import { CreateUserInput, UpdateUserInput } from "../core/users/schemas";
import { changeOwnPassword, createUser, getUser, listUsers, resetPassword, updateUser } from "../core/users/service";
import { resetSigningPin, setSigningPin, signingPinStatus } from "../core/signatures/signer-keys";
import { clearSessionCookie, setSessionCookie } from "../http/cookies";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { validationError } from "../http/errors";
import type { MessageKey } from "./i18n";
import type { Flash } from "./layout";
import { errorStatusOf, errorText, field, fields, pageContext, pinInput, readForm } from "./page";
import { dashboardCards } from "./cards/index";
import { historyOfRows, wantsReads, withActorNames } from "./history";
import { collectWork } from "./cards/work";
import { searchDocuments } from "../core/documents/register";
import { SearchQuery } from "../core/documents/schemas";
import { listDirectory } from "../core/users/service";
import type { ServiceContext } from "../core/context";
import { AccountPage } from "./pages/account";
import { AuditPage } from "./pages/audit";
import { DashboardPage, type StartStep } from "./pages/dashboard";
import { DepartmentsPage } from "./pages/departments";
import { OrganisationPage } from "./pages/organisation";
import { SignInPage } from "./pages/sign-in";
import { UserEditPage, UsersPage, type UserFormValues } from "./pages/users";
import { appCss } from "./styles";

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** A confirmation carried across a redirect as a message key (never free text). */
function flashFrom(c: { req: { query(k: string): string | undefined } }, t: (k: MessageKey) => string): Flash | undefined {
  const msg = c.req.query("msg");
  const known: Record<string, MessageKey> = { saved: "users_saved", password: "account_changed", organisation: "org_saved", pin: "account_pinSaved" };
  return msg && known[msg] ? { kind: "ok", text: t(known[msg]) } : undefined;
}

function userFormValues(form: Record<string, string | string[]>): UserFormValues {
  return {
    username: field(form, "username"),
    displayName: field(form, "displayName"),
    email: field(form, "email"),
    roles: fields(form, "roles"),
    departmentId: field(form, "departmentId"),
    position: field(form, "position"),
    clearance: field(form, "clearance"),
    locale: field(form, "locale"),
    active: field(form, "active") === "1",
  };
}

/** The server-rendered pages of the platform: sign-in, dashboard, account, user and department admin, audit trail. */
const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="2" width="28" height="28" rx="5" fill="#b3261e"/><text x="16" y="23" font-size="19" text-anchor="middle" fill="#fff" font-family="'Noto Serif CJK SC','Noto Sans CJK SC',serif">守</text></svg>`;

export function webRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/static/app.css", (c) =>
    c.body(appCss, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }),
  );

  // the mark of the app (a seal: a square with 守, "custos"); browsers ask /favicon.ico whatever the page says
  const icon = (c: AppContext) =>
    c.body(FAVICON_SVG, 200, { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" });
  app.get("/static/favicon.svg", icon);
  app.get("/favicon.ico", icon);

  app.get("/sign-in", (c) => {
    if (c.get("principal")) return c.redirect("/");
    return c.html(<SignInPage page={pageContext(c)} next={c.req.query("next")} />);
  });

  app.post("/sign-in", async (c) => {
    const form = await readForm(c);
    const page = pageContext(c);
    const next = safeNext(field(form, "next"));
    try {
      const result = await signIn(ctxOf(c), { username: field(form, "username"), password: field(form, "password") });
      setSessionCookie(c, result.sessionToken, result.expiresAt);
      return c.redirect(result.principal.mustChangePassword ? "/account/password" : next, 303);
    } catch (err) {
      const locked = err instanceof DomainError && err.code === "TOO_MANY_ATTEMPTS";
      const status = errorStatusOf(err);
      return c.html(
        <SignInPage
          page={page}
          username={field(form, "username")}
          next={next}
          flash={{ kind: "error", text: locked ? page.t("signIn_locked") : page.t("signIn_failed") }}
        />,
        status as 401,
      );
    }
  });

  app.post("/sign-out", async (c) => {
    const sessionId = c.get("sessionId");
    if (sessionId) await signOut(ctxOf(c), sessionId);
    clearSessionCookie(c);
    return c.redirect("/sign-in", 303);
  });

  app.get("/", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const department = p.departmentId ? await getDepartment(ctx, p.departmentId) : undefined;
    const page = pageContext(c);
    const work = await collectWork(ctx);
    const start = hasRole(p, "admin", "ip-manager") ? await gettingStarted(ctx) : null;
    const cards = [];
    for (const card of dashboardCards) cards.push(await card(ctx, page));
    return c.html(
      <DashboardPage page={page} departmentName={department?.name ?? null} work={work} start={start} cards={cards.filter((card) => card !== null)} flash={flashFrom(c, page.t)} />,
    );
  });

  const accountPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const tokens = p.mustChangePassword ? [] : await listApiTokens(ctx);
    const pin = p.mustChangePassword ? { setAt: null } : await signingPinStatus(ctx);
    const page = pageContext(c);
    return c.html(
      <AccountPage page={page} tokens={tokens} mustChange={p.mustChangePassword} pinSetAt={pin.setAt} now={ctx.clock.now()} flash={flash ?? flashFrom(c, page.t)} />,
      status as 200,
    );
  };
  app.get("/account", (c) => accountPage(c));
  app.get("/account/password", (c) => accountPage(c));

  app.post("/account/password", async (c) => {
    const form = await readForm(c);
    const page = pageContext(c);
    if (field(form, "newPassword") !== field(form, "confirmPassword")) {
      return accountPage(c, { kind: "error", text: page.t("account_mismatch") }, 400);
    }
    try {
      await changeOwnPassword(
        ctxOf(c),
        { currentPassword: field(form, "currentPassword"), newPassword: field(form, "newPassword") },
        { keepSessionId: c.get("sessionId") },
      );
    } catch (err) {
      return accountPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
    // first run: the first administrator names the organisation before anything is signed in its name
    const ctx = ctxOf(c);
    if (hasRole(requirePrincipal(ctx), "admin") && !(await isOrganisationNamed(ctx.db))) return c.redirect("/admin/organisation?first=1", 303);
    return c.redirect("/?msg=password", 303);
  });

  app.post("/account/signing-pin", async (c) => {
    const form = await readForm(c);
    const page = pageContext(c);
    if (field(form, "pin") !== field(form, "confirmPin")) return accountPage(c, { kind: "error", text: page.t("account_pinMismatch") }, 400);
    try {
      await setSigningPin(ctxOf(c), pinInput(form));
    } catch (err) {
      return accountPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
    return c.redirect("/account?msg=pin", 303);
  });

  app.post("/account/tokens", async (c) => {
    const form = await readForm(c);
    const page = pageContext(c);
    try {
      const days = field(form, "expiresInDays").trim();
      const token = await createApiToken(ctxOf(c), {
        name: field(form, "name").trim() || "token",
        expiresInDays: days === "" ? undefined : Number(days),
      });
      return accountPage(c, { kind: "ok", text: page.t("account_tokenCreated"), secret: token.token });
    } catch (err) {
      return accountPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  app.post("/account/tokens/:id/revoke", async (c) => {
    await revokeApiToken(ctxOf(c), c.req.param("id"));
    return c.redirect("/account", 303);
  });

  const usersPage = async (
    c: AppContext,
    extra: { flash?: Flash; values?: UserFormValues } = {},
    status = 200,
  ) => {
    const ctx = ctxOf(c);
    const [users, departments] = await Promise.all([listUsers(ctx), listDepartments(ctx)]);
    return c.html(<UsersPage page={pageContext(c)} users={users} departments={departments} {...extra} />, status as 200);
  };
  app.get("/admin/users", (c) => usersPage(c));

  app.post("/admin/users", async (c) => {
    const ctx = ctxOf(c);
    requireRole(ctx, "admin");
    const form = await readForm(c);
    const values = userFormValues(form);
    const page = pageContext(c);
    const parsed = CreateUserInput.safeParse({
      username: values.username,
      displayName: values.displayName,
      email: values.email || undefined,
      password: field(form, "password") || undefined,
      roles: values.roles,
      departmentId: values.departmentId || undefined,
      position: values.position || undefined,
      clearance: values.clearance || undefined,
      locale: values.locale || undefined,
    });
    try {
      if (!parsed.success) throw validationError(parsed.error);
      const created = await createUser(ctx, parsed.data);
      return usersPage(c, {
        flash: {
          kind: "ok",
          text: page.t("users_created", { username: created.user.username }) + (created.password ? " " + page.t("users_initialPassword") : ""),
          secret: created.password,
        },
      });
    } catch (err) {
      return usersPage(c, { flash: { kind: "error", text: errorText(err, c.get("locale")) }, values }, errorStatusOf(err));
    }
  });

  const userEditPage = async (
    c: AppContext,
    extra: { flash?: Flash; values?: UserFormValues } = {},
    status = 200,
  ) => {
    const ctx = ctxOf(c);
    requireRole(ctx, "admin");
    const [user, departments] = await Promise.all([getUser(ctx, c.req.param("id")!), listDepartments(ctx)]);
    const page = pageContext(c);
    return c.html(<UserEditPage page={page} user={user} departments={departments} flash={extra.flash ?? flashFrom(c, page.t)} values={extra.values} />, status as 200);
  };
  app.get("/admin/users/:id", (c) => userEditPage(c));

  app.post("/admin/users/:id", async (c) => {
    const ctx = ctxOf(c);
    const form = await readForm(c);
    const values = userFormValues(form);
    const parsed = UpdateUserInput.safeParse({
      displayName: values.displayName,
      email: values.email || null,
      roles: values.roles,
      departmentId: values.departmentId || null,
      position: values.position || null,
      clearance: values.clearance,
      locale: values.locale,
      active: values.active,
    });
    try {
      if (!parsed.success) throw validationError(parsed.error);
      await updateUser(ctx, c.req.param("id"), parsed.data);
      return c.redirect(`/admin/users/${c.req.param("id")}?msg=saved`, 303);
    } catch (err) {
      return userEditPage(c, { flash: { kind: "error", text: errorText(err, c.get("locale")) }, values }, errorStatusOf(err));
    }
  });

  app.post("/admin/users/:id/reset-signing-pin", async (c) => {
    const ctx = ctxOf(c);
    await resetSigningPin(ctx, c.req.param("id"));
    const user = await getUser(ctx, c.req.param("id"));
    return userEditPage(c, { flash: { kind: "ok", text: pageContext(c).t("users_pinReset", { username: user.username }) } });
  });

  app.post("/admin/users/:id/reset-password", async (c) => {
    const ctx = ctxOf(c);
    const { password } = await resetPassword(ctx, c.req.param("id"));
    const user = await getUser(ctx, c.req.param("id"));
    const page = pageContext(c);
    return userEditPage(c, { flash: { kind: "ok", text: page.t("users_passwordReset", { username: user.username }), secret: password } });
  });

  const departmentsPage = async (
    c: AppContext,
    extra: { flash?: Flash; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const ctx = ctxOf(c);
    requireRole(ctx, "admin");
    return c.html(<DepartmentsPage page={pageContext(c)} departments={await listDepartments(ctx)} {...extra} />, status as 200);
  };
  app.get("/admin/departments", (c) => departmentsPage(c));

  app.post("/admin/departments", async (c) => {
    const form = await readForm(c);
    const values = {
      code: field(form, "code"),
      name: field(form, "name"),
      nameEn: field(form, "nameEn"),
      parentId: field(form, "parentId"),
      ipDuties: field(form, "ipDuties"),
    };
    const parsed = CreateDepartmentInput.safeParse({
      code: values.code,
      name: values.name,
      nameEn: values.nameEn || undefined,
      parentId: values.parentId || undefined,
      ipDuties: values.ipDuties || undefined,
    });
    try {
      if (!parsed.success) throw validationError(parsed.error);
      await createDepartment(ctxOf(c), parsed.data);
      return c.redirect("/admin/departments", 303);
    } catch (err) {
      return departmentsPage(c, { flash: { kind: "error", text: errorText(err, c.get("locale")) }, values }, errorStatusOf(err));
    }
  });

  const organisationPage = async (c: AppContext, extra: { flash?: Flash; values?: { name?: string; nameEn?: string } } = {}, status = 200) => {
    const ctx = ctxOf(c);
    requireRole(ctx, "admin");
    const organisation = { ...(await getOrganisationProfile(ctx.db)), named: await isOrganisationNamed(ctx.db) };
    const page = pageContext(c);
    const firstRun = !organisation.named;
    return c.html(<OrganisationPage page={page} organisation={organisation} firstRun={firstRun} {...extra} flash={extra.flash ?? flashFrom(c, page.t)} />, status as 200);
  };
  app.get("/admin/organisation", (c) => organisationPage(c));

  app.post("/admin/organisation", async (c) => {
    const form = await readForm(c);
    const values = { name: field(form, "name"), nameEn: field(form, "nameEn") };
    const parsed = UpdateOrganisationInput.safeParse({ name: values.name, nameEn: values.nameEn.trim() ? values.nameEn : null });
    try {
      if (!parsed.success) throw validationError(parsed.error);
      await updateOrganisationProfile(ctxOf(c), parsed.data);
      return c.redirect("/admin/organisation?msg=organisation", 303);
    } catch (err) {
      return organisationPage(c, { flash: { kind: "error", text: errorText(err, c.get("locale")) }, values }, errorStatusOf(err));
    }
  });

  app.get("/audit", async (c) => {
    const ctx = ctxOf(c);
    // admins read the trail; auditors verify the chain (each object's history is on its evidence page)
    const p = requireRole(ctx, "admin", "auditor");
    const showEvents = hasRole(p, "admin");
    const before = Number(c.req.query("before")) || undefined;
    const filter = {
      objectType: c.req.query("objectType") || undefined,
      objectId: c.req.query("objectId") || undefined,
      actorId: c.req.query("actorId") || undefined,
      action: c.req.query("action") || undefined,
    };
    const showReads = wantsReads((k) => c.req.query(k));
    const { events, hiddenReads } = showEvents ? await auditTrailPage(ctx, { ...filter, beforeSeq: before, limit: 100 }, { reads: showReads }) : { events: [], hiddenReads: 0 };
    const chain = c.req.query("verify") ? await verifyAuditChain(ctx.db) : null;
    const last = events[events.length - 1];
    const keep = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
    if (showReads) keep.set("reads", "1");
    if (last) keep.set("before", String(last.seq));
    const olderHref = events.length === 100 && last ? `/audit?${keep}` : null;
    const catalogue = ctx.registry.auditEvents.map((e) => ({ action: e.action, label: e.label }));
    return c.html(
      <AuditPage
        page={pageContext(c)}
        events={await withActorNames(ctx, historyOfRows(events))}
        showEvents={showEvents}
        chain={chain}
        olderHref={olderHref}
        filter={filter}
        reads={{ shown: showReads, hidden: hiddenReads }}
        catalogue={catalogue}
        objectTypes={ctx.registry.objectTypes}
      />,
    );
  });

  return app;
}

/**
 * The getting-started guide while the organisation is still empty (unnamed, no departments, or
 * nobody but the first admin): name it, add departments, add people, draft the first procedure,
 * each ticked when done; an IP manager sees the admin's steps without their links. Null once set up.
 */
async function gettingStarted(ctx: ServiceContext): Promise<StartStep[] | null> {
  const named = await isOrganisationNamed(ctx.db);
  const departments = (await listDepartments(ctx)).length > 0;
  const people = (await listDirectory(ctx)).length > 1;
  if (named && departments && people) return null;
  const procedure = (await searchDocuments(ctx, SearchQuery.parse({ category: "procedure", limit: 1 }))).rows.length > 0;
  const admin = hasRole(ctx.principal!, "admin");
  return [
    { key: "name", href: admin ? "/admin/organisation" : null, done: named },
    { key: "departments", href: admin ? "/admin/departments" : null, done: departments },
    { key: "people", href: admin ? "/admin/users" : null, done: people },
    { key: "procedure", href: "/documents/new", done: procedure },
  ];
}
