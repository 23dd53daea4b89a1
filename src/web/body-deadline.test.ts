// A request's body must arrive by its deadline (src/web/server.ts): a client trickling a body a
// byte at a time is answered 408 and cut off, with or without Content-Length, while a body that
// arrived in time is never cut off however long the answer takes. A real server on an ephemeral
// port and raw sockets, with a deadline shortened through the server's options.
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { tempStore } from "../../test/fixtures.ts";
import { bodyDeadlineMs, buildServer } from "./server.ts";

let s: Awaited<ReturnType<typeof tempStore>>;
before(async () => {
  s = await tempStore();
});
after(async () => {
  await s.cleanup();
});

/** 300 ms, plus 1 ms a kilobyte. */
const DEADLINE = { baseMs: 300, bytesPerSecond: 1024 * 1024 };

async function listening(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: "127.0.0.1" });
  const a = app.server.address();
  if (!a || typeof a === "string") throw new Error("no port");
  return a.port;
}

/** Send `head`, then `trickle` a byte every 100 ms until the server answers or closes; what it answered, and after how long. */
function trickle(port: number, head: string, trickleByte: string): Promise<{ reply: string; ms: number; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, "127.0.0.1");
    let reply = "";
    let timer: NodeJS.Timeout | undefined;
    const give = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve({ reply, ms: Date.now() - started, closed: false });
    }, 5000);
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write(trickleByte);
      }, 100);
    });
    socket.on("data", (d) => {
      reply += d.toString("latin1");
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(give);
      resolve({ reply, ms: Date.now() - started, closed: true });
    });
    socket.on("timeout", reject);
  });
}

test("the deadline is the base time plus the body's length at the minimum rate", () => {
  assert.equal(bodyDeadlineMs(0, { baseMs: 30_000, bytesPerSecond: 256 * 1024 }), 30_000);
  assert.equal(bodyDeadlineMs(256 * 1024 * 60, { baseMs: 30_000, bytesPerSecond: 256 * 1024 }), 90_000);
});

test("POST /sign-in trickled a byte at a time is answered 408 and cut off, with Content-Length or chunked", async () => {
  const app = await buildServer({ store: s.store, dataDir: s.dataDir, auth: { secureCookies: false }, bodyDeadline: DEADLINE });
  try {
    assert.equal(app.server.headersTimeout, 60_000, "headers still have Node's 60 s");
    const port = await listening(app);
    const withLength = await trickle(port, "POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\nu", "x");
    assert.match(withLength.reply, /^HTTP\/1\.1 408 /);
    assert.ok(withLength.closed, "the connection is closed");
    // 300 ms and 10 KB at 1 MB/s: about 310 ms.
    assert.ok(withLength.ms >= 300 && withLength.ms < 2000, `${withLength.ms} ms`);
    // No length: the route's body limit (sign-in's is small) at the same rate.
    const chunked = await trickle(port, "POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n", "1\r\nx\r\n");
    assert.match(chunked.reply, /^HTTP\/1\.1 408 /);
    assert.ok(chunked.closed && chunked.ms >= 300 && chunked.ms < 2000, `${chunked.ms} ms`);
  } finally {
    await app.close();
  }
});

test("a body that arrived in time is not cut off, however long the answer takes", async () => {
  const app = await buildServer({ store: s.store, dataDir: s.dataDir, authenticate: () => null, csrfToken: () => "t", bodyDeadline: DEADLINE });
  // Standing in for a long import or a PDF rendered once the body is in.
  app.post("/slow", async () => {
    await sleep(1000);
    return "done";
  });
  try {
    const port = await listening(app);
    const res = await fetch(`http://127.0.0.1:${port}/slow`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "_csrf=t&x=1" });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "done");
  } finally {
    await app.close();
  }
});
