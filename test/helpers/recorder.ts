/**
 * An event log per Server. Drop-in test plugins (written as .js into temp plugin dirs) require this
 * module by its absolute path, so they and the test share one log.
 */
const logs = new WeakMap<object, string[]>();

export function record(server: object, event: string): void {
  let log = logs.get(server);
  if (!log) logs.set(server, (log = []));
  log.push(event);
}

export function events(server: object): string[] {
  return [...(logs.get(server) ?? [])];
}
