import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Temporary directories that are removed after each test, also when it fails. */
export interface TmpDirs {
  /** a new empty directory under the OS temp dir */
  make(prefix?: string): string;
  /** remove every directory made so far (afterEach calls it) */
  cleanup(): void;
}

/**
 * Call inside a `describe`: registers an `afterEach` that removes the directories made in the test.
 *
 *   const tmp = useTmpDirs();
 *   it('...', () => { const dir = tmp.make(); ... });
 */
export function useTmpDirs(): TmpDirs {
  const dirs = tmpDirs();
  afterEach(() => dirs.cleanup());
  return dirs;
}

/** The same without mocha hooks: the caller cleans up. */
export function tmpDirs(): TmpDirs {
  const made: string[] = [];
  return {
    make(prefix = 'k8ts-test-') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    cleanup() {
      for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Write files under `dir` (`{ 'a/b.js': '...' }`), creating folders; returns `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** true when `dir` does not exist or holds nothing */
export function isAbsentOrEmpty(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}
