import { HandlerStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';

const PLUGIN_NAME = 'Version';

/** The Kubernetes version k8ts speaks. kubectl's dispatcher picks its client by `minor` (must be "32"). */
export const KUBERNETES_VERSION = Object.freeze({ major: '1', minor: '32', patch: '4' });

/** `version.Info` as kube-apiserver returns it from /version. */
export function versionInfo() {
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.${patch}+k8ts`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-11-26T00:00:00Z',
    goVersion: 'go1.23',
    compiler: 'gc',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

export default definePlugin({
  name: PLUGIN_NAME,
  area: 'apiserver',
  description: 'Serves /version (version.Info, minor "32")',
  apply(server) {
    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.NON_RESOURCE }, (ctx) => {
      if (ctx.path !== '/version' && ctx.path !== '/version/') return undefined;
      if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return undefined;
      return async () => ({ status: 200, body: versionInfo() });
    });
  },
});
