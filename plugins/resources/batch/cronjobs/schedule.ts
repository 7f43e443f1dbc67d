/**
 * Cron schedule validation as robfig/cron's standard parser accepts it (what the CronJob
 * controller uses): five fields or a descriptor (`@hourly`, `@every 1h30m`).
 */

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** first value of `names` */
  namesFrom?: number;
  question?: boolean;
}

const FIELDS: FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 },
  { name: 'day of week', min: 0, max: 6, names: DAYS, namesFrom: 0, question: true },
];

function value(text: string, f: FieldSpec): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const i = f.names?.indexOf(text.toLowerCase()) ?? -1;
  return i >= 0 ? i + (f.namesFrom ?? 0) : undefined;
}

function fieldProblem(text: string, f: FieldSpec): string | undefined {
  for (const part of text.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === '') return `failed to parse ${f.name} "${part}"`;
    if (step !== undefined && !/^\d+$/.test(step)) return `failed to parse int from ${step}`;
    if (step !== undefined && Number(step) === 0) return `step of range should be a positive number: ${part}`;
    if (range === '*' || (range === '?' && f.question)) continue;
    const [lo, hi, more] = range.split('-');
    if (more !== undefined) return `too many hyphens: ${part}`;
    const a = value(lo, f);
    const b = hi === undefined ? a : value(hi, f);
    if (a === undefined || b === undefined) return `failed to parse int from ${a === undefined ? lo : hi}`;
    if (a < f.min) return `beginning of range (${a}) below minimum (${f.min}): ${part}`;
    if (b > f.max) return `end of range (${b}) above maximum (${f.max}): ${part}`;
    if (a > b) return `beginning of range (${a}) beyond end of range (${b}): ${part}`;
  }
  return undefined;
}

/** Go duration strings: `1h30m`, `90s`, `1.5h`. */
function isGoDuration(s: string): boolean {
  return /^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(s);
}

/** The problem with a schedule, or undefined when robfig/cron would parse it. */
export function scheduleProblem(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s === '') return 'empty spec string';
  if (/^(TZ|CRON_TZ)=/.test(s)) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  if (s.startsWith('@')) {
    if (DESCRIPTORS.includes(s)) return undefined;
    if (s.startsWith('@every ')) return isGoDuration(s.slice(7).trim()) ? undefined : `failed to parse duration ${s}`;
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem) return problem;
  }
  return undefined;
}

/** Is `tz` a time zone the platform's IANA database knows? */
export function isValidTimeZone(tz: string): boolean {
  if (tz === '' || tz.toLowerCase() === 'local') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
