import type { SqliteStorageOptions } from './sqlite';
import type { EtcdStorageOptions } from './etcd';
import type { Storage } from './types';

export * from './types';

/** The `storage` section of the Configuration. */
export interface StorageConfig {
  backend: 'sqlite' | 'etcd' | 'memory';
  sqlite?: Partial<SqliteStorageOptions>;
  etcd?: Partial<EtcdStorageOptions>;
}

export const STORAGE_BACKENDS = ['sqlite', 'etcd', 'memory'] as const;

/**
 * Open the backend the config names. `dataDir` anchors the default sqlite path. Backends are
 * loaded on demand, so a sqlite start never loads the etcd client.
 */
export async function openStorage(config: StorageConfig, dataDir: string): Promise<Storage> {
  switch (config.backend) {
    case 'memory':
      return (await import('./memory')).openMemoryStorage();
    case 'sqlite':
      return (await import('./sqlite')).openSqliteStorage({ path: `${dataDir}/state.db`, ...config.sqlite });
    case 'etcd':
      return (await import('./etcd')).openEtcdStorage({ endpoints: ['http://127.0.0.1:2379'], ...config.etcd });
    default: {
      const backend: never = config.backend;
      throw new Error(`storage.backend: unknown backend "${String(backend)}" (valid: ${STORAGE_BACKENDS.join(', ')})`);
    }
  }
}
