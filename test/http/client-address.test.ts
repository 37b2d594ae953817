import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { THROTTLE } from "../../src/core/auth/service";
import { auditEvents } from "../../src/db/schema/audit";
import { loadConfig } from "../../src/config";
import { errorCode, startHarness, type TestHarness } from "../support/app";

/** A sign-in attempt as it arrives on a socket from `peer`, with whatever X-Forwarded-For the sender wrote. */
function signInFrom(h: TestHarness, peer: string, body: { username: string; password: string }, forwardedFor?: string) {
  return h.app.request(
    "/api/v1/auth/sign-in",
    {
      method: "POST",
      headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
      body: JSON.stringify(body),
    },
    { incoming: { socket: { remoteAddress: peer } } },
  );
}

async function auditedAddressOf(h: TestHarness, username: string): Promise<string | null | undefined> {
  const [event] = await h.deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "auth.sign_in_failed"), eq(auditEvents.objectId, `username:${username}`)));
  return event?.ip;
}

const unknownUser = () => ({ username: `nobody-${randomBytes(4).toString("hex")}`, password: "not a password" });

describe("the client address with no trusted proxy (the default)", async () => {
  const h = await startHarness();

  it("ignores X-Forwarded-For, even from a loopback peer: the sign-in throttle keys on the real peer", async () => {
    const peer = "127.0.0.1";
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      const res = await signInFrom(h, peer, unknownUser(), `198.51.100.${i + 1}`);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    // a fresh forged address and a fresh username do not help: the peer is locked
    const locked = await signInFrom(h, peer, unknownUser(), "203.0.113.77");
    expect(locked.status).toBe(429);
    expect(await errorCode(locked)).toBe("TOO_MANY_ATTEMPTS");
    // another peer is not
    expect((await signInFrom(h, "192.0.2.10", unknownUser(), "127.0.0.1")).status).toBe(401);
  });

  it("records the peer, not the forged header, in the audit trail", async () => {
    const attempt = unknownUser();
    // a dual-stack socket reports an IPv4 peer as ::ffff:…; it is recorded as the IPv4 address
    await signInFrom(h, "::ffff:127.0.0.2", attempt, "10.9.8.7");
    expect(await auditedAddressOf(h, attempt.username)).toBe("127.0.0.2");
  });
});

describe("the client address behind trusted proxies", async () => {
  const h = await startHarness({ config: { trustedProxies: loadConfig({ CUSTOS_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8, fd00::/8" }).trustedProxies } });

  it("takes the right-most X-Forwarded-For address that is not a trusted proxy", async () => {
    const cases: [string, string, string][] = [
      // peer, X-Forwarded-For as received, the client
      ["127.0.0.1", "198.51.100.7, 203.0.113.9, 10.1.2.3", "203.0.113.9"],
      ["10.0.0.2", "203.0.113.10", "203.0.113.10"],
      ["::ffff:10.0.0.2", "[2001:db8::5]:443", "2001:db8::5"],
      ["fd00::1", "203.0.113.11:51234, 10.0.0.9", "203.0.113.11"],
      // every hop is a proxy: the farthest one
      ["127.0.0.1", "10.0.0.5, 10.0.0.6", "10.0.0.5"],
      // no header: the proxy itself
      ["10.0.0.3", "", "10.0.0.3"],
      // garbage to the right of the hops we trust: the last trusted hop
      ["127.0.0.1", "203.0.113.12, not-an-address", "127.0.0.1"],
      // a peer that is not a trusted proxy is believed about nothing
      ["192.0.2.99", "203.0.113.13", "192.0.2.99"],
    ];
    for (const [peer, forwardedFor, client] of cases) {
      const attempt = unknownUser();
      await signInFrom(h, peer, attempt, forwardedFor || undefined);
      expect(await auditedAddressOf(h, attempt.username), `${peer} / ${forwardedFor}`).toBe(client);
    }
  });

  it("throttles the real client however it fills in the left of the header", async () => {
    const client = "203.0.113.200";
    for (let i = 0; i < THROTTLE.perAddress; i++) {
      // the client sends "X-Forwarded-For: <forged>"; the proxy appends the address it saw
      const res = await signInFrom(h, "10.0.0.2", unknownUser(), `198.51.100.${i + 1}, ${client}`);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
    }
    expect((await signInFrom(h, "10.0.0.2", unknownUser(), `192.0.2.1, ${client}`)).status).toBe(429);
    expect((await signInFrom(h, "10.0.0.2", unknownUser(), "203.0.113.201")).status).toBe(401);
  });
});
