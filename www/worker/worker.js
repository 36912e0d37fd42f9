// Example Worker: /connect starts the user-federation flow with a stateless customState and sends
// the user to the provider's consent page; /callback verifies the redirect, binds the session to
// the user, and gets the token from the vault.
//
// Who the user is comes from your app's login. To stay self-contained, this example takes it from a
// `user` query parameter on /connect and keeps it in a cookie: replace `currentUser` with your own.
import { AgentCoreIdentityClient, CallbackError, createCustomState, handleOauth2Callback } from "agentcore-identity-edge";

/** @param {Request} request */
function currentUser(request) {
  const cookie = request.headers.get("cookie") ?? "";
  return /(?:^|;\s*)uid=([A-Za-z0-9_.@-]{1,128})/.exec(cookie)?.[1];
}

/** @param {Record<string, string | undefined>} env */
function clientFor(env) {
  return new AgentCoreIdentityClient({
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: env.AGENTCORE_ENDPOINT || undefined,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
      sessionToken: env.AWS_SESSION_TOKEN || undefined,
    },
  });
}

/**
 * @param {AgentCoreIdentityClient} client
 * @param {Record<string, string | undefined>} env
 * @param {string} userId
 * @param {string} origin
 */
async function tokenInput(client, env, userId, origin) {
  const { workloadAccessToken } = await client.getWorkloadAccessTokenForUserId({ workloadName: env.WORKLOAD_NAME ?? "", userId });
  return {
    workloadIdentityToken: workloadAccessToken,
    resourceCredentialProviderName: env.PROVIDER_NAME ?? "",
    scopes: (env.SCOPES ?? "").split(",").filter(Boolean),
    oauth2Flow: /** @type {const} */ ("USER_FEDERATION"),
    resourceOauth2ReturnUrl: `${origin}/callback`,
  };
}

/** @param {string} text @param {number} [status] @param {Record<string, string>} [headers] */
function page(text, status = 200, headers = {}) {
  const body = `<!doctype html><meta charset="utf-8"><title>AgentCore Identity example</title><p>${text}</p>`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8", ...headers } });
}

export default {
  /** @param {Request} request @param {Record<string, string | undefined>} env */
  async fetch(request, env) {
    const url = new URL(request.url);
    const client = clientFor(env);

    if (url.pathname === "/connect") {
      const userId = url.searchParams.get("user") ?? currentUser(request);
      if (!userId || !/^[A-Za-z0-9_.@-]{1,128}$/.test(userId)) return page("Who are you? Open /connect?user=NAME.", 400);
      const input = await tokenInput(client, env, userId, url.origin);
      const customState = await createCustomState({ secret: env.STATE_SECRET ?? "", binding: userId });
      const out = await client.getResourceOauth2Token({ ...input, customState });
      const cookie = `uid=${userId}; Path=/; HttpOnly; SameSite=Lax`;
      if (out.accessToken) return page("Already connected: the vault has a token for you.", 200, { "set-cookie": cookie });
      if (!out.authorizationUrl) return page(`The session is ${out.sessionStatus}.`, 502);
      return new Response(null, { status: 302, headers: { location: out.authorizationUrl, "set-cookie": cookie } });
    }

    if (url.pathname === "/callback") {
      const userId = currentUser(request);
      if (!userId) return page("No user: start at /connect.", 400);
      try {
        const { sessionUri } = await handleOauth2Callback(request, {
          stateSecret: env.STATE_SECRET ?? "",
          binding: userId,
          client,
          userIdentifier: { userId },
        });
        const input = await tokenInput(client, env, userId, url.origin);
        const { accessToken } = await client.getResourceOauth2Token({ ...input, sessionUri });
        if (!accessToken) return page("The authorization is still pending.", 202);
        // Use the token here (call the provider's API); never send it to the browser.
        return page(`Connected: a token of ${accessToken.length} characters is in the vault for ${userId}.`);
      } catch (e) {
        if (e instanceof CallbackError) return page(`Refused: ${e.code}.`, 400);
        throw e;
      }
    }

    return page('Start with <a href="/connect?user=alice">/connect?user=alice</a>.');
  },
};
