import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStorage } from '../../core/storage/sqlite';
import { storageConformance } from '../conformance/storage/suite';
import { linearizabilitySuite } from '../conformance/storage/linearizability';

async function open() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sqlite-'));
  const storage = await openSqliteStorage({ path: path.join(dir, 'state.db') });
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

storageConformance('sqlite', open);
linearizabilitySuite('sqlite', open);
