// IP networks in CIDR notation, one definition for the Sigma `|cidr` modifier (detect/values.ts)
// and the query language's `ip:10.0.0.0/8` (query/match.ts), so a rule and a filter on the same
// network find the same events.
//
// An address is IPv4 dotted decimal (`10.0.0.1`; `010.0.0.1` is read as decimal, 10.0.0.1) or
// IPv6 in any RFC 4291 spelling, with an embedded IPv4 tail (`::ffff:10.0.0.1`) too; surrounding
// whitespace is ignored. Anything else (an AWS service host name such as `ec2.amazonaws.com`, a
// port, a zone id, brackets) is not an address and is in no network.
//
// An IPv4 address and its IPv4-mapped IPv6 form (`::ffff:10.1.2.3`, `::ffff:a01:203`; RFC 4291
// §2.5.5.2) are one address, as Elasticsearch's ip type and Java's InetAddress read them: both
// are compared as 16 bytes, IPv4 as ::ffff:a.b.c.d and an IPv4 network a.b.c.d/n as
// ::ffff:a.b.c.d/(96+n). So a caller written either way is inside 10.0.0.0/8 (and outside
// `-ip:10.0.0.0/8`); `::ffff:0:0/96` and `::/0` hold every IPv4 address.

/**
 * The test "address in this network" for a CIDR network text (`10.0.0.0/8`, `2001:db8::/32`;
 * host bits may be set), or undefined when the text is not one.
 */
export function cidrMatcher(network: string): ((address: string) => boolean) | undefined {
  const parsed = parseCidr(network);
  if (!parsed) return undefined;
  const net = as16Bytes(parsed.bytes);
  const bits = parsed.bits + (parsed.bytes.length === 4 ? 96 : 0);
  return (address) => {
    const b = ipBytes(address.trim());
    if (!b) return false;
    const a = as16Bytes(b);
    let left = bits;
    for (let i = 0; left > 0; i++, left -= 8) {
      const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
      if ((a[i] & mask) !== (net[i] & mask)) return false;
    }
    return true;
  };
}

/** IPv6 bytes as they are; IPv4 bytes as the IPv4-mapped IPv6 address ::ffff:a.b.c.d. */
function as16Bytes(bytes: number[]): number[] {
  return bytes.length === 16 ? bytes : [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes];
}

/** A CIDR network text's address bytes and prefix length as written, or undefined when it is not one. */
export function parseCidr(network: string): { bytes: number[]; bits: number } | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(network.trim());
  if (!m) return undefined;
  const bytes = ipBytes(m[1]);
  const bits = Number(m[2]);
  return bytes && bits <= bytes.length * 8 ? { bytes, bits } : undefined;
}

/** IPv4 (4 bytes) or IPv6 (16 bytes) address bytes, or undefined. */
export function ipBytes(text: string): number[] | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const b = v4.slice(1).map(Number);
    return b.every((x) => x <= 255) ? b : undefined;
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let head = text;
  let tail4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const b = ipBytes(text.slice(lastColon + 1));
    if (!b || b.length !== 4) return undefined;
    tail4 = b;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.split(':'));
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...left, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...right];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const bytes = groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail4.length) bytes.splice(12, 4, ...tail4);
  return bytes;
}
