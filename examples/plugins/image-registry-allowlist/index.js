'use strict';
/**
 * A drop-in admission plugin: pods, and the pod templates of workloads, may only use images from
 * the registries (or registry paths) in `allowedRegistries`. Anything else is refused with a
 * Forbidden Status naming the image:
 *
 *   Error from server (Forbidden): pods "x" is forbidden: image "quay.io/evil/miner:1" of container
 *   "main" is not from an allowed registry (allowed: docker.io, registry.k8s.io)
 *
 * Off by default (an allow-list means nothing until you write it); enable it with its options:
 *
 *   pluginDirs: [./examples/plugins]
 *   plugins:
 *     admission:
 *       enabled:
 *         - name: ImageRegistryAllowList
 *           options: { allowedRegistries: [docker.io, registry.k8s.io, ghcr.io/acme] }
 *
 * Image references are normalised as Docker and the kubelet do: the first path component is the
 * registry only when it contains "." or ":" or is "localhost"; otherwise the image is on
 * docker.io ("nginx" is docker.io/library/nginx, "acme/app" is docker.io/acme/app), and
 * index.docker.io means docker.io. An entry matches a whole registry ("ghcr.io") or a path prefix
 * at a "/" boundary ("ghcr.io/acme" allows ghcr.io/acme/app, not ghcr.io/acme-evil/app).
 *
 * Plain CommonJS, loaded with require(); `require('k8ts')` is the public plugin API.
 */
const { definePlugin, getApiHooks, statusError, stages } = require('k8ts');

const PLUGIN_NAME = 'ImageRegistryAllowList';
const DEFAULT_REGISTRY = 'docker.io';
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

/**
 * Where the pod spec sits in each kind this plugin checks, by `group/resource` (core: `/pods`).
 * CronJobs nest a Job template.
 */
const POD_SPEC_PATHS = {
  '/pods': ['spec'],
  '/podtemplates': ['template', 'spec'],
  '/replicationcontrollers': ['spec', 'template', 'spec'],
  'apps/deployments': ['spec', 'template', 'spec'],
  'apps/replicasets': ['spec', 'template', 'spec'],
  'apps/statefulsets': ['spec', 'template', 'spec'],
  'apps/daemonsets': ['spec', 'template', 'spec'],
  'batch/jobs': ['spec', 'template', 'spec'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** `{ registry, path }` of an image reference (tag and digest dropped), Docker's normalisation. */
function parseImage(image) {
  let name = String(image).split('@')[0];
  const slash = name.indexOf('/');
  const lastColon = name.lastIndexOf(':');
  if (lastColon > slash) name = name.slice(0, lastColon); // the tag (a ":" after the last "/")
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let registry = hasRegistry ? first : DEFAULT_REGISTRY;
  let path = hasRegistry ? name.slice(slash + 1) : name;
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !path.includes('/')) path = `library/${path}`;
  return { registry, path };
}

/** Is the image covered by one of the allow-list entries (`registry` or `registry/path-prefix`)? */
function isAllowed(image, allowed) {
  const { registry, path } = parseImage(image);
  const full = `${registry}/${path}`;
  return allowed.some((entry) => {
    const e = entry.replace(/\/+$/, '');
    const normalised = e === 'index.docker.io' ? DEFAULT_REGISTRY : e.startsWith('index.docker.io/') ? `${DEFAULT_REGISTRY}/${e.slice('index.docker.io/'.length)}` : e;
    return normalised === registry || full === normalised || full.startsWith(`${normalised}/`);
  });
}

function podSpecOf(attrs) {
  const where = POD_SPEC_PATHS[`${attrs.resource.group}/${attrs.resource.resource}`];
  if (!where) return undefined;
  if (attrs.subresource !== '' && !(where === POD_SPEC_PATHS['/pods'] && attrs.subresource === 'ephemeralcontainers')) return undefined;
  let v = attrs.object;
  for (const key of where) v = v && typeof v === 'object' ? v[key] : undefined;
  return v && typeof v === 'object' ? v : undefined;
}

/** The first container whose image is not allowed: `{ list, index, name, image }`. */
function firstDisallowed(spec, allowed) {
  for (const list of CONTAINER_LISTS) {
    const containers = Array.isArray(spec[list]) ? spec[list] : [];
    for (let index = 0; index < containers.length; index++) {
      const c = containers[index] || {};
      if (typeof c.image === 'string' && c.image !== '' && !isAllowed(c.image, allowed)) return { list, index, name: c.name, image: c.image };
    }
  }
  return undefined;
}

const plugin = definePlugin({
  name: PLUGIN_NAME,
  area: 'admission',
  description: 'refuses pods and workload templates whose images are not from an allowed registry (drop-in example)',
  enabledByDefault: false,
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['allowedRegistries'],
    properties: {
      allowedRegistries: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', minLength: 1, pattern: '^[^\\s@]+$' },
        description: 'registries ("registry.k8s.io") or registry path prefixes ("ghcr.io/acme"); images without a registry are on docker.io',
      },
      exemptNamespaces: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: ['kube-system'],
        description: 'namespaces whose objects are not checked (so the allow-list cannot lock the system out)',
      },
    },
  },
  apply(server, options) {
    const allowed = options.allowedRegistries;
    const exempt = new Set(options.exemptNamespaces ?? ['kube-system']);
    getApiHooks(server).validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: stages.AdmissionStage.DEFAULT }, async (attrs) => {
      if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
      if (exempt.has(attrs.namespace)) return;
      const spec = podSpecOf(attrs);
      const bad = spec && firstDisallowed(spec, allowed);
      if (!bad) return;
      const { group, resource } = attrs.resource;
      const name = attrs.name || (attrs.object && attrs.object.metadata && attrs.object.metadata.generateName) || '';
      const why = `image "${bad.image}" of container "${bad.name}" is not from an allowed registry (allowed: ${allowed.join(', ')})`;
      throw statusError('Forbidden', `${group ? `${resource}.${group}` : resource} "${name}" is forbidden: ${why}`, {
        name,
        group,
        kind: resource,
        causes: [{ reason: 'FieldValueForbidden', field: `${podFieldPath(attrs)}.${bad.list}[${bad.index}].image`, message: why }],
      });
    });
  },
});

function podFieldPath(attrs) {
  return POD_SPEC_PATHS[`${attrs.resource.group}/${attrs.resource.resource}`].join('.');
}

// `{ plugins: [...] }` is one of the export shapes pluginDirs accepts; the helpers ride along for the tests
module.exports = { plugins: [plugin], parseImage, isAllowed };
