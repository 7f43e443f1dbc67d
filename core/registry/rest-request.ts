/**
 * One resolved resource request, shared by the handler files; 404/405 Status helpers and the
 * response format a request negotiated.
 */
import { negotiateOutput } from '../api/negotiate';
import { statusError, type StatusError } from '../api/status';
import { parseIncludeObject } from '../api/table';
import type { RequestContext } from '../pipeline/types';
import type { RegisteredResource } from './registry';
import type { ResponseFormat } from './respond';
import type { Store, StoreHost } from './store';
import type { WatchSettings } from './watch-serve';

/** One resource request, resolved. */
export interface RestRequest {
  host: StoreHost;
  store: Store;
  resource: RegisteredResource;
  ctx: RequestContext;
  /** '' for cluster-scoped resources and cross-namespace lists */
  namespace: string;
  name: string;
  subresource: string;
  /** the version in the URL */
  version: string;
  verb: string;
  settings: WatchSettings;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

export function methodNotAllowed(req: Pick<RestRequest, 'resource' | 'verb'>): StatusError {
  const { group, names } = req.resource.definition;
  return statusError('MethodNotAllowed', `${req.verb} is not supported on resources of kind ${JSON.stringify(group ? `${names.plural}.${group}` : names.plural)}`, {
    group,
    kind: names.plural,
  });
}

export function notFound(): StatusError {
  return statusError('NotFound', 'the server could not find the requested resource');
}

/** The response format of a request (JSON for writes, Table/metadata allowed for reads). */
export function responseFormat(req: RestRequest): ResponseFormat {
  return {
    version: req.version,
    output: negotiateOutput(req.ctx.headers.accept, READ_VERBS.has(req.verb)),
    includeObject: parseIncludeObject(req.ctx.query.get('includeObject')),
  };
}

