/**
 * Drop-in plugin modules for tests: CommonJS source written into a temp plugin directory and loaded
 * by the kernel through `pluginDirs`, exactly like a user's drop-in.
 */
import path from 'node:path';
import { writeFiles } from './tmp';

/** absolute path of the shared event log (test/helpers/recorder) */
export const RECORDER_MODULE = path.join(__dirname, 'recorder.js');

const SYNC_HOOKS = new Set(['afterPlugins', 'requestInfo', 'responded']);

export interface RecordingTap {
  /** a Server hook: filter, resolveHandler, initialize, postStart, ... */
  hook: string;
  stage?: number;
}

export interface RecordingPlugin {
  name: string;
  /** default `testing` */
  area?: string;
  taps: RecordingTap[];
  enabledByDefault?: boolean;
  dependencies?: string[];
}

/**
 * Source of a plugin that records `apply:<name>` and `<hook>:<name>` each time one of its taps runs
 * (see recorder.events(server)). Its taps never answer a request.
 */
export function recordingPluginSource(p: RecordingPlugin): string {
  const taps = p.taps
    .map((t) => {
      const opts = JSON.stringify({ name: p.name, stage: t.stage ?? 0 });
      const event = JSON.stringify(`${t.hook}:${p.name}`);
      return SYNC_HOOKS.has(t.hook)
        ? `    server.hooks.${t.hook}.tap(${opts}, () => { recorder.record(server, ${event}); });`
        : `    server.hooks.${t.hook}.tapPromise(${opts}, async () => { recorder.record(server, ${event}); return undefined; });`;
    })
    .join('\n');
  const def = {
    name: p.name,
    area: p.area ?? 'testing',
    ...(p.enabledByDefault === undefined ? {} : { enabledByDefault: p.enabledByDefault }),
    ...(p.dependencies ? { dependencies: p.dependencies } : {}),
  };
  const fields = Object.entries(def)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`)
    .join('\n');
  return `'use strict';
const recorder = require(${JSON.stringify(RECORDER_MODULE)});
module.exports = {
${fields}
  apply(server) {
    recorder.record(server, ${JSON.stringify(`apply:${p.name}`)});
${taps}
  },
};
`;
}

/** Write recording plugins as `<dir>/<name>.js`; returns `dir`. */
export function writeRecordingPlugins(dir: string, plugins: RecordingPlugin[]): string {
  return writeFiles(dir, Object.fromEntries(plugins.map((p) => [`${p.name}.js`, recordingPluginSource(p)])));
}
