import Ajv from 'ajv';
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ajvMessage, ajvPath } from '../plugin/resolve';
import { ConfigError } from './errors';
import { configurationSchema, type Configuration } from './schema';

const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false });
const validate = ajv.compile(configurationSchema);

export interface LoadedConfig {
  config: Configuration;
  /** the file it came from, or `<default>` */
  file: string;
  /** relative paths in the file resolve against this */
  baseDir: string;
}

/** Read, parse (YAML, safe: no custom tags, bounded aliases) and validate a Configuration. */
export function loadConfig(file?: string): LoadedConfig {
  if (!file) return { config: validateConfig({}, '<default>'), file: '<default>', baseDir: process.cwd() };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '', `cannot read config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return { config: parseConfig(text, file), file, baseDir: path.dirname(path.resolve(file)) };
}

/** Parse YAML text into a validated Configuration (errors name `file`). */
export function parseConfig(text: string, file: string): Configuration {
  // prettyErrors fills linePos; the message's own " at line N, column M:" and excerpt are dropped
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(file, pos ? `line ${pos.line}, column ${pos.col}` : '', `invalid YAML: ${message}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    // an alias bomb ("Excessive alias count ...") and the like
    throw new ConfigError(file, '', `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateConfig(value, file);
}

export function validateConfig(value: unknown, file: string): Configuration {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(file, '', 'a Configuration must be a YAML mapping');
  }
  const copy = structuredClone(value);
  if (!validate(copy)) {
    const err = validate.errors?.[0];
    throw new ConfigError(file, ajvPath(err).replace(/^\./, ''), ajvMessage(err));
  }
  return copy as unknown as Configuration;
}
