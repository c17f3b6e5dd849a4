import { stopAll } from './global-setup';

/** Stops what global setup started (handles live on globalThis) and removes its temp dirs. */
export default async function globalTeardown(): Promise<void> {
  const started = Date.now();
  if ((await stopAll()) > 0) {
    process.stderr.write(`[test teardown] services stopped in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}
