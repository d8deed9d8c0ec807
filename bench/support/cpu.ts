/**
 * CPU accounting around a measured run, to tell where the time goes and whether something else on the
 * machine was competing: CPU used by the server process, the database engine and this (load) process,
 * and how busy the whole machine was. Linux /proc for other processes; figures are absent elsewhere.
 */
import fs from 'node:fs';
import os from 'node:os';

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by a process, from /proc/PID/stat; undefined if unreadable. */
export function processCpuS(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S; // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

/** The process listening as an embedded engine on `port` (its command line names the port). */
export function findEnginePid(port: number): number | undefined {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const isEngine = cmdline.some((a) => /ferretdb|mongod/.test(a));
      if (isEngine && cmdline.some((a) => a === `127.0.0.1:${port}` || a.endsWith(`:${port}`) || a === String(port))) return Number(entry);
    } catch {
      // gone, or not ours to read
    }
  }
  return undefined;
}

/** Busy and total CPU seconds of the whole machine so far. */
function machineCpuS(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy: busy / 1000, total: total / 1000 };
}

export interface CpuSnapshot {
  at: number;
  server?: number;
  engine?: number;
  self: number;
  machine: { busy: number; total: number };
}

export function snapshot(pids: { server?: number; engine?: number }): CpuSnapshot {
  const self = process.cpuUsage();
  return {
    at: performance.now(),
    server: processCpuS(pids.server),
    engine: processCpuS(pids.engine),
    self: (self.user + self.system) / 1e6,
    machine: machineCpuS(),
  };
}

/** CPU use between two snapshots, in cores (1.0 = one core busy for the whole interval). */
export interface CpuUse {
  server?: number;
  engine?: number;
  loadGenerator: number;
  /** Everything else on the machine: other people's processes, the kernel's own work. */
  other?: number;
  machineBusyPct: number;
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const wall = (b.at - a.at) / 1000;
  const cores = (x?: number, y?: number): number | undefined => (x === undefined || y === undefined ? undefined : (y - x) / wall);
  const server = cores(a.server, b.server);
  const engine = cores(a.engine, b.engine);
  const loadGenerator = (b.self - a.self) / wall;
  const machineBusy = (b.machine.busy - a.machine.busy) / wall;
  const machineTotal = (b.machine.total - a.machine.total) / wall;
  const other = server === undefined || engine === undefined ? undefined : Math.max(0, machineBusy - server - engine - loadGenerator);
  return { server, engine, loadGenerator, other, machineBusyPct: (100 * machineBusy) / machineTotal };
}

/**
 * Waits (at most `maxS` seconds) until the machine is nearly idle — under `busyPct` busy over a 2 s
 * window — so that a run does not start in the middle of someone else's build. Returns the last busy
 * figure and how long it waited; the caller reports it either way.
 */
export async function waitForQuietMachine(maxS: number, busyPct = 25): Promise<{ busyPct: number; waitedS: number }> {
  const start = performance.now();
  for (;;) {
    const a = machineCpuS();
    await new Promise((r) => setTimeout(r, 2000));
    const b = machineCpuS();
    const busy = (100 * (b.busy - a.busy)) / (b.total - a.total);
    const waitedS = (performance.now() - start) / 1000;
    if (busy < busyPct || waitedS >= maxS) return { busyPct: busy, waitedS };
  }
}
