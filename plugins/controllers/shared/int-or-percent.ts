/**
 * IntOrString values such as maxSurge/maxUnavailable: an integer, or "N%" of a total rounded up
 * or down (intstr.GetScaledValueFromIntOrPercent).
 */
export function scaledValueFromIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^(-?\d+)%$/.exec(value);
    if (m) {
      const pct = Number(m[1]);
      const v = (pct * total) / 100;
      return roundUp ? Math.ceil(v) : Math.floor(v);
    }
    if (/^-?\d+$/.test(value)) return Number(value);
  }
  throw new Error(`invalid value for IntOrString: ${JSON.stringify(value)}`);
}
