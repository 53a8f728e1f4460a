// Preloaded into the CLI (NODE_OPTIONS=--import) by the fault tests: the first DNS_FAILURES
// lookups of DNS_FAIL_HOST fail with ENOTFOUND, as a flaky resolver would; later ones resolve.
import dns from 'node:dns';

let left = Number(process.env.DNS_FAILURES ?? 0);
const host = process.env.DNS_FAIL_HOST ?? 'localhost';
const original = dns.lookup;
dns.lookup = function lookup(...args) {
  const [hostname, options, callback] = args;
  if (left > 0 && hostname === host) {
    left--;
    const done = typeof options === 'function' ? options : callback;
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
    process.nextTick(() => done(error));
    return {};
  }
  return original.apply(this, args);
};
