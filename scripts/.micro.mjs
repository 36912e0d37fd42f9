const pkg = await import("../www/node.js");
const m2m = { workloadIdentityToken: "w".repeat(800), resourceCredentialProviderName: "demo-m2m-provider", scopes: ["read"], oauth2Flow: "M2M" };
const body = JSON.stringify({ accessToken: "t".repeat(800) });
const res = () => new Response(body, { status: 200, headers: { "x-amzn-requestid": "r", "content-type": "application/json", "content-length": String(body.length) } });
const client = new pkg.AgentCoreIdentityClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" }, fetch: async () => res() });
for (let i = 0; i < 3000; i++) await client.getResourceOauth2Token(m2m);
const floor = async () => { const r = res(); await r.text(); };
for (let round = 0; round < 3; round++) {
  let t0 = performance.now(); for (let i = 0; i < 10000; i++) await client.getResourceOauth2Token(m2m); const a = (performance.now() - t0) / 10;
  t0 = performance.now(); for (let i = 0; i < 10000; i++) await floor(); const b = (performance.now() - t0) / 10;
  console.log(`package ${a.toFixed(1)} µs/call, stub floor ${b.toFixed(1)} µs/call, overhead ${(a - b).toFixed(1)} µs`);
}
