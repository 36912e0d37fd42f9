// The least a signed call can cost: a reference for the benchmarks, not a client.
//
// It sends the request the package sends (same URL, same headers but the date, hash and signature,
// same body), signed afresh per call with SigV4 by the host's native hashing (`node:crypto`), the
// signing key derived once per day. It checks nothing, retries nothing and reads the reply with
// `JSON.parse` alone. The gap between it and the floor is the cost of signing per call; the gap
// between the package and it is the cost of everything else the package does.

const SERVICE = "bedrock-agentcore";
const PATH = "/identities/oauth2/token";
const UNSIGNED = new Set(["authorization", "x-amz-date", "x-amz-content-sha256"]);

/**
 * @param {{
 *   createHash: typeof import("node:crypto").createHash,
 *   createHmac: typeof import("node:crypto").createHmac,
 *   credentials: { accessKeyId: string, secretAccessKey: string },
 *   region: string,
 *   url: string,
 *   headers: Record<string, string>,
 *   input: unknown,
 *   fetch: typeof fetch,
 * }} o `headers`: the package's request headers, of which the date, hash and signature are redone
 */
export function referenceSigner({ createHash, createHmac, credentials, region, url, headers, input, fetch }) {
  const host = new URL(url).host;
  const base = Object.fromEntries(Object.entries(headers).filter(([k]) => !UNSIGNED.has(k)));
  const hmac = (/** @type {import("node:crypto").BinaryLike} */ key, /** @type {string} */ data) => createHmac("sha256", key).update(data).digest();
  let keyDay = "";
  /** @type {import("node:crypto").BinaryLike} */
  let key = "";

  /**
   * The headers of a request with `body`, signed at `amzDate` (`YYYYMMDDTHHMMSSZ`).
   * @param {string} body
   * @param {string} amzDate
   */
  function sign(body, amzDate) {
    const day = amzDate.slice(0, 8);
    if (day !== keyDay) {
      key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), SERVICE), "aws4_request");
      keyDay = day;
    }
    const payloadHash = createHash("sha256").update(body).digest("hex");
    /** @type {Record<string, string>} */
    const out = { ...base, "x-amz-content-sha256": payloadHash, "x-amz-date": amzDate };
    /** @type {Record<string, string>} */
    const canonical = { ...out, host, "content-length": String(new TextEncoder().encode(body).length) };
    const names = Object.keys(canonical).sort();
    const request = ["POST", PATH, "", ...names.map((n) => `${n}:${canonical[n]}`), "", names.join(";"), payloadHash].join("\n");
    const scope = `${day}/${region}/${SERVICE}/aws4_request`;
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash("sha256").update(request).digest("hex")}`;
    out.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${createHmac("sha256", key).update(toSign).digest("hex")}`;
    return out;
  }

  return {
    sign,
    /** One call: serialise, sign, send, parse. */
    async call() {
      const body = JSON.stringify(input);
      const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
      const response = await fetch(url, { method: "POST", headers: sign(body, amzDate), body });
      return JSON.parse(await response.text());
    },
  };
}
