/**
 * APIExtensionServer: serves CustomResourceDefinitions (apiextensions-apiserver at the end of the
 * delegation chain). One long-lived informer on CRDs registers each accepted CRD in the
 * ResourceRegistry as data (discovery, OpenAPI, the GC and the Namespace controller see it at
 * once); one tap on `apiserver.resolveHandler` at HandlerStage.CRD serves every custom resource
 * with the generic REST store; the CRD schema library prunes, defaults and validates per request.
 */
import path from 'node:path';
import { statusError } from '../../../core/api/status';
import { definePlugin } from '../../../core/plugin/define';
import { resolveResourceHandler } from '../../../core/registry/handler';
import { getApiHooks, getResourceRegistry, type RegisteredResource } from '../../../core/registry/registry';
import type { KObject } from '../../../core/registry/types';
import { DEFAULT_WATCH_SETTINGS } from '../../../core/registry/watch-serve';
import type { Server } from '../../../core/server/server';
import { HandlerStage, LifecycleStage } from '../../../hooks/stages';
import { schemaFor, type CustomResourceDefinition } from '../schema';
import type { Handler, RequestContext } from '../../../core/pipeline/types';
import { CLEANUP_FINALIZER, CrdController, type ServedCrd } from './controller';
import { needsWebhook, WebhookConverter } from './conversion';
import { SERVED_BY, servedVersions } from './definition';
import { applyCrd, builtinCrdsDir, readCrdManifests } from './manifests';

export const PLUGIN_NAME = 'APIExtensionServer';

export interface APIExtensionServerOptions {
  /** apply the CRD manifests of the package's `crds/` folder at start (default true) */
  builtinManifests?: boolean;
  /** more directories whose CRD manifests are applied at start (relative to the working directory) */
  manifestDirs?: string[];
  /** how often a deleted CRD looks again for custom resources left to delete (default 0.5 s) */
  cleanupRecheckSeconds?: number;
}

const controllers = new WeakMap<Server, CrdController>();

/** The running CRD controller of a server (tests, tools). */
export function crdControllerOf(server: Server): CrdController | undefined {
  return controllers.get(server);
}

/** Prune, default and validate custom resources with the CRD schema library. */
function tapStrategy(served: ServedCrd): void {
  const { crd, resource } = served;
  const hooks = resource.hooks;
  const storageVersion = resource.storageVersion.name;
  const olds = new WeakMap<KObject, KObject>();
  hooks.defaults.tap(PLUGIN_NAME, (obj) => schemaFor(crd, storageVersion).applyDefaults(obj));
  hooks.prepareForUpdate.tap(PLUGIN_NAME, (obj, old) => void olds.set(obj, old));
  hooks.validate.tap(PLUGIN_NAME, (obj, errors, ctx) => {
    const asked = ctx.requestInfo?.apiVersion;
    const version = asked && resource.version(asked)?.served ? asked : storageVersion;
    errors.push(...schemaFor(crd, version).validate(obj, olds.get(obj)));
  });
}

/** The Warning of a request to a deprecated version, as kube-apiserver words it. */
export function deprecationWarning(crd: CustomResourceDefinition, version: string): string | undefined {
  const v = crd.spec.versions.find((x) => x.name === version);
  if (!v?.deprecated) return undefined;
  if (v.deprecationWarning) return v.deprecationWarning;
  const { group, names } = crd.spec;
  const better = servedVersions(crd).find((x) => !x.deprecated);
  return `${group}/${version} ${names.kind} is deprecated${better ? `; use ${group}/${better.name} ${names.kind}` : ''}`;
}

async function applyManifests(server: Server, controller: CrdController, dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    const { crds, errors } = readCrdManifests(dir);
    for (const e of errors) server.logger.warn(`${PLUGIN_NAME}: cannot read CRD manifest ${e}`);
    for (const crd of crds) {
      try {
        await applyCrd(controller.client, crd);
      } catch (err) {
        server.logger.warn({ err, dir, crd: crd.metadata?.name }, `${PLUGIN_NAME}: CRD manifest not applied`);
      }
    }
  }
}

export default definePlugin<APIExtensionServerOptions>({
  name: PLUGIN_NAME,
  area: 'apiextensions',
  description: 'Serves the custom resources of CustomResourceDefinitions (names, conditions, schemas, subresources, printer columns, cleanup) and applies the crds/ manifests at start',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      builtinManifests: { type: 'boolean', default: true },
      manifestDirs: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
      cleanupRecheckSeconds: { type: 'number', exclusiveMinimum: 0, default: 0.5 },
    },
  },
  apply(server, options) {
    const opts = options ?? {};
    const controller = new CrdController(server, {
      cleanupRecheckMs: (opts.cleanupRecheckSeconds ?? 0.5) * 1000,
      onRegister: tapStrategy,
      log: server.logger,
    });
    controllers.set(server, controller);

    // custom resources: pruning and defaulting of the decoded body in the request's version
    getApiHooks(server).decode.tap(PLUGIN_NAME, (obj, info) => {
      if (info.resource.definition.servedBy !== SERVED_BY) return;
      const served = controller.byResource(info.resource);
      if (!served || (info.ctx.requestInfo?.subresource ?? '') === 'scale') return;
      const s = schemaFor(served.crd, info.version);
      const dropped = s.prune(obj);
      if (info.fieldValidation !== 'Ignore') info.unknownFields.push(...dropped);
      s.applyDefaults(obj);
    });

    // a CRD carries the cleanup finalizer from its creation on, so its custom resources are always deleted with it
    server.hooks.afterPlugins.tap(PLUGIN_NAME, () => {
      const crds = getResourceRegistry(server).get('apiextensions.k8s.io', 'customresourcedefinitions');
      crds?.hooks.prepareForCreate.tap(PLUGIN_NAME, (obj) => {
        const f = Array.isArray(obj.metadata.finalizers) ? obj.metadata.finalizers : [];
        if (!f.includes(CLEANUP_FINALIZER)) obj.metadata.finalizers = [...f, CLEANUP_FINALIZER];
      });
    });

    const converter = new WebhookConverter(server, controller.client);
    const view = (r: RegisteredResource, version: string) => controller.viewOf(r, version);
    const resolveInner = (c: RequestContext) => resolveResourceHandler(server, c, DEFAULT_WATCH_SETTINGS, SERVED_BY, view);
    server.hooks.resolveHandler.tap({ name: PLUGIN_NAME, stage: HandlerStage.CRD }, (ctx) => {
      const handler = resolveInner(ctx);
      if (!handler) return undefined;
      const info = ctx.requestInfo;
      const resource = getResourceRegistry(server).lookup(info.apiGroup, info.apiVersion, info.resource);
      const served = resource && controller.byResource(resource);
      if (info.verb === 'create' && !info.subresource) {
        if (resource && controller.isTerminating(resource)) {
          return async () => {
            const s = statusError('MethodNotAllowed', 'create not allowed while custom resource definition is terminating').status;
            return { status: s.code, body: s };
          };
        }
      }
      const warning = served && deprecationWarning(served.crd, info.apiVersion);
      const serve: Handler = served && resource && needsWebhook(served.crd, resource, info.apiVersion, info.subresource) ? (c) => converter.serve(served.crd, resource, c, resolveInner) : handler;
      if (!warning) return serve;
      return (c) => {
        c.warnings.push(warning);
        return serve(c);
      };
    });

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      const dirs = [...(opts.builtinManifests !== false ? [builtinCrdsDir()].filter((d): d is string => !!d) : []), ...(opts.manifestDirs ?? []).map((d) => path.resolve(d))];
      if (!getResourceRegistry(server).get('apiextensions.k8s.io', 'customresourcedefinitions')) {
        server.logger.warn(`${PLUGIN_NAME}: the CustomResourceDefinition resource is not served (resources/CustomResourceDefinition disabled): no custom resources`);
        return;
      }
      await applyManifests(server, controller, dirs);
      await controller.start();
    });
    server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => controller.stop());
  },
});
