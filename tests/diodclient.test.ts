/**
 * Our gofer against an independent 9P2000.L client: diod's own diodcat
 * and diodls (Debian's diod package), which speak only TCP. Each
 * connection to a loopback listener gets a `gofer ROOT` of its own, its
 * bytes carried to and from the gofer's fd 3; what the clients print
 * must match the host tree.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runtimeArgv } from "../sentry/sandbox.ts";
import { makeTree, removeTree } from "./fixture.ts";

const GOFER_MAIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)), "../gofer/main.ts",
);
const DIODCAT = "/usr/sbin/diodcat";
const DIODLS = "/usr/sbin/diodls";

interface Ctx {
  root: string;
  server: net.Server;
  port: number;
  gofers: ChildProcess[];
}

const t = suite<Ctx>("diod's clients against our gofer");

t.before(async (c) => {
  c.root = makeTree();
  c.gofers = [];
  c.server = net.createServer((sock) => {
    const [cmd, args] = runtimeArgv(GOFER_MAIN);
    const g = spawn(cmd, [...args, c.root], {
      stdio: ["ignore", "ignore", "inherit", "pipe"],
    });
    c.gofers.push(g);
    // Bytes both ways between the client's TCP socket and the gofer's
    // fd 3 (Deno cannot hand a socket to a child as it is).
    const fd3 = g.stdio[3] as net.Socket;
    sock.pipe(fd3);
    fd3.pipe(sock);
    sock.on("error", () => g.kill());
    fd3.on("error", () => sock.destroy());
  });
  await new Promise<void>((r) => c.server.listen(0, "127.0.0.1", r));
  c.port = (c.server.address() as net.AddressInfo).port;
});

t.after(async (c) => {
  c.server?.close();
  for (const g of c.gofers ?? []) g.kill();
  removeTree(c.root);
});

/** client runs one of diod's clients against our gofer. */
function client(c: Ctx, bin: string, args: string[]) {
  return new Promise<{ code: number; out: string; err: string }>(
    (resolve) => {
      const opts = { encoding: "latin1" as const, timeout: 30_000,
        maxBuffer: 64 << 20 };
      execFile(bin, ["-s", `127.0.0.1:${c.port}`, "-a", "/", "-t", "20",
        ...args], opts,
        (e, out, err) => resolve({
          code: e ? (typeof e.code === "number" ? e.code : -1) : 0,
          out, err,
        }));
    },
  );
}

t("diodcat reads files through our gofer, byte for byte", async (c) => {
  for (const p of ["etc/hostname", "usr/lib/data.bin", "etc/empty"]) {
    const r = await client(c, DIODCAT, [p]);
    assert.is(r.code, 0, `${p}: ${r.err}`);
    const want = fs.readFileSync(path.join(c.root, p)).toString("latin1");
    assert.ok(r.out === want, `${p}: ${r.out.length} bytes, want ${
      want.length}`);
  }
});

t("diodls lists directories as the host does", async (c) => {
  for (const d of ["", "etc", "big-dir", "links"]) {
    const r = await client(c, DIODLS, [d || "/"]);
    assert.is(r.code, 0, `${d}: ${r.err}`);
    const got = r.out.split("\n").filter((n) => n && n !== "." &&
      n !== "..").sort();
    const want = fs.readdirSync(path.join(c.root, d)).sort();
    assert.equal(got, want, d);
  }
});

t("what the gofer refuses, diodcat cannot read", async (c) => {
  for (const p of ["links/up", "links/abs", "../etc/passwd", "dev-fifo"]) {
    const r = await client(c, DIODCAT, [p]);
    assert.is.not(r.code, 0, `${p}: read ${r.out.length} bytes`);
  }
});

t.run();
