// Loads the botocore service model and indexes its operations by HTTP route. The package carries its own
// copy of the model (model/, from tests/fixtures/aws-model, the repository's source of truth; a test
// checks that the two are byte for byte the same).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const DEFAULT_MODEL_PATH = fileURLToPath(
  new URL("./model/bedrock-agentcore-identity.json", import.meta.url),
);

/**
 * @param {string} [path] botocore JSON model file
 * @returns {{ metadata: object, shapes: Record<string, object>, operations: Record<string, object>,
 *   routes: Map<string, object>, errorStatus: Record<string, number>, signingName: string }}
 */
export function loadModel(path = DEFAULT_MODEL_PATH) {
  const raw = JSON.parse(readFileSync(path, "utf8"));
  if (!raw || typeof raw !== "object" || !raw.operations || !raw.shapes) {
    throw new Error(`${path} is not a botocore service model (no operations/shapes)`);
  }
  const routes = new Map();
  for (const [name, op] of Object.entries(raw.operations)) {
    const http = op.http || {};
    const requestPath = String(http.requestUri || "/").split("?")[0];
    if (/[{}]/.test(requestPath)) {
      // Every operation of this model carries its input in the JSON body; labels are not supported.
      throw new Error(`operation ${name}: URI labels are not supported (${requestPath})`);
    }
    routes.set(requestPath, {
      name,
      method: (http.method || "POST").toUpperCase(),
      path: requestPath,
      responseCode: http.responseCode || 200,
      input: op.input?.shape ?? null,
      output: op.output?.shape ?? null,
      errors: (op.errors || []).map((e) => e.shape),
    });
  }
  for (const [name, shape] of Object.entries(raw.shapes)) {
    for (const ref of referencedShapes(shape)) {
      if (!raw.shapes[ref]) throw new Error(`shape ${name} refers to unknown shape ${ref}`);
    }
  }
  const errorStatus = {};
  for (const [name, shape] of Object.entries(raw.shapes)) {
    if (shape.exception) errorStatus[name] = shape.error?.httpStatusCode ?? (shape.fault ? 500 : 400);
  }
  return {
    metadata: raw.metadata || {},
    shapes: raw.shapes,
    operations: raw.operations,
    routes,
    errorStatus,
    signingName: raw.metadata?.signingName || raw.metadata?.endpointPrefix,
  };
}

function referencedShapes(shape) {
  const out = [];
  if (shape.member?.shape) out.push(shape.member.shape);
  if (shape.key?.shape) out.push(shape.key.shape);
  if (shape.value?.shape) out.push(shape.value.shape);
  for (const m of Object.values(shape.members || {})) if (m.shape) out.push(m.shape);
  return out;
}
