import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startNeo4j, startS3Proxy } from '../../tools/local-services';
import { harnessState } from './state';

const LOG_DIR = path.join(__dirname, '..', '..', 'test-artifacts', 'local-services');
const progress = (message: string) => process.stderr.write(`[test setup] ${message}\n`);

/**
 * Starts what the tests need unless the environment already points at it:
 *   NEO4J_URI unset   -> Neo4j on a free port with a temp store (auth on: NEO4J_PASSWORD is set too);
 *                        a NEO4J_URI given from outside comes with its own NEO4J_PASSWORD, if any;
 *   S3_ENDPOINT unset -> in-memory S3Proxy with fresh credentials and bucket S3_BUCKET.
 * Logs go to test-artifacts/local-services/.
 */
export default async function globalSetup(): Promise<void> {
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
  const started = Date.now();
  // Both JVMs start concurrently (jar downloads, if any, are serialized inside local-services).
  const results = await Promise.allSettled([
    process.env.NEO4J_URI ? undefined : setUpNeo4j(),
    process.env.S3_ENDPOINT ? undefined : setUpS3(),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Teardown does not run when setup throws: stop whatever did start.
    await stopAll();
    throw failed.reason;
  }
  if (harnessState().services.length) progress(`services ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function setUpNeo4j(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-test-neo4j-'));
  harnessState().tempDirs.push(dataDir);
  const neo4j = await startNeo4j({ dataDir, progress, logFile: path.join(LOG_DIR, 'neo4j.log') });
  harnessState().services.push(neo4j);
  // Workers inherit both: the harness Neo4j runs with auth on, like every local Neo4j Skein starts.
  process.env.NEO4J_URI = neo4j.url;
  process.env.NEO4J_PASSWORD = neo4j.password;
}

async function setUpS3(): Promise<void> {
  const accessKey = `test-${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(24).toString('base64url');
  const s3 = await startS3Proxy({ accessKey, secretKey, progress, logFile: path.join(LOG_DIR, 's3proxy.log') });
  harnessState().services.push(s3);
  Object.assign(process.env, {
    S3_ENDPOINT: s3.url,
    S3_ACCESS_KEY_ID: accessKey,
    S3_SECRET_ACCESS_KEY: secretKey,
    S3_REGION: 'us-east-1',
    S3_BUCKET: 'skein-test',
  });
  const client = new S3Client({
    endpoint: s3.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'skein-test' }));
  } finally {
    client.destroy();
  }
}

/** Stops what setup started and removes its temp dirs; returns how many services it stopped. */
export async function stopAll(): Promise<number> {
  const state = harnessState();
  const services = state.services.splice(0);
  const dirs = state.tempDirs.splice(0);
  await Promise.allSettled(services.map((s) => s.stop()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  return services.length;
}
