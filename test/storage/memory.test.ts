import { openMemoryStorage } from '../../core/storage/memory';
import { storageConformance } from '../conformance/storage/suite';
import { linearizabilitySuite } from '../conformance/storage/linearizability';

async function open() {
  const storage = openMemoryStorage();
  return { storage, cleanup: () => storage.close() };
}

storageConformance('memory', open);
linearizabilitySuite('memory', open);
