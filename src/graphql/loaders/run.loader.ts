import DataLoader from 'dataloader';
import type { LatestMetricRecord, MetricPointRecord, SeriesRequest } from '../../domain/metric';
import type { Services } from '../../services';
import { pagedLoader } from './paged';

/**
 * Loaders for a run's nested fields (children, metricKeys, latestMetrics, metric): a page of runs, each with
 * these fields, costs one query per field, not one per run.
 */
export function runLoaders(services: Services) {
  return {
    childrenOfRun: pagedLoader((parents, page) => services.runs.childrenOfMany(parents, page)),
    /** Lifecycle: `children(includeDeleted: true)`. */
    childrenOfRunWithDeleted: pagedLoader((parents, page) => services.runs.childrenOfMany(parents, page, true)),
    metricKeysOfRun: new DataLoader<string, string[]>((uids) => services.metrics.keysOfMany(uids)),
    latestMetricsOfRun: new DataLoader<string, LatestMetricRecord[]>((uids) => services.metrics.latestOfMany(uids)),
    metricSeries: new DataLoader<SeriesRequest, MetricPointRecord[], string>(
      (requests) => services.metrics.seriesOfMany(requests),
      { cacheKeyFn: (r) => JSON.stringify([r.runUid, r.key, r.fromStep, r.toStep]) },
    ),
  };
}
