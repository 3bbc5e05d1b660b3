/** Quiet hours: a daily window in the recipient's time zone (start > end spans midnight). */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

/** Whether a time zone name is one the runtime knows (Intl). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function minuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const h = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const m = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return h * 60 + m;
}

/**
 * When a message due at `at` may go: `at` itself outside the window, else the window's end
 * (to the minute; time-zone offsets are whole minutes, so adding the minutes left is exact
 * unless a DST change falls inside the window, when it is off by that change at most).
 */
export function releaseTime(at: Date, q: QuietHours): Date {
  if (q.startMinute === q.endMinute) return at;
  const now = minuteOfDay(at, q.timeZone);
  const inside =
    q.startMinute < q.endMinute
      ? now >= q.startMinute && now < q.endMinute
      : now >= q.startMinute || now < q.endMinute;
  if (!inside) return at;
  const left = (q.endMinute - now + 1440) % 1440;
  const released = new Date(at.getTime() + left * 60_000);
  released.setUTCSeconds(0, 0);
  return released;
}
