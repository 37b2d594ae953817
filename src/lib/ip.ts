/** An IPv4 or IPv6 network: the address bits with the host part zeroed, and the prefix length. */
export interface IpRange {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

const IPV4_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function parseIpv4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => IPV4_OCTET.test(p))) return null;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === "") return [];
    const out: number[] = [];
    const parts = half.split(":");
    for (const [i, part] of parts.entries()) {
      if (i === parts.length - 1 && part.includes(".")) {
        const v4 = parseIpv4(part);
        if (v4 === null) return null;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  return [...head, ...Array<number>(missing).fill(0), ...tail].reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/**
 * Reads an IP address, IPv4 or IPv6 (a zone such as `%eth0` is dropped); an IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`, as a dual-stack socket reports IPv4 peers) counts as its IPv4 address.
 */
function parseIp(text: string): IpAddress | null {
  const bare = text.trim().replace(/%[\w.-]+$/, "");
  const v4 = parseIpv4(bare);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseIpv6(bare);
  if (v6 === null) return null;
  if (v6 >> 32n === 0xffffn) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  // the longest run of two or more zero groups becomes "::" (RFC 5952)
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/**
 * An address in its usual written form (`::ffff:10.0.0.1` → `10.0.0.1`, `0:0::1` → `::1`), or null
 * when `text` is not an IP address. A port is not part of an address: `1.2.3.4:80` is null.
 */
export function normalizeIp(text: string): string | null {
  const ip = parseIp(text);
  return ip ? formatIp(ip) : null;
}

/** Reads `10.0.0.1`, `10.0.0.0/8`, `::1` or `fd00::/8`; host bits after the prefix are ignored. Null when malformed. */
export function parseIpRange(text: string): IpRange | null {
  const [address, prefixText, ...rest] = text.trim().split("/");
  if (rest.length > 0 || address === undefined) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    // an IPv4-mapped range (::ffff:10.0.0.0/104) is the IPv4 range it maps
    prefix = Number(prefixText) - (ip.family === 4 && address.includes(":") ? 96 : 0);
  }
  if (prefix < 0 || prefix > bits) return null;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { family: ip.family, network: ip.value & mask, prefix };
}

/** True when `address` (any written form) lies in one of `ranges`. */
export function inIpRanges(address: string, ranges: readonly IpRange[]): boolean {
  const ip = parseIp(address);
  if (!ip) return false;
  return ranges.some((r) => {
    if (r.family !== ip.family) return false;
    const bits = r.family === 4 ? 32 : 128;
    const shift = BigInt(bits - r.prefix);
    return ip.value >> shift === r.network >> shift;
  });
}
