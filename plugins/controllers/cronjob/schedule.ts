/**
 * CronJob schedule arithmetic on cron-parser: the next run after a time, the most recent
 * scheduled time in (earliest, now] with the number of missed runs (capped), and the
 * `cronjob-scheduled-timestamp` annotation value (RFC 3339 in the CronJob's time zone).
 * `@every <go duration>` (robfig/cron) is supported as fixed intervals from `earliest`.
 * `TZ=` / `CRON_TZ=` prefixes are rejected, as the Kubernetes API does (use spec.timeZone).
 */
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** first scheduled time strictly after `t` (ms) */
  next(t: number): number;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function goDurationMs(s: string): number | undefined {
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNITS[m[2]];
    pos = re.lastIndex;
  }
  return pos === s.length && s.length > 0 ? total : undefined;
}

/** Parse a schedule (throws with a message on an invalid one or an unknown time zone). */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const s = schedule.trim();
  if (/^(TZ|CRON_TZ)=/.test(s)) throw new Error('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  if (timeZone) new Intl.DateTimeFormat('en-US', { timeZone }); // RangeError on an unknown zone
  if (s.startsWith('@every ')) {
    const d = goDurationMs(s.slice(7).trim());
    if (!d || d < 1000) throw new Error(`invalid duration in ${s}`);
    const step = Math.floor(d / 1000) * 1000;
    return { next: (t) => Math.floor(t / 1000) * 1000 + step };
  }
  const fields = s.split(/\s+/);
  if (!s.startsWith('@') && fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  // validate now
  CronExpressionParser.parse(s, { currentDate: new Date(0), ...(timeZone ? { tz: timeZone } : {}) });
  return {
    next(t) {
      const e = CronExpressionParser.parse(s, { currentDate: new Date(t), ...(timeZone ? { tz: timeZone } : {}) });
      return e.next().getTime();
    },
  };
}

/**
 * The most recent scheduled time in (earliest, now], and how many were missed in between
 * (counting stops at `cap`: then the last one is found by walking from `now - window`, never
 * looping more than `cap + 1` times per call past the first).
 */
export function mostRecentScheduleTime(schedule: Schedule, earliest: number, now: number, cap = 100): { time?: number; missed: number; tooMany: boolean } {
  let t = schedule.next(earliest);
  if (t > now) return { missed: 0, tooMany: false };
  let missed = 0;
  let last = t;
  for (;;) {
    const n = schedule.next(t);
    if (n > now) break;
    missed++;
    last = n;
    t = n;
    if (missed > cap) {
      // too many to walk: look back from now in doubling windows for the latest one
      for (let step = 60_000; ; step *= 2) {
        const from = Math.max(earliest, now - step);
        let c = schedule.next(from);
        if (c <= now) {
          for (let n = schedule.next(c); n <= now; n = schedule.next(c)) c = n;
          return { time: c, missed, tooMany: true };
        }
        if (from === earliest) return { time: last, missed, tooMany: true };
      }
    }
  }
  return { time: last, missed: missed + 1, tooMany: false };
}

/** RFC 3339 with the offset of `timeZone` (UTC `Z` without one), second precision. */
export function formatInZone(t: number, timeZone?: string): string {
  const sec = Math.floor(t / 1000) * 1000;
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return new Date(sec).toISOString().replace('.000Z', 'Z');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(sec))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offMin = Math.round((local - sec) / 60_000);
  const sign = offMin < 0 ? '-' : '+';
  const abs = Math.abs(offMin);
  const off = offMin === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${off}`;
}
