/**
 * What counts as this machine: the one loopback rule of the service, shared by the packaging
 * checks (config/stages.cjs) and the code (the webhook's plain-http exception, the home page's
 * local address). 127.0.0.0/8, [::1] (also as an IPv4-mapped 127.x address), localhost and its
 * subdomains, as the URL parser writes them.
 */

/** @param {string} hostname a URL's hostname: lower case, IPv6 in brackets */
function isLoopback(hostname) {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host) ||
    /^\[::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}\]$/.test(host)
  );
}

/**
 * A Host header ("127.0.0.1:3000", "[::1]:3000", "localhost") naming this machine, with a port
 * or none.
 * @param {string} host
 */
function isLoopbackHost(host) {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return match !== null && (match[2] === undefined || Number(match[2]) <= 65535) && isLoopback(match[1]);
}

module.exports = { isLoopback, isLoopbackHost };
