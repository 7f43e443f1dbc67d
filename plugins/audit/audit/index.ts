import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FilterStage, LifecycleStage, RespondedStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { StatusError } from '../../../core/api/status';
import type { ApiResponse, Handler, RequestContext, ResponseSink, UserInfo } from '../../../core/pipeline/types';
import type { Server } from '../../../core/server/server';
import { interceptFilterErrors, interceptHandlers } from '../../../core/server/intercept';
import { JsonLinesBackend, type AuditBackend } from './backend';
import {
  annotations,
  attributes,
  auditUser,
  baseEvent,
  microTime,
  requestObject,
  responseObject,
  responseStatus,
  sameUser,
  withoutManagedFields,
  type AuditEvent,
} from './event';
import { parsePolicy, PolicyEvaluator, validatePolicy, type Decision, type Policy, type Stage } from './policy';

export { AUDIT_ANNOTATIONS_KEY, type AuditEvent } from './event';

const PLUGIN_NAME = 'Audit';
/**
 * The policy is evaluated once the caller is known: after authentication, before impersonation
 * (the event's `user` is the authenticated user, `impersonatedUser` who they act as).
 */
const AUDIT_EVALUATE = FilterStage.IMPERSONATION - 1;

export interface AuditOptions {
  /** an audit.k8s.io/v1 Policy file (YAML or JSON) */
  policyFile?: string;
  /** the same Policy inline in the configuration */
  policy?: Record<string, unknown>;
  /** JSON-lines log, one Event per line (appended) */
  logPath?: string;
  /** events buffered in memory before new ones are dropped */
  bufferSize: number;
}

interface AuditRecord {
  auditID: string;
  decision?: Decision;
  /** the authenticated user, captured before impersonation */
  user?: UserInfo;
  /** a handler or filter threw something other than a Status */
  panicked?: boolean;
  requestObject?: unknown;
}

const backends = new WeakMap<Server, AuditBackend>();

/** Write every buffered audit event out (tests; shutdown does it too). */
export async function flushAudit(server: Server): Promise<void> {
  await backends.get(server)?.flush();
}

/**
 * Kubernetes auditing: each request is evaluated against an audit.k8s.io/v1 Policy (first matching
 * rule) and written, once per stage that is not omitted, as an audit.k8s.io/v1 Event to a JSON-lines
 * log. No policy = level None for everything: nothing is written. `Audit-ID` is always answered.
 */
export default definePlugin<Partial<AuditOptions>>({
  name: PLUGIN_NAME,
  area: 'audit',
  description: 'Audit log: audit.k8s.io/v1 Policy (None/Metadata/Request/RequestResponse, omitStages) and a JSON-lines backend',
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      policyFile: { type: 'string', minLength: 1 },
      policy: { type: 'object' },
      logPath: { type: 'string', minLength: 1 },
      bufferSize: { type: 'integer', minimum: 1, default: 10000 },
    },
  },
  apply(server, options) {
    // an inline policy is checked now: a bad one is a configuration error
    let evaluator = new PolicyEvaluator(options.policy ? validatePolicy(options.policy, 'audit policy') : undefined);
    let backend: AuditBackend | undefined;
    const emit = (ev: AuditEvent) => backend?.write(ev);

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      if (options.policyFile) {
        const file = path.resolve(options.policyFile);
        let policy: Policy;
        try {
          policy = parsePolicy(await fs.promises.readFile(file, 'utf8'), file);
        } catch (err) {
          throw new Error(`audit policyFile: ${(err as Error).message}`);
        }
        evaluator = new PolicyEvaluator(policy);
      }
      if (options.logPath) {
        const b = new JsonLinesBackend(path.resolve(options.logPath), options.bufferSize ?? 10000, (err) =>
          server.logger.error({ err }, 'audit log write failed'),
        );
        await b.open();
        backend = b;
        backends.set(server, b);
      } else if (!evaluator.silent) {
        server.logger.warn('audit: a policy is configured but no logPath; events are discarded');
      }
    });
    server.hooks.shutdown.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      const b = backend;
      backend = undefined;
      if (b && b.dropped > 0) server.logger.warn({ dropped: b.dropped }, 'audit: events were dropped (buffer full)');
      await b?.close();
    });

    const record = (ctx: RequestContext): AuditRecord => {
      let rec = ctx.state.get(PLUGIN_NAME) as AuditRecord | undefined;
      if (!rec) {
        const given = ctx.headers['audit-id'];
        rec = { auditID: typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID() };
        ctx.state.set(PLUGIN_NAME, rec);
      }
      return rec;
    };
    const event = (ctx: RequestContext, rec: AuditRecord, stage: Stage, res?: ApiResponse): AuditEvent => {
      const d = rec.decision!;
      const ev = baseEvent(ctx, rec.auditID, d.level, rec.user);
      ev.stage = stage;
      if (ctx.user && !sameUser(ctx.user, rec.user)) ev.impersonatedUser = auditUser(ctx.user);
      if (res) {
        ev.responseStatus = responseStatus(res);
        if (d.level === 'Request' || d.level === 'RequestResponse') {
          rec.requestObject ??= requestObject(ctx) ?? null;
          if (rec.requestObject !== null) ev.requestObject = d.omitManagedFields ? withoutManagedFields(rec.requestObject) : rec.requestObject;
        }
        if (d.level === 'RequestResponse' && stage !== 'ResponseStarted') {
          const obj = responseObject(res);
          if (obj !== undefined) ev.responseObject = d.omitManagedFields ? withoutManagedFields(obj) : obj;
        }
      }
      const a = annotations(ctx);
      if (a) ev.annotations = a;
      ev.stageTimestamp = microTime();
      return ev;
    };
    /** decide the level (once) and write RequestReceived */
    const evaluate = (ctx: RequestContext, rec: AuditRecord) => {
      if (rec.decision) return;
      rec.user = ctx.user;
      rec.decision = evaluator.decide(attributes(ctx, ctx.user));
      if (rec.decision.level !== 'None' && !rec.decision.omitStages.has('RequestReceived')) emit(event(ctx, rec, 'RequestReceived'));
    };

    server.hooks.filter.tap({ name: PLUGIN_NAME, stage: FilterStage.AUDIT_INIT }, (ctx) => {
      record(ctx);
      return undefined;
    });
    server.hooks.filter.tap({ name: PLUGIN_NAME, stage: AUDIT_EVALUATE }, (ctx) => {
      evaluate(ctx, record(ctx));
      return undefined;
    });

    server.hooks.responded.tap({ name: PLUGIN_NAME, stage: RespondedStage.AUDIT }, (ctx, res) => {
      const rec = record(ctx);
      res.headers = { ...res.headers, 'Audit-ID': rec.auditID };
      // the request stopped before AUDIT_EVALUATE (401, or a filter that threw): decide now
      evaluate(ctx, rec);
      const d = rec.decision!;
      if (d.level === 'None') return;
      const write = (stage: Stage, r: ApiResponse) => {
        if (!d.omitStages.has(stage)) emit(event(ctx, rec, stage, r));
      };
      if (rec.panicked) return write('Panic', res);
      const stream = res.stream;
      if (!stream) return write('ResponseComplete', res);
      write('ResponseStarted', res);
      res.stream = async (sink: ResponseSink) => {
        try {
          await stream(sink);
        } catch (err) {
          if (!(err instanceof StatusError)) rec.panicked = true;
          throw err;
        } finally {
          write(rec.panicked ? 'Panic' : 'ResponseComplete', res);
        }
      };
    });

    // Panic: a filter tap or handler that throws something other than a Status (the core's catch-all
    // turns it into 500 InternalError); mark the request so its last event has stage Panic.
    const markPanic = (ctx: RequestContext, err: unknown) => {
      if (!(err instanceof StatusError)) record(ctx).panicked = true;
    };
    interceptFilterErrors(server.hooks.filter, markPanic);
    interceptHandlers(server.hooks.resolveHandler, (handler) => (c: RequestContext) => handler(c).catch((err: unknown) => (markPanic(c, err), Promise.reject(err))));
  },
});
