import { randomBytes } from "node:crypto";
import { PDFDocument } from "pdf-lib";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { createApp, type App } from "../../src/app";
import { loadConfig, type Config } from "../../src/config";
import { jsonLogger, silentLogger, systemContext, type AppDeps, type ServiceContext } from "../../src/core/context";
import { principalOf } from "../../src/core/auth/service";
import { setSigningPin } from "../../src/core/signatures/signer-keys";
import { findUser } from "../../src/core/users/repo";
import { LocalBlobStore } from "../../src/core/storage/local";
import type { BlobStore } from "../../src/core/storage/blob-store";
import type { Role, Classification } from "../../src/core/auth/permissions";
import { createUserAsSystem } from "../../src/core/users/service";
import type { Database } from "../../src/db/client";
import { TestClock } from "./clock";
import { createTestDatabase } from "./db";
import { createRegistry } from "../../src/core/extensions";
import { installedModules } from "../../src/modules";
import { assembleDeps } from "../../src/core/jobs/runner";
import type { Module } from "../../src/core/items/define";
import type { Extension } from "../../src/core/registry";

/** One Custos under test: its app, dependencies, a movable clock and a temp data dir. */
export interface TestHarness {
  app: App;
  deps: AppDeps;
  clock: TestClock;
  database: Database;
  dataDir: string;
  /** Creates a user directly (as the system) and returns it with its password. */
  user(opts?: UserOpts): Promise<TestUser>;
  /** Signs a user in through the API and returns a client that carries the cookie and CSRF token. */
  signIn(user: Pick<TestUser, "username" | "password"> & Partial<TestUser>): Promise<Client>;
  /** A client with no session. */
  anonymous(): Client;
}

export interface UserOpts {
  username?: string;
  displayName?: string;
  roles?: Role[];
  clearance?: Classification;
  departmentId?: string;
  /** Whether the person sets their signing PIN ({@link DEFAULT_PIN}) as they would on their account page; default true. */
  signingPin?: boolean;
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
  /** The signing PIN the person chose (set unless the user was made with `signingPin: false`). */
  pin: string;
  roles: Role[];
}

const DEFAULT_PASSWORD = "correct horse battery";
export const DEFAULT_PIN = "my signing pin 2468";

/** A service context acting as this person (as a signed-in request would). */
export async function contextAs(deps: AppDeps, userId: string): Promise<ServiceContext> {
  const row = (await findUser(deps.db, userId))!;
  const principal = principalOf(row);
  return { ...deps, principal, actor: { userId, label: principal.username }, request: { ip: null, userAgent: null, requestId: null } };
}

/** The person sets their signing PIN with their login password (the support helper for tests that sign). */
export async function setPinFor(deps: AppDeps, user: Pick<TestUser, "id" | "password">, pin = DEFAULT_PIN): Promise<void> {
  await setSigningPin(await contextAs(deps, user.id), { currentPassword: user.password, pin });
}

/**
 * Starts a test instance on a fresh database (PGlite, or PostgreSQL with DATABASE_URL) and local
 * blob storage in a temp dir; everything is closed after the file's tests.
 */
export async function startHarness(
  options: { storage?: (dataDir: string) => BlobStore; config?: Partial<Config>; extensions?: Extension[]; modules?: readonly Module[] } = {},
) {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), "custos-test-"));
  const clock = new TestClock();
  const config: Config = { ...loadConfig({ CUSTOS_DATA_DIR: dataDir }), ...options.config };
  const deps: AppDeps = assembleDeps({
    registry: createRegistry([...(options.modules ?? installedModules), ...(options.extensions ?? [])]),
    db: database.db,
    storage: options.storage ? options.storage(dataDir) : new LocalBlobStore(dataDir),
    clock,
    // CUSTOS_TEST_LOG=1 shows the server's log (e.g. the stack of an unexpected 500)
    logger: process.env.CUSTOS_TEST_LOG ? jsonLogger : silentLogger,
    config,
    masterKey: randomBytes(32),
  });
  const app = createApp(deps);
  let counter = 0;
  const harness: TestHarness = {
    app,
    deps,
    clock,
    database,
    dataDir,
    async user(opts = {}) {
      counter++;
      const username = opts.username ?? `user${counter}-${randomBytes(3).toString("hex")}`;
      const roles = opts.roles ?? ["employee"];
      const created = await createUserAsSystem(deps, {
        username,
        displayName: opts.displayName ?? `Test User ${counter}`,
        password: DEFAULT_PASSWORD,
        roles,
        clearance: opts.clearance ?? "internal",
        departmentId: opts.departmentId,
        locale: "zh-CN",
      }, { mustChangePassword: false });
      const user = { id: created.user.id, username, password: DEFAULT_PASSWORD, pin: DEFAULT_PIN, roles };
      if (opts.signingPin !== false) await setPinFor(deps, user);
      return user;
    },
    async signIn(user) {
      const client = new Client(app);
      const res = await client.post("/api/v1/auth/sign-in", { username: user.username, password: user.password });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { csrfToken: string };
      client.csrfToken = body.csrfToken;
      return client;
    },
    anonymous: () => new Client(app),
  };
  afterAll(async () => {
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return harness;
}

/** A tiny cookie-keeping HTTP client over app.request. */
export class Client {
  cookies = new Map<string, string>();
  csrfToken: string | undefined;
  headers: Record<string, string> = {};

  constructor(private readonly app: App) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const method = (init.method ?? "GET").toUpperCase();
    if (this.csrfToken && !["GET", "HEAD"].includes(method) && !headers.has("x-csrf-token")) {
      headers.set("x-csrf-token", this.csrfToken);
    }
    const res = await this.app.request(path, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...rest] = pair!.split("=");
      const value = rest.join("=");
      if (!value || /max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value);
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request(path, { headers });
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  patch(path: string, body: unknown) {
    return this.request(path, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  delete(path: string) {
    return this.request(path, { method: "DELETE" });
  }

  /**
   * What a signer's reader does: downloads the current version, "shows" every page of it (counts
   * them, independently of the server) and reports the read (POST …/read). Answers the download
   * (body intact), or the refusal of either step.
   */
  readDocument(requestId: string): Promise<Response> {
    return this.readWhole(`/api/v1/signature-requests/${requestId}/document?version=current`, `/api/v1/signature-requests/${requestId}/read`);
  }

  /** The same for a reviewer or approver of a document revision (its review copy). */
  readRevision(revisionId: string): Promise<Response> {
    return this.readWhole(`/api/v1/revisions/${revisionId}/review-copy`, `/api/v1/revisions/${revisionId}/read`);
  }

  private async readWhole(download: string, report: string): Promise<Response> {
    const { document, read } = await this.showEveryPage(download, report);
    return read && !read.ok ? read : document;
  }

  /** Downloads a document, counts its pages and reports them read: both answers (no report if the download failed). */
  async showEveryPage(download: string, report: string): Promise<{ document: Response; read: Response | null }> {
    const res = await this.get(download);
    if (!res.ok) return { document: res, read: null };
    const bytes = new Uint8Array(await res.arrayBuffer());
    const pages = (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
    const read = await this.post(report, { sha256: res.headers.get("x-content-sha256"), pages });
    return { document: new Response(bytes, { status: res.status, headers: res.headers }), read };
  }

  /** Posts an HTML form as a browser would (urlencoded, with the CSRF field). */
  form(path: string, fields: Record<string, string | string[]>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    if (options.csrf !== false && this.csrfToken) body.set("_csrf", this.csrfToken);
    return this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", "x-csrf-token": "" },
      body,
    });
  }
}

/** Reads `{ error: { code } }` from a JSON error response. */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: string } };
  return body.error?.code ?? `(no error code; status ${res.status})`;
}

export { systemContext };
