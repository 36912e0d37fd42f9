// The agent console: signs in with the example Worker's demo sign-in, lists the providers the
// Worker's connect routes serve with their status, and connects each one in a popup with
// connectProvider. It holds no AWS credential, no token and no state: only the session cookie,
// which is HttpOnly and which this script never sees.
import { ConnectError, connectProvider } from "agentcore-identity-edge/connect/browser";

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const who = $("who");
const login = /** @type {HTMLButtonElement} */ ($("login"));
const logout = /** @type {HTMLButtonElement} */ ($("logout"));
const providers = /** @type {HTMLUListElement} */ ($("providers"));
const steps = /** @type {HTMLOListElement} */ ($("steps"));
const result = $("result");

/** The routes' base path (createConnectRoutes's basePath in the Worker). */
const BASE = "/agentcore";

/** @param {string} text @param {boolean} [isError] */
function step(text, isError = false) {
  const li = document.createElement("li");
  li.textContent = text;
  if (isError) li.className = "error";
  steps.append(li);
}

/** @param {string} text @param {boolean} [isError] */
function show(text, isError = false) {
  result.textContent = text;
  result.className = isError ? "error" : "";
}

/** @param {any} e */
function describe(e) {
  if (e instanceof ConnectError) return `${e.name}: ${e.message} · code ${e.code}${e.status ? ` · HTTP ${e.status}` : ""}`;
  if (e?.name === "PopupError") return `PopupError: ${e.message} · code ${e.code}`;
  return `${e?.name ?? "Error"}: ${e?.message ?? String(e)}`;
}

/**
 * A same-origin JSON request to the Worker, with the session cookie.
 * @param {string} method @param {string} path
 */
async function call(method, path) {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    redirect: "error",
    headers: method === "POST" ? { "content-type": "application/json", accept: "application/json" } : { accept: "application/json" },
    body: method === "POST" ? "{}" : undefined,
  });
  /** @type {any} */
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

/** @param {string | null} userId */
function showUser(userId) {
  who.textContent = userId ? `Signed in as ${userId}.` : "Not signed in: sign in to connect your accounts.";
  login.hidden = userId !== null;
  logout.hidden = userId === null;
}

/**
 * The class and text of a provider's `connected`: `null` is a provider marked
 * `checkConnection: false`, which the routes do not ask the service about.
 * @param {unknown} connected
 */
function statusOf(connected) {
  return connected === null ? ["not-checked", "Not checked"] : connected ? ["connected", "Connected"] : ["not-connected", "Not connected"];
}

/** Lists the providers with their status, from GET {BASE}/connections. */
async function refresh() {
  const { status, body } = await call("GET", `${BASE}/connections`);
  providers.replaceChildren();
  if (status === 401) return showUser(null);
  if (status !== 200 || !Array.isArray(body?.connections)) throw new Error(`GET ${BASE}/connections answered HTTP ${status}`);
  step(`GET ${BASE}/connections: ${body.connections.map((/** @type {any} */ c) => `${c.provider} ${statusOf(c.connected)[1].toLowerCase()}`).join(", ")}`);
  for (const { provider, connected } of body.connections) {
    const li = document.createElement("li");
    li.dataset.provider = provider;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = provider;
    const state = document.createElement("span");
    const [className, text] = statusOf(connected);
    state.className = `status ${className}`;
    state.textContent = text;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = connected ? "Connect again" : "Connect";
    button.addEventListener("click", () => connect(provider, button));
    li.append(name, state, button);
    providers.append(li);
  }
}

/**
 * Connects `provider`: connectProvider opens the popup inside this click, then POSTs the route.
 * @param {string} provider @param {HTMLButtonElement} button
 */
async function connect(provider, button) {
  steps.replaceChildren();
  show("");
  button.disabled = true;
  const done = connectProvider(provider, { basePath: BASE });
  step(`Popup opened; POST ${BASE}/connect/${provider} sent with your session cookie`);
  step("Waiting for your consent in the popup (the backend sends it to the provider's consent page)");
  try {
    await done;
    step("Callback verified by the backend: state authentic, unexpired, bound to you and this provider, used once; session bound to you (CompleteResourceTokenAuth)");
    show(`${provider}: connected. The token stays in the vault; the agent's backend gets it when it needs it.`);
    await refresh();
  } catch (e) {
    step(describe(e), true);
    show(describe(e), true);
  } finally {
    button.disabled = false;
  }
}

login.addEventListener("click", async () => {
  steps.replaceChildren();
  show("");
  try {
    const { status, body } = await call("POST", "/login");
    if (status !== 200 || typeof body?.userId !== "string") {
      step(`POST /login answered HTTP ${status}`, true);
      return;
    }
    step(`POST /login: signed in as ${body.userId} (an HttpOnly session cookie this page cannot read)`);
    showUser(body.userId);
    await refresh();
  } catch (e) {
    step(describe(e), true);
  }
});

logout.addEventListener("click", async () => {
  steps.replaceChildren();
  show("");
  try {
    const { status } = await call("POST", "/logout");
    // Signed out only when the backend cleared the cookie.
    if (status !== 200) {
      step(`POST /logout answered HTTP ${status}`, true);
      return;
    }
    showUser(null);
    providers.replaceChildren();
  } catch (e) {
    step(describe(e), true);
  }
});

const me = await call("GET", "/session").catch(() => ({ status: 0, body: null }));
showUser(me.status === 200 && typeof me.body?.userId === "string" ? me.body.userId : null);
if (me.status === 200) await refresh().catch((e) => step(describe(e), true));
