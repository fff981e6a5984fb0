// The client address of a request: the connection's peer, or — only when that peer is a trusted
// proxy (--trusted-proxy) — what the proxy says in X-Real-IP, else X-Forwarded-For. From anyone
// else those headers are ignored: a client must not choose its own address.
import type { IncomingMessage } from "node:http";
import { type IpMatcher, parseAddress } from "../core/ip.js";
import { HttpError } from "./body.js";

/** `::ffff:10.0.0.1` (how node reports IPv4 peers on a dual-stack socket) as `10.0.0.1`. */
export function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

function forwarded(text: string, header: string): string {
  try {
    return parseAddress(text.trim()).canonical;
  } catch {
    throw new HttpError(400, "invalid_header", `${header} from the trusted proxy is not an IP address`);
  }
}

/**
 * The address to decide on, or undefined for a Unix socket peer without a trusted proxy's word (then
 * the IP steps fail: nothing is skipped on the request path).
 */
export function clientIp(req: IncomingMessage, trusted: IpMatcher | undefined): string | undefined {
  const peer = req.socket.remoteAddress === undefined ? undefined : unmapped(req.socket.remoteAddress);
  // A Unix socket has no peer address: only a proxy can be on the other end, trusted as such when
  // --trusted-proxy is given at all.
  const fromProxy = trusted !== undefined && (peer === undefined ? true : trusted(peer) !== undefined);
  if (!fromProxy) return peer;
  const real = req.headers["x-real-ip"];
  if (typeof real === "string") return unmapped(forwarded(real, "X-Real-IP"));
  const chain = req.headers["x-forwarded-for"];
  if (typeof chain === "string") {
    // The right-most address that is not itself a trusted proxy: anything left of it the client wrote.
    const hops = chain.split(",").map((h) => unmapped(forwarded(h, "X-Forwarded-For")));
    for (let i = hops.length - 1; i >= 0; i--) if (trusted(hops[i]!) === undefined) return hops[i];
    return hops[0];
  }
  return peer;
}
