/**
 * @module
 * A loopback load client, run as a second process by bench/run.ts so the server's event loop is
 * not shared with the load: C connections (keep-alive) each request the URL back to back for D
 * seconds. Prints one JSON line: requests, errors, requests per second and p50/p95/p99 latency in
 * milliseconds. It refuses any address outside the loopback range.
 *   node bench/load-client.ts URL CONNECTIONS SECONDS [HEADER=VALUE]...
 */

import http from "node:http";

const [url, c = "50", d = "10", ...headerArgs] = process.argv.slice(2);
if (!url) throw new Error("usage: load-client.ts URL CONNECTIONS SECONDS");
const target = new URL(url);
if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(target.hostname)) throw new Error(`${target.hostname} is not a loopback address`);
const connections = Number(c);
const until = performance.now() + Number(d) * 1000;
const headers = Object.fromEntries(headerArgs.map((h) => [h.slice(0, h.indexOf("=")), h.slice(h.indexOf("=") + 1)]));
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const latencies: number[] = [];
let errors = 0;

function once(): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get(target, { agent, headers }, (res) => {
      res.on("data", () => {});
      res.on("end", () => {
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else errors++;
        resolve();
      });
    });
    req.on("error", () => {
      errors++;
      resolve();
    });
  });
}

const started = performance.now();
await Promise.all(
  Array.from({ length: connections }, async () => {
    while (performance.now() < until) await once();
  }),
);
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? null;
console.log(JSON.stringify({ requests: latencies.length, errors, rps: latencies.length / elapsed, p50: q(0.5), p95: q(0.95), p99: q(0.99) }));
