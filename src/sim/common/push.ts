import WebSocket from 'ws';

const BATCH = 1000;

/**
 * Benchmarks: writes `n` frames (`frame(i)`) to every open socket in `targets` as fast as the
 * sockets take them, and resolves when every frame is written. The next batch is queued once
 * the last frame of this one is written, so the socket, not the simulator, sets the pace.
 */
export async function pushFrames(targets: Iterable<WebSocket>, n: number, frame: (i: number) => string): Promise<void> {
  const sockets = [...targets].filter((ws) => ws.readyState === WebSocket.OPEN);
  for (let i = 0; i < n;) {
    const end = Math.min(n, i + BATCH);
    const written: Array<Promise<void>> = [];
    for (; i < end; i++) {
      const text = frame(i);
      const last = i === end - 1;
      for (const ws of sockets) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        if (last) written.push(new Promise<void>((resolve) => ws.send(text, () => resolve())));
        else ws.send(text);
      }
    }
    await Promise.all(written);
  }
}
