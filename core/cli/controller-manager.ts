import { runComponentCommand } from './component';

export const CONTROLLER_MANAGER_HELP = `Usage: k8ts controller-manager --kubeconfig FILE [flags]

Run the controller-manager as its own process against a remote apiserver (HTTPS with the
kubeconfig's client certificate or token). Only the plugins of area "controllers" apply; there is
no listener. Leader election on the Lease kube-system/kube-controller-manager makes several
replicas (and the one inside "k8ts up") safe: only the leader acts.

Flags:
  --kubeconfig FILE   kubeconfig of the apiserver to run against (required)
  --config FILE       Configuration YAML: its plugins.controllers section is used
  -h, --help          show this help
`;

export function controllerManagerCommand(args: string[]): Promise<void> {
  return runComponentCommand(
    {
      command: 'controller-manager',
      help: CONTROLLER_MANAGER_HELP,
      area: 'controllers',
      component: 'ControllerManager',
      describe: (built) => `controllers: ${built.plugins.filter((p) => p.plugin.area === 'controllers').map((p) => p.plugin.name).join(', ')}`,
    },
    args,
  );
}
