import { RoutefitError, requireInRange } from '../errors.js';

/** Hours in the week-long hourly profile the seeds ask teams to plot (Inference Economics Playbook, ch. 18, "What to measure"). */
export const HOURS_PER_WEEK = 168;

/**
 * A traffic shape as load on one dedicated replica, hour by hour over a week: 0.7 means 70% of one
 * replica's goodput. Presets mirror Inference Economics Playbook, ch. 18's worked example table.
 */
export interface TrafficPattern {
  label: string;
  /** Load per hour in replica units (fraction of one replica's goodput); length 168. */
  replicaLoad: number[];
}

const PATTERN_HELP = 'stable:60%, diurnal:10h@70%, bursty:4x@30% (peak factor × average, 2 peak hours a day) or bursty:4x@30%,3h';

const pct = (s: string, field: string): number => {
  const v = Number(s) / 100;
  return requireInRange(field, v, { min: 0, max: 10 });
};

/** Repeats a 24-hour day seven times. */
function week(day: number[]): number[] {
  return Array.from({ length: HOURS_PER_WEEK }, (_, h) => day[h % 24]!);
}

/**
 * Parses a pattern preset (Inference Economics Playbook, ch. 18 traffic-pattern table):
 *  - `stable:N%`        N% of one replica, 24/7;
 *  - `diurnal:Hh@X%`    X% for H hours a day (from 08:00), idle otherwise;
 *  - `bursty:Px@A%[,Hh]` an average of A% with H hours a day (default 2, from 12:00) at P× the base load.
 */
export function patternPreset(spec: string): TrafficPattern {
  const s = spec.trim().toLowerCase();
  let m = /^stable:(\d+(?:\.\d+)?)%$/.exec(s);
  if (m) {
    const u = pct(m[1]!, 'pattern load');
    return { label: `stable 24/7 at ${m[1]}%`, replicaLoad: week(Array(24).fill(u)) };
  }
  m = /^diurnal:(\d+)h@(\d+(?:\.\d+)?)%$/.exec(s);
  if (m) {
    const hours = requireInRange('pattern hours', Number(m[1]), { min: 1, max: 24 });
    const u = pct(m[2]!, 'pattern load');
    const day = Array.from({ length: 24 }, (_, h) => ((h - 8 + 24) % 24 < hours ? u : 0));
    return { label: `${hours}h/day at ${m[2]}%, ${24 - hours}h idle`, replicaLoad: week(day) };
  }
  m = /^bursty:(\d+(?:\.\d+)?)x@(\d+(?:\.\d+)?)%(?:,(\d+)h)?$/.exec(s);
  if (m) {
    const peak = requireInRange('pattern peak factor', Number(m[1]), { min: 1, max: 100 });
    const avg = pct(m[2]!, 'pattern load');
    const peakHours = requireInRange('pattern peak hours', Number(m[3] ?? 2), { min: 1, max: 23 });
    // avg = base × (peak × H + (24 − H)) / 24, so the preset keeps the stated average.
    const base = (avg * 24) / (peak * peakHours + 24 - peakHours);
    const day = Array.from({ length: 24 }, (_, h) => ((h - 12 + 24) % 24 < peakHours ? base * peak : base));
    return { label: `bursty, ${peak}x peaks for ${peakHours}h/day, average ${m[2]}%`, replicaLoad: week(day) };
  }
  throw new RoutefitError('invalid_input', `pattern "${spec}" is not understood; allowed ${PATTERN_HELP}`, { field: 'pattern', allowed: PATTERN_HELP });
}

/** A measured week of hourly requests → replica units, given one replica's hourly capacity in the same unit. */
export function patternFromHourly(label: string, perHour: readonly number[], capacityPerReplicaHour: number): TrafficPattern {
  requireInRange('capacityPerReplicaHour', capacityPerReplicaHour, { min: 0, minExclusive: true });
  if (perHour.length !== HOURS_PER_WEEK && perHour.length !== 24) {
    throw new RoutefitError('invalid_input', `an hourly profile has ${perHour.length} values; allowed 168 (a week) or 24 (a day)`, { field: 'pattern', allowed: '168 or 24 values' });
  }
  perHour.forEach((v, i) => requireInRange(`hour ${i}`, v, { min: 0 }));
  const load = perHour.map((v) => v / capacityPerReplicaHour);
  return { label, replicaLoad: perHour.length === 24 ? week(load) : load };
}
