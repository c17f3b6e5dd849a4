/** See chromium.js: the system's Chromium, and whether it is there. */
export function findChromium(env?: NodeJS.ProcessEnv): { path: string; found: boolean };
