import { runComponentCommand } from './component';

export const SCHEDULER_HELP = `Usage: k8ts scheduler --kubeconfig FILE [flags]

Run the scheduler as its own process against a remote apiserver (HTTPS with the kubeconfig's
client certificate or token). Only the plugins of area "scheduler" apply, with the profiles of the
Configuration's top-level scheduler: section; there is no listener. Leader election on the Lease
kube-system/kube-scheduler makes several replicas (and the one inside "k8ts up") safe: only the
leader schedules.

Flags:
  --kubeconfig FILE   kubeconfig of the apiserver to run against (required)
  --config FILE       Configuration YAML: its scheduler: and plugins.scheduler sections are used
  -h, --help          show this help
`;

export function schedulerCommand(args: string[]): Promise<void> {
  return runComponentCommand(
    {
      command: 'scheduler',
      help: SCHEDULER_HELP,
      area: 'scheduler',
      component: 'Scheduler',
      prepare: (config) => {
        // nor does it host a node
        config.nodes = [];
      },
      describe: (_built, config) => `profiles: ${(config.scheduler?.profiles ?? []).map((p) => p.schedulerName).join(', ') || 'default-scheduler'}`,
    },
    args,
  );
}
