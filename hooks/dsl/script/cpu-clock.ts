/**
 * CPU time of the calling thread, in nanoseconds, from /proc/thread-self/schedstat (Linux; its
 * first field is the time the thread has run on a CPU). The script deadline is CPU time, so a
 * script is not failed for the time the OS gave other threads on a loaded machine. Undefined where
 * the file does not exist (the deadline is then wall-clock time).
 */
import * as fs from 'node:fs';

let fd: number | null | undefined;
const buf = Buffer.alloc(128);

export function threadCpuNs(): number | undefined {
  if (fd === null) return undefined;
  try {
    fd ??= fs.openSync('/proc/thread-self/schedstat', 'r');
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const ns = Number(buf.toString('latin1', 0, n).split(' ')[0]);
    return Number.isFinite(ns) ? ns : undefined;
  } catch {
    fd = null;
    return undefined;
  }
}
