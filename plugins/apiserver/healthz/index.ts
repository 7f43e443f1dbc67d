import { HandlerStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import type { HealthEndpoint } from '../../../core/server/health';
import type { ApiResponse } from '../../../core/pipeline/types';

const PLUGIN_NAME = 'Healthz';
const ENDPOINT = /^\/(healthz|livez|readyz)(?:\/(.+))?\/?$/;

/** /healthz, /livez and /readyz (with `?verbose`, `?exclude=` and `/<check>`), as kube-apiserver serves them. */
export default definePlugin({
  name: PLUGIN_NAME,
  area: 'apiserver',
  description: 'Serves /healthz, /livez and /readyz from the server health checks',
  apply(server) {
    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.NON_RESOURCE }, (ctx) => {
      const m = ENDPOINT.exec(ctx.path);
      if (!m || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return undefined;
      const endpoint = m[1] as HealthEndpoint;
      const only = m[2];
      return async (): Promise<ApiResponse> => {
        if (only && !server.health.names(endpoint).includes(only)) {
          return text(404, `${endpoint} check ${only} not found\n`);
        }
        const results = await server.health.run(endpoint, { only, exclude: ctx.query.getAll('exclude') });
        const ok = results.every((r) => r.ok);
        if (ok && !ctx.query.has('verbose')) return text(200, 'ok');
        const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed: reason withheld`));
        lines.push(`${only ? only : endpoint} check ${ok ? 'passed' : 'failed'}`);
        return text(ok ? 200 : 500, `${lines.join('\n')}\n`);
      };
    });
  },
});

function text(status: number, body: string): ApiResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, body };
}
