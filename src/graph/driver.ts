import neo4j, { type Driver } from 'neo4j-driver';
import type { Config } from '../config';

/**
 * One driver per process. `disableLosslessIntegers` makes the driver hand back JS numbers
 * (versions, sizes and counts all stay far below 2^53), so Neo4j Integer never leaks upward.
 */
export function createDriver(cfg: Config['neo4j'] & { uri: string }): Driver {
  return neo4j.driver(cfg.uri, neo4j.auth.basic(cfg.username, cfg.password), {
    disableLosslessIntegers: true,
    maxConnectionPoolSize: 100,
    connectionAcquisitionTimeout: 30_000,
    logging: { level: 'error', logger: () => undefined },
  });
}
