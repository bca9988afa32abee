/**
 * `--sig-proxy`: signals skiff receives while a container runs in the foreground are sent
 * on to the container (Podman forwards the catchable ones; window changes and job control
 * stay with the terminal). With a terminal too: the container ends, and skiff restores the
 * terminal, instead of skiff dying in raw mode.
 */
import type { Engine } from '../../../engine/engine.ts';

const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM'];

/** Installs the proxies; the returned function removes them. */
export function proxySignals(engine: Engine, id: string): () => void {
  const handlers = forwarded.map((sig) => {
    const handler = () => {
      void engine.containers.kill([id], { signal: sig }).catch(() => undefined);
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  return () => {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  };
}
