// JSON answers of the example Worker: never cached, never sniffed.

/** @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
export const json = (status, body, headers = {}) =>
  Response.json(body, { status, headers: { "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers } });
