import { openMemoryStorage } from './memory';
import { openSqliteStorage, type SqliteStorageOptions } from './sqlite';
import { openEtcdStorage, type EtcdStorageOptions } from './etcd';
import type { Storage } from './types';

export * from './types';

/** The `storage` section of the Configuration. */
export interface StorageConfig {
  backend: 'sqlite' | 'etcd' | 'memory';
  sqlite?: Partial<SqliteStorageOptions>;
  etcd?: Partial<EtcdStorageOptions>;
}

export const STORAGE_BACKENDS = ['sqlite', 'etcd', 'memory'] as const;

/** Open the backend the config names. `dataDir` anchors the default sqlite path. */
export async function openStorage(config: StorageConfig, dataDir: string): Promise<Storage> {
  switch (config.backend) {
    case 'memory':
      return openMemoryStorage();
    case 'sqlite':
      return openSqliteStorage({ path: `${dataDir}/state.db`, ...config.sqlite });
    case 'etcd':
      return openEtcdStorage({ endpoints: ['http://127.0.0.1:2379'], ...config.etcd });
    default: {
      const backend: never = config.backend;
      throw new Error(`storage.backend: unknown backend "${String(backend)}" (valid: ${STORAGE_BACKENDS.join(', ')})`);
    }
  }
}
