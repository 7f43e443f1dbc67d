'use strict';
// What the test suite needs from the system: command -> Debian package. Installed with apt-get when
// running as root and missing; otherwise the run fails saying what to install (never a silent skip).
const { execFileSync, spawnSync } = require('node:child_process');

const REQUIRED = [
  { command: 'etcd', pkg: 'etcd-server', paths: ['/usr/bin/etcd'] },
  { command: 'kubectl', pkg: null, paths: ['/usr/bin/kubectl'], hint: 'install kubectl 1.32 (e.g. the google-cloud-cli kubectl package)' },
];

function has(dep) {
  const r = spawnSync('sh', ['-c', `command -v ${dep.command}`], { stdio: 'ignore' });
  return r.status === 0;
}

function ensureSystemDeps() {
  const missing = REQUIRED.filter((d) => !has(d));
  if (missing.length === 0) return;
  const installable = missing.filter((d) => d.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (installable.length && isRoot) {
    const pkgs = installable.map((d) => d.pkg);
    console.log(`installing system packages: ${pkgs.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  }
  const still = missing.filter((d) => !has(d));
  if (still.length) {
    for (const d of still) {
      console.error(`missing system dependency "${d.command}": ${d.pkg ? `apt-get install ${d.pkg}` : d.hint}`);
    }
    process.exit(1);
  }
}

module.exports = { ensureSystemDeps, REQUIRED };
