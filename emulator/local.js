// What the emulator's modules agree on: the consent page's path, and the names of this machine.

/** The consent page's path: authorization URLs point at it, and its form posts back to it. */
export const CONSENT_PATH = "/oauth2/authorize";

/**
 * True for a loopback name or address: localhost, 127.0.0.0/8 or [::1] (as URL's hostname writes them).
 * @param {string} name a lower-case host name
 */
export function isLoopbackName(name) {
  return name === "localhost" || name === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}
