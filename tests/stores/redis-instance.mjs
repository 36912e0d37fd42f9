// One app instance for the Redis test, in its own process with its own node-redis client: waits
// for "go <callback URL>" on stdin, then verifies that callback `COUNT` times at once and prints
// how many were accepted and why the rest were refused, as one JSON line.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { createClient } from "redis";

const { AGENTCORE_PACKAGE_ENTRY, REDIS_URL, STATE_SECRET, BINDING, COUNT } = process.env;
const { RedisStateStore, handleOauth2Callback } = await import(pathToFileURL(/** @type {string} */ (AGENTCORE_PACKAGE_ENTRY)).href);
const client = createClient({ url: REDIS_URL });
await client.connect();
const stateStore = new RedisStateStore({ sendCommand: (args) => client.sendCommand(args) });
console.log("ready");

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.startsWith("go ")) continue;
  const callback = line.slice(3);
  const outs = await Promise.allSettled(
    Array.from({ length: Number(COUNT) }, () => handleOauth2Callback(callback, { stateSecret: STATE_SECRET, binding: BINDING, stateStore })),
  );
  const accepted = outs.filter((o) => o.status === "fulfilled").length;
  const refused = outs.flatMap((o) => (o.status === "rejected" ? [`${o.reason.name}:${o.reason.code ?? ""}`] : []));
  console.log(JSON.stringify({ accepted, refused }));
  break;
}
client.destroy();
