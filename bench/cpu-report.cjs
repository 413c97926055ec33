// Preloaded into each process bench/startup.mjs starts: writes the process's own CPU time at exit.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const u = process.cpuUsage();
  writeFileSync(process.env.ROUTEFIT_CPU_REPORT, String((u.user + u.system) / 1000));
});
