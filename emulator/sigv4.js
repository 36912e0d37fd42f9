// SigV4 verification of incoming requests. The signature is recomputed with AWS's own signer
// (@smithy/signature-v4) over exactly the headers the client says it signed and the raw body bytes,
// at the request's own x-amz-date, and compared in constant time.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

export const MSG_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
export const MSG_BAD_TOKEN = "The security token included in the request is invalid.";
export const MSG_MISSING = "Missing Authentication Token";
export const MAX_SKEW_MS = 5 * 60 * 1000;

/** SHA-256 for the smithy signer, backed by node:crypto (hash, or HMAC when given a secret). */
class NodeSha256 {
  constructor(secret) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }
  update(data) {
    this.h.update(toBuffer(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

function toBuffer(data) {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

const fail = (status, code, message) => ({ ok: false, status, code, message });

/** "20240101T000000Z" -> Date, or null when malformed. */
export function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || "");
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  const d = new Date(t);
  if (Number.isNaN(t) || d.getUTCDate() !== +m[3] || d.getUTCHours() !== +m[4]) return null;
  return d;
}

/** Date -> "20240101T000000Z" */
export function formatAmzDate(d) {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

/** Parses "AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=a;b, Signature=hex". */
export function parseAuthorization(value) {
  const m = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(value.trim());
  if (!m) return { error: "Unsupported authorization type; only AWS4-HMAC-SHA256 is accepted." };
  const params = {};
  for (const part of m[1].split(",")) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf("=");
    if (eq < 0) return { error: `Authorization header parameter is malformed (expected key=value).` };
    params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  const missing = ["Credential", "Signature", "SignedHeaders"].filter((k) => !params[k]);
  if (missing.length) {
    return { error: missing.map((k) => `Authorization header requires '${k}' parameter.`).join(" ") };
  }
  const scope = params.Credential.split("/");
  if (scope.length !== 5 || scope[4] !== "aws4_request" || !scope[0] || !/^\d{8}$/.test(scope[1])) {
    return {
      error:
        "Credential should be scoped to a valid region, service and date: expected AKID/YYYYMMDD/region/service/aws4_request.",
    };
  }
  if (!/^[0-9a-f]{64}$/.test(params.Signature)) {
    return { error: "Signature must be 64 lower-case hexadecimal characters." };
  }
  const signedHeaders = params.SignedHeaders.split(";");
  if (signedHeaders.some((h) => !h || h !== h.toLowerCase())) {
    return { error: "SignedHeaders must be a semicolon-separated list of lower-case header names." };
  }
  return {
    accessKeyId: scope[0],
    scopeDate: scope[1],
    region: scope[2],
    service: scope[3],
    signedHeaders,
    signature: params.Signature,
  };
}

/**
 * Verifies a request.
 * @param {object} req
 * @param {string} req.method
 * @param {string} req.path raw path (still percent-encoded, no query)
 * @param {Record<string, string|string[]>} req.query decoded query parameters
 * @param {Record<string, string>} req.headers lower-cased header names
 * @param {Buffer} req.body raw body bytes
 * @param {object} opts
 * @param {{accessKeyId: string, secretAccessKey: string, sessionToken?: string}[]} opts.credentials
 * @param {number} opts.now server time in ms (includes the configured clock offset)
 * @param {string} opts.service expected signing name
 * @param {string} [opts.region] if set, the credential scope's region must equal it
 * @returns {Promise<{ok: true, accessKeyId: string, region: string} | {ok: false, status: number, code: string, message: string, accessKeyId?: string}>}
 */
export async function verifyRequest(req, { credentials, now, service, region: expectedRegion }) {
  const auth = req.headers.authorization;
  if (auth === undefined || auth === "") return fail(403, "MissingAuthenticationTokenException", MSG_MISSING);
  const parsed = parseAuthorization(auth);
  if (parsed.error) return fail(403, "IncompleteSignatureException", parsed.error);
  const withKey = (r) => ({ ...r, accessKeyId: parsed.accessKeyId });

  const cred = credentials.find((c) => c.accessKeyId === parsed.accessKeyId);
  if (!cred) return withKey(fail(403, "UnrecognizedClientException", MSG_BAD_TOKEN));

  if (parsed.service !== service) {
    return withKey(fail(403, "InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `));
  }
  if (!/^[a-z0-9-]+$/.test(parsed.region) || (expectedRegion && parsed.region !== expectedRegion)) {
    return withKey(fail(403, "InvalidSignatureException", "Credential should be scoped to a valid region. "));
  }
  const signed = new Set(parsed.signedHeaders);
  if (!signed.has("host")) {
    return withKey(
      fail(403, "IncompleteSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."),
    );
  }
  const amzDate = req.headers["x-amz-date"];
  if (amzDate === undefined) {
    return withKey(
      fail(403, "IncompleteSignatureException", "Authorization header requires existence of a 'X-Amz-Date' header."),
    );
  }
  if (!signed.has("x-amz-date")) {
    return withKey(fail(403, "IncompleteSignatureException", "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."));
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    return withKey(
      fail(403, "IncompleteSignatureException", "X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z'."),
    );
  }
  if (amzDate.slice(0, 8) !== parsed.scopeDate) {
    return withKey(
      fail(
        403,
        "InvalidSignatureException",
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      ),
    );
  }

  // Session token: must be present, signed and equal when the credentials carry one; must be absent otherwise.
  const token = req.headers["x-amz-security-token"];
  if (cred.sessionToken) {
    if (token === undefined || !safeEqualString(token, cred.sessionToken)) {
      return withKey(fail(403, "UnrecognizedClientException", MSG_BAD_TOKEN));
    }
    if (!signed.has("x-amz-security-token")) return withKey(fail(403, "InvalidSignatureException", MSG_MISMATCH));
  } else if (token !== undefined) {
    return withKey(fail(403, "UnrecognizedClientException", MSG_BAD_TOKEN));
  }

  // Clock skew (AWS wording, both directions).
  const skew = signingDate.getTime() - now;
  if (skew < -MAX_SKEW_MS) {
    const server = new Date(now);
    const limit = new Date(now - MAX_SKEW_MS);
    return withKey(
      fail(
        403,
        "InvalidSignatureException",
        `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(limit)} (${formatAmzDate(server)} - 5 min.)`,
      ),
    );
  }
  if (skew > MAX_SKEW_MS) {
    const server = new Date(now);
    const limit = new Date(now + MAX_SKEW_MS);
    return withKey(
      fail(
        403,
        "InvalidSignatureException",
        `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(limit)} (${formatAmzDate(server)} + 5 min.)`,
      ),
    );
  }

  // Every signed header must be present.
  const headers = {};
  for (const h of parsed.signedHeaders) {
    if (req.headers[h] === undefined) return withKey(fail(403, "InvalidSignatureException", MSG_MISMATCH));
    headers[h] = req.headers[h];
  }
  // A signed x-amz-content-sha256 is trusted by the signer, so check it against the bytes received.
  if (headers["x-amz-content-sha256"] !== undefined) {
    const actual = createHash("sha256").update(req.body).digest("hex");
    if (headers["x-amz-content-sha256"] !== actual) {
      return withKey(
        fail(403, "InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed."),
      );
    }
  }

  const signer = new SignatureV4({
    credentials: {
      accessKeyId: cred.accessKeyId,
      secretAccessKey: cred.secretAccessKey,
      ...(cred.sessionToken ? { sessionToken: cred.sessionToken } : {}),
    },
    region: parsed.region,
    service: parsed.service,
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const hostHeader = headers.host;
  const hostname = hostHeader.replace(/:\d+$/, "");
  let signedRequest;
  try {
    signedRequest = await signer.sign(
      {
        method: req.method,
        protocol: "http:",
        hostname,
        path: req.path,
        query: req.query,
        headers,
        body: req.body,
      },
      { signingDate, signableHeaders: signed },
    );
  } catch {
    return withKey(fail(403, "InvalidSignatureException", MSG_MISMATCH));
  }
  const expected = parseAuthorization(signedRequest.headers.authorization);
  const sameHeaders = expected.signedHeaders && expected.signedHeaders.join(";") === parsed.signedHeaders.join(";");
  if (!sameHeaders || !safeEqualString(expected.signature, parsed.signature)) {
    return withKey(fail(403, "InvalidSignatureException", MSG_MISMATCH));
  }
  return { ok: true, accessKeyId: cred.accessKeyId, region: parsed.region };
}

function safeEqualString(a, b) {
  const ha = createHash("sha256").update(String(a)).digest();
  const hb = createHash("sha256").update(String(b)).digest();
  return timingSafeEqual(ha, hb) && String(a).length === String(b).length;
}
