/**
 * MutatingAdmissionWebhook and ValidatingAdmissionWebhook: call the HTTPS webhooks of the
 * MutatingWebhookConfiguration / ValidatingWebhookConfiguration objects (an in-memory index fed by
 * a storage watch, read at call time) whose rules, selectors and matchConditions match the request.
 * Mutating webhooks run one after another, their JSONPatch applied in turn, and those with
 * reinvocationPolicy IfNeeded run once more when a later webhook changed the object; validating
 * webhooks run in parallel and any denial refuses the request.
 */
import { AdmissionStage, LifecycleStage } from '../../../hooks/stages';
import { definePlugin } from '../../../core/plugin/define';
import { getApiHooks } from '../../../core/registry/registry';
import { jsonEqual } from '../../../core/registry/store-write';
import type { AdmissionAttributes } from '../../../core/registry/types';
import type { Server } from '../../../core/server/server';
import { recs, type Json } from '../shared/admission';
import { GROUP } from '../webhook-configurations';
import { ConfigIndex } from './config-index';
import { invoke, toHub } from './dispatch';
import { webhookApplies } from './matching';

/** Requests on the webhook configurations themselves never reach webhooks (no lock-out). */
function exempt(attrs: AdmissionAttributes): boolean {
  return attrs.resource.group === GROUP;
}

function webhooksOf(index: ConfigIndex): Json[] {
  return index.configurations.flatMap((c) => recs(c.webhooks));
}

async function mutate(server: Server, index: ConfigIndex, attrs: AdmissionAttributes): Promise<void> {
  if (exempt(attrs) || !attrs.object) return;
  const matched: Json[] = [];
  for (const w of webhooksOf(index)) if (await webhookApplies(server, w, attrs)) matched.push(w);
  if (!matched.length) return;
  const stale = new Set<Json>();
  const invoked: Json[] = [];
  const run = async (w: Json) => {
    const before = attrs.object;
    const { patched } = await invoke(w, attrs, true);
    if (!patched) return;
    const next = toHub(attrs, patched);
    if (jsonEqual(next, before)) return;
    attrs.object = next;
    // everyone invoked before saw an older object
    for (const earlier of invoked) if (earlier !== w && earlier.reinvocationPolicy === 'IfNeeded') stale.add(earlier);
  };
  for (const w of matched) {
    invoked.push(w);
    await run(w);
  }
  for (const w of matched) if (stale.has(w)) await run(w);
}

async function validate(server: Server, index: ConfigIndex, attrs: AdmissionAttributes): Promise<void> {
  if (exempt(attrs)) return;
  const matched: Json[] = [];
  for (const w of webhooksOf(index)) if (await webhookApplies(server, w, attrs)) matched.push(w);
  const results = await Promise.allSettled(matched.map((w) => invoke(w, attrs, false)));
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

function webhookPlugin(kind: 'Mutating' | 'Validating') {
  const PLUGIN_NAME = `${kind}AdmissionWebhook`;
  const plural = `${kind.toLowerCase()}webhookconfigurations`;
  return definePlugin({
    name: PLUGIN_NAME,
    area: 'admission',
    description: `${kind.toLowerCase()} admission webhooks over HTTPS (AdmissionReview v1) from ${kind}WebhookConfiguration objects`,
    dependencies: [`resources/${kind}WebhookConfiguration`],
    apply(server) {
      const index = new ConfigIndex(server, GROUP, plural);
      server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, () => index.start());
      server.hooks.preShutdown.tapPromise(PLUGIN_NAME, async () => index.stop());
      const api = getApiHooks(server);
      if (kind === 'Mutating') api.mutatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.WEBHOOK }, (attrs) => mutate(server, index, attrs));
      else api.validatingAdmission.tapPromise({ name: PLUGIN_NAME, stage: AdmissionStage.WEBHOOK }, (attrs) => validate(server, index, attrs));
    },
  });
}

export const MutatingAdmissionWebhook = webhookPlugin('Mutating');
export const ValidatingAdmissionWebhook = webhookPlugin('Validating');
