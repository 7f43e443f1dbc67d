/**
 * TokenFile: static bearer tokens from a CSV file (kube-apiserver's `--token-auth-file`), read at
 * start. Without `path` the plugin recognises nothing.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { UserInfo } from '../../../core/pipeline/types';
import { definePlugin } from '../../../core/plugin/define';
import { AuthenticatorStage, LifecycleStage } from '../../../hooks/stages';
import { getAuthnHooks } from '../authentication/hooks';
import { parseTokenFile } from './csv';

const PLUGIN_NAME = 'TokenFile';

export interface TokenFileOptions {
  /** the CSV file (relative to the working directory) */
  path?: string;
}

/** tokens are looked up by their SHA-256 so a lookup takes the same time whatever the token */
function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export default definePlugin<TokenFileOptions>({
  name: PLUGIN_NAME,
  area: 'authn',
  description: 'Static bearer tokens from a CSV file (token,user,uid,"group1,group2"), like --token-auth-file',
  dependencies: ['authn/Authentication'],
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { path: { type: 'string', minLength: 1 } },
  },
  apply(server, options) {
    const users = new Map<string, { token: Buffer; user: UserInfo }>();

    server.hooks.initialize.tapPromise({ name: PLUGIN_NAME, stage: LifecycleStage.DEFAULT }, async () => {
      if (!options?.path) return;
      const file = path.resolve(options.path);
      let parsed: Map<string, UserInfo>;
      try {
        parsed = parseTokenFile(fs.readFileSync(file, 'utf8'));
      } catch (err) {
        throw new Error(`TokenFile ${file}: ${(err as Error).message}`);
      }
      for (const [token, user] of parsed) users.set(digest(token), { token: Buffer.from(token), user });
    });

    getAuthnHooks(server).authenticate.tap({ name: PLUGIN_NAME, stage: AuthenticatorStage.TOKEN_FILE }, (_ctx, attempt) => {
      if (!attempt.bearerToken || users.size === 0) return undefined;
      const entry = users.get(digest(attempt.bearerToken));
      const presented = Buffer.from(attempt.bearerToken);
      if (!entry || entry.token.length !== presented.length || !timingSafeEqual(entry.token, presented)) return undefined;
      const u = entry.user;
      return { user: { ...u, groups: [...u.groups] }, authenticator: PLUGIN_NAME };
    });
  },
});
