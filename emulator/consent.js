// The emulated identity provider's consent page: GET shows it, POST records Allow/Deny and redirects.
import { CONSENT_PATH } from "./local.js";

const esc = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(title, bodyHtml) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} - AgentCore Identity emulator</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111;background:#fff}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:.3rem;border:2px solid #222;cursor:pointer}
button[value=allow]{background:#0b5394;color:#fff;border-color:#0b5394}
button:focus-visible{outline:3px solid #e69138;outline-offset:2px}
</style>
</head>
<body>
<main>
${bodyHtml}
</main>
</body>
</html>
`;
}

/** The consent form for a pending session. */
export function consentPage(session) {
  const scopes = session.scopes.length
    ? `<ul aria-label="Requested scopes">${session.scopes.map((s) => `<li><code>${esc(s)}</code></li>`).join("")}</ul>`
    : "<p>No scopes requested.</p>";
  return page(
    `Authorize ${session.provider}`,
    `<h1>Authorize access</h1>
<p>The workload <strong>${esc(session.workload)}</strong> asks for access to your account at
<strong>${esc(session.provider)}</strong>.</p>
<dl>
<dt>Credential provider</dt><dd>${esc(session.provider)}</dd>
<dt>Workload identity</dt><dd>${esc(session.workload)}</dd>
<dt>Signed-in user</dt><dd>${esc(session.user.id)}</dd>
</dl>
<h2>Requested scopes</h2>
${scopes}
<form method="post" action="${CONSENT_PATH}">
<input type="hidden" name="request_uri" value="${esc(session.uri)}">
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

export function messagePage(title, message) {
  return page(title, `<h1>${esc(title)}</h1>\n<p role="alert">${esc(message)}</p>`);
}

export const pages = {
  unknown: () => [404, messagePage("Unknown authorization session", "This authorization session does not exist.")],
  expired: () => [
    410,
    messagePage("Authorization session expired", "This authorization session has expired. Start the sign-in again from the application."),
  ],
  decided: () => [
    409,
    messagePage("Authorization already decided", "This authorization request has already been answered."),
  ],
  missing: () => [400, messagePage("Bad request", "The request_uri parameter is missing.")],
  badDecision: () => [400, messagePage("Bad request", "The decision must be 'allow' or 'deny'.")],
};

/**
 * Answers the consent page at `authorizationUrl` as a user would (GET the page, POST the form with
 * `decision`), without following the redirect. For the demo and the tests.
 * @param {string} authorizationUrl
 * @param {"allow" | "deny"} decision
 * @returns {Promise<{ pageStatus: number, html: string, status: number, location: URL | null }>}
 */
export async function submitConsent(authorizationUrl, decision) {
  const page = await fetch(authorizationUrl);
  const html = await page.text();
  const requestUri = /name="request_uri" value="([^"]+)"/.exec(html)?.[1].replaceAll("&amp;", "&");
  if (!requestUri) throw new Error(`no consent form at the authorization URL (HTTP ${page.status})`);
  const res = await fetch(new URL(CONSENT_PATH, authorizationUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_uri: requestUri, decision }),
    redirect: "manual",
  });
  const location = res.headers.get("location");
  return { pageStatus: page.status, html, status: res.status, location: location ? new URL(location) : null };
}
