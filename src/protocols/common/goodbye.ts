import type WebSocket from 'ws';

/**
 * How long a PBX gets to answer our close frame before the socket is cut. Short: a redeploy
 * waits for it (as core MQTT waits for its client's close), and a PBX that does not answer
 * must not hold the deploy up.
 */
export const GOODBYE_MS = 1000;

/**
 * Ends `ws` for good and resolves once it is closed. An open socket says goodbye: `farewell`
 * first (a protocol's own, such as socket.io's disconnect packet), then the close handshake,
 * cut off after `graceMs`; a socket still connecting is cut at once. Its listeners go first:
 * nothing it says now is news to anyone.
 */
export function sayGoodbye(ws: WebSocket, farewell?: string, graceMs = GOODBYE_MS): Promise<void> {
  ws.removeAllListeners();
  ws.on('error', () => undefined);
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  if (ws.readyState !== ws.OPEN) {
    ws.terminate();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const cut = setTimeout(() => ws.terminate(), graceMs);
    ws.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    if (farewell !== undefined) ws.send(farewell);
    ws.close(1000);
  });
}
