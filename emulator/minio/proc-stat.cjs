'use strict';
/**
 * A process as /proc/<pid>/stat describes it: its state (field 3; `Z` for a zombie), its parent
 * (field 4) and when it started (field 22, in clock ticks since boot). A pid and its start time name one process for
 * good: a pid the system reuses comes with a later start time. Shared by the supervisor (which
 * reads the server's right after spawning it) and the watchdog (which signals only that process).
 *
 * Plain CommonJS, like watchdog.cjs, which runs under `node` as-is; the build copies both.
 * Undefined where there is no procfs (not Linux) or no such process.
 */
const { readFileSync } = require('node:fs');

exports.statOf = (pid) => {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], parentPid: Number(fields[1]), startTime: fields[19] };
  } catch {
    return undefined;
  }
};
