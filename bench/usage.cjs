// Preloaded (NODE_OPTIONS=--require) into every process the bench times: on exit, its CPU time
// and peak memory go to file descriptor 3, which the bench reads; stdout and stderr are untouched.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  const { maxRSS } = process.resourceUsage();
  try {
    require('node:fs').writeSync(3, `${(user + system) / 1000} ${maxRSS}\n`);
  } catch {
    // Not run by the bench (no descriptor 3): nothing to report to.
  }
});
