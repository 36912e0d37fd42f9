// The browser tests' app (tests/runtimes/browser.test.js): runs M2M or USER_FEDERATION in the page with
// the client itself, against the local emulator, and shows each step. Tokens are shown redacted.
// (The agent console, www/console/, holds no AWS key: its backend, the example Worker, does.)
import {
  AgentCoreIdentityClient,
  authorizeInPopup,
  createCustomState,
  handleOauth2Callback,
} from "agentcore-identity-edge";

/** @param {string} id */
const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ (document.getElementById("form"));
const steps = /** @type {HTMLOListElement} */ (document.getElementById("steps"));
const result = /** @type {HTMLDivElement} */ (document.getElementById("result"));
const run = /** @type {HTMLButtonElement} */ (document.getElementById("run"));

/** A fresh state secret per page load: the console verifies only the states it made. */
const stateSecret = crypto.getRandomValues(new Uint8Array(32));

$("returnUrl").value = new URL("./callback.html", location.href).href;

/** @param {string} s */
const redact = (s) => `•••• (${s.length} characters, redacted)`;

/** @param {string} text @param {boolean} [isError] */
function step(text, isError = false) {
  const li = document.createElement("li");
  li.textContent = text;
  if (isError) li.className = "error";
  steps.append(li);
}

function flow() {
  return /** @type {HTMLInputElement} */ (form.querySelector("input[name=flow]:checked")).value;
}

function showFlowFields() {
  const user = flow() === "USER_FEDERATION";
  for (const el of document.querySelectorAll(".user-only")) /** @type {HTMLElement} */ (el).hidden = !user;
  const provider = $("provider");
  const scopes = $("scopes");
  if (user && provider.value === "demo-m2m-provider") [provider.value, scopes.value] = ["demo-user-provider", "profile"];
  if (!user && provider.value === "demo-user-provider") [provider.value, scopes.value] = ["demo-m2m-provider", "read"];
}
form.addEventListener("change", showFlowFields);

// Served by `npm run demo`: the local emulator's endpoint and credentials (public test values).
fetch("./demo-config.json")
  .then((r) => (r.ok ? r.json() : null))
  .then((c) => {
    if (!c) return;
    $("endpoint").value = c.endpoint;
    $("accessKeyId").value = c.accessKeyId;
    $("secretAccessKey").value = c.secretAccessKey;
  })
  .catch(() => {});

/** @param {any} e */
function describe(e) {
  const meta = e?.$metadata;
  const parts = [`${e?.name ?? "Error"}: ${e?.message ?? String(e)}`];
  if (meta?.requestId) parts.push(`request id ${meta.requestId}`);
  if (meta?.httpStatusCode) parts.push(`HTTP ${meta.httpStatusCode}`);
  if (meta?.attempts) parts.push(`${meta.attempts} attempt${meta.attempts === 1 ? "" : "s"} (${meta.attempts - 1} retr${meta.attempts === 2 ? "y" : "ies"})`);
  if (e?.code) parts.push(`code ${e.code}`);
  return parts.join(" · ");
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  steps.replaceChildren();
  result.textContent = "";
  result.className = "";
  run.disabled = true;
  const user = flow() === "USER_FEDERATION";
  // Opened now, inside the click, so that popup blockers allow it; navigated once the URL is known.
  // A fresh name per flow: no other window with a known name is reused for the consent page.
  const name = `agentcore-identity-${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const popup = user ? window.open("", name, "popup,width=520,height=720") : null;
  try {
    const client = new AgentCoreIdentityClient({
      region: $("region").value.trim(),
      endpoint: $("endpoint").value.trim() || undefined,
      credentials: {
        accessKeyId: $("accessKeyId").value.trim(),
        secretAccessKey: $("secretAccessKey").value,
        sessionToken: $("sessionToken").value || undefined,
      },
    });
    const input = {
      resourceCredentialProviderName: $("provider").value.trim(),
      scopes: $("scopes").value.split(",").map((s) => s.trim()).filter(Boolean),
    };
    const workloadName = $("workloadName").value.trim();
    let token;
    if (!user) {
      step(`GetWorkloadAccessToken(${workloadName}): request sent`);
      const { workloadAccessToken } = await client.getWorkloadAccessToken({ workloadName });
      step(`Workload access token received: ${redact(workloadAccessToken)}`);
      step("GetResourceOauth2Token (M2M): request sent");
      const out = await client.getResourceOauth2Token({ ...input, workloadIdentityToken: workloadAccessToken, oauth2Flow: "M2M" });
      token = out;
    } else {
      const userId = $("userId").value.trim();
      step(`GetWorkloadAccessTokenForUserId(${workloadName}, ${userId}): request sent`);
      const { workloadAccessToken } = await client.getWorkloadAccessTokenForUserId({ workloadName, userId });
      step(`Workload access token received: ${redact(workloadAccessToken)}`);
      const customState = await createCustomState({ secret: stateSecret, binding: userId });
      const federation = {
        ...input,
        workloadIdentityToken: workloadAccessToken,
        oauth2Flow: /** @type {const} */ ("USER_FEDERATION"),
        resourceOauth2ReturnUrl: $("returnUrl").value,
      };
      step("GetResourceOauth2Token (USER_FEDERATION): request sent");
      const first = await client.getResourceOauth2Token({ ...federation, customState, forceAuthentication: $("force").checked });
      if (first.accessToken) {
        popup?.close();
        step("The vault already holds a token for this user: no authorization needed");
        token = first;
      } else if (!first.authorizationUrl) {
        throw new Error(`the session is ${first.sessionStatus ?? "unknown"}`);
      } else {
        step(`Authorization URL received (${URL.canParse(first.authorizationUrl) ? new URL(first.authorizationUrl).host : "not a URL"}): waiting for the consent in the popup`);
        const params = await authorizeInPopup(first.authorizationUrl, {
          callbackOrigin: location.origin,
          popup: popup ?? undefined,
        });
        const { sessionUri, completed } = await handleOauth2Callback(params, {
          stateSecret,
          binding: userId,
          client,
          userIdentifier: { userId },
        });
        step("Callback verified: state authentic, unexpired, bound to this user, used once");
        if (completed) step(`Session bound to ${userId} (CompleteResourceTokenAuth)`);
        step("GetResourceOauth2Token with the session: request sent");
        token = await client.getResourceOauth2Token({ ...federation, sessionUri });
      }
    }
    if (!token?.accessToken) throw new Error("no token in the reply");
    step(`Token received: ${redact(token.accessToken)}`);
    result.textContent = `Access token: ${redact(token.accessToken)} · request id ${token.$metadata.requestId} · ${token.$metadata.attempts} attempt(s)`;
  } catch (e) {
    popup?.close();
    step(describe(e), true);
    result.className = "error";
    result.textContent = describe(e);
  } finally {
    run.disabled = false;
  }
});

showFlowFields();
