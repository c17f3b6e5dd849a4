/**
 * Where Monaco (GraphiQL's editor) gets its web workers: our own bundles, next to the app's, never
 * a CDN. The build (build.js) bundles each worker separately and defines __SKEIN_WORKERS__ as their
 * hashed file names; they resolve against this module's URL (/playground/assets/…).
 */
declare const __SKEIN_WORKERS__: Record<'editor.worker' | 'json.worker' | 'graphql.worker', string>;

interface MonacoEnvironment {
  getWorker(workerId: string, label: string): Worker;
}

const workerUrl = (name: keyof typeof __SKEIN_WORKERS__) => new URL(`./${__SKEIN_WORKERS__[name]}`, import.meta.url);

(globalThis as typeof globalThis & { MonacoEnvironment?: MonacoEnvironment }).MonacoEnvironment = {
  getWorker(_workerId, label) {
    switch (label) {
      case 'json':
        return new Worker(workerUrl('json.worker'), { name: 'json' });
      case 'graphql':
        return new Worker(workerUrl('graphql.worker'), { name: 'graphql' });
      default:
        return new Worker(workerUrl('editor.worker'), { name: label || 'editor' });
    }
  },
};

export {};
