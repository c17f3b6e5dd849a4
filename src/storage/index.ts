import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import type { BodiesConfig, Config } from '../config';
import type { BodyStore } from './body-store';
import { LocalBodyStore } from './local-store';
import { S3BodyStore } from './s3-store';

export type { BodyStore } from './body-store';
export { LocalBodyStore } from './local-store';
export { S3BodyStore } from './s3-store';

/** The body store and the rules uploads follow: what services get as `deps.bodies`. */
export interface Bodies {
  store: BodyStore;
  settings: BodiesConfig;
}

/** The S3 store when a bucket is configured, else the local store under SKEIN_LOCAL_STORE_DIR. */
export async function createBodies(config: Config): Promise<Bodies> {
  const settings = config.bodies;
  if (config.s3) return { store: new S3BodyStore(config.s3), settings };
  const secret = settings.signingSecret
    ? Buffer.from(settings.signingSecret, 'utf8')
    : await persistentSecret(path.join(config.dataDir, 'signing-secret'));
  return { store: await LocalBodyStore.open(settings.localDir, secret, settings.publicUrl), settings };
}

/**
 * A random signing key kept under the data directory (mode 0600), so URLs already handed out
 * survive a restart. Set SKEIN_SIGNING_SECRET instead when several instances share one store.
 */
async function persistentSecret(file: string): Promise<Buffer> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const text = (await fsp.readFile(file, 'utf8')).trim();
      if (text.length >= 43) return Buffer.from(text, 'base64url');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const secret = randomBytes(32);
      try {
        // 'wx': of two instances starting at once, one writes and the other reads what it wrote.
        await fsp.writeFile(file, secret.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
        return secret;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // another instance is writing it
  }
  throw new Error(`${file} holds no usable signing secret; delete it or set SKEIN_SIGNING_SECRET`);
}
