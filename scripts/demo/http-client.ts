import { PDFDocument } from "pdf-lib";

/** A small cookie- and CSRF-carrying HTTP client, used by the demo exactly as an API client would. */
/** A person the demo created, as every step receives them in `demo.users`. */
export interface DemoUser {
  id: string;
  username: string;
  password: string;
  /** The signing PIN they chose: what their signatures rest on. */
  pin: string;
  displayName: string;
}

export class DemoClient {
  private cookies = new Map<string, string>();
  csrfToken: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h = new Headers(headers);
    if (this.cookies.size) h.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (this.csrfToken && method !== "GET") h.set("x-csrf-token", this.csrfToken);
    let payload: BodyInit | undefined;
    if (body instanceof Uint8Array) payload = body as unknown as BodyInit;
    else if (body !== undefined) {
      h.set("content-type", "application/json");
      payload = JSON.stringify(body);
    }
    const res = await fetch(this.baseUrl + path, { method, headers: h, body: payload, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1);
      if (!value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Sends a request and returns the JSON body, throwing with the server's error message on failure. */
  async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const res = await this.request(method, path, body, headers);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  }

  /**
   * What a signer's reader does before signing: downloads the version waiting for signature (a
   * signature request's current document, or a revision's review copy), goes through every page and
   * reports the read with the version's SHA-256 and its number of pages (signing is refused before).
   */
  async readDocument(which: { requestId: string } | { revisionId: string }): Promise<void> {
    const [download, report] =
      "requestId" in which
        ? [`/api/v1/signature-requests/${which.requestId}/document?version=current`, `/api/v1/signature-requests/${which.requestId}/read`]
        : [`/api/v1/revisions/${which.revisionId}/review-copy`, `/api/v1/revisions/${which.revisionId}/read`];
    const res = await this.request("GET", download);
    if (!res.ok) throw new Error(`GET ${download} → ${res.status}: ${await res.text()}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const pages = (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
    await this.json("POST", report, { sha256: res.headers.get("x-content-sha256"), pages });
  }

  async signIn(username: string, password: string): Promise<{ user: { id: string } }> {
    const result = await this.json<{ user: { id: string }; csrfToken: string }>("POST", "/api/v1/auth/sign-in", { username, password });
    this.csrfToken = result.csrfToken;
    return result;
  }
}
