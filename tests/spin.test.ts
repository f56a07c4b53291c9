/**
 * Spinning for replies and requests (shared/spin.ts): where the runtime
 * allows it our gofer announces it, and a sandbox that spins gives the
 * same answers as one that does not, for requests one at a time and many
 * at once, and for replies far larger than one read of the socket.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CAN_SPIN, spinRecv } from "../shared/spin.ts";
import * as sys from "../shared/sys/libc.ts";
import { openSandbox, type Sandbox } from "../sentry/sandbox.ts";
import { bytes, DEEP, makeTree, removeTree } from "./fixture.ts";

interface Ctx {
  root: string;
}

const t = suite<Ctx>("spin");
const MANY = 600;
const BIG = 3 * 1024 * 1024 + 17;

t.before((c) => {
  c.root = makeTree();
  const many = path.join(c.root, "many");
  fs.mkdirSync(many);
  for (let i = 0; i < MANY; i++) {
    fs.writeFileSync(path.join(many, `file-${i}`), String(i));
  }
  fs.writeFileSync(path.join(c.root, "big.bin"), bytes(BIG, 7));
});

t.after((c) => removeTree(c.root));

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** answers runs a fixed mix of operations and gives what they gave. */
async function answers(sb: Sandbox): Promise<string[]> {
  const out: string[] = [];
  const names = await sb.fs.readdir("/many");
  out.push(String(names.length));
  for (let i = 0; i < 50; i++) {
    const st = await sb.fs.stat(DEEP);
    out.push(`${st.ino} ${st.size}`);
    out.push(await sb.fs.readFile(`/many/file-${i}`, "utf8"));
  }
  const all = await Promise.all(
    names.map(async (n) => (await sb.fs.stat(`/many/${n}`)).size),
  );
  out.push(all.join(","));
  const errs = await Promise.all(
    [1, 2, 3].map((i) => sb.fs.stat(`/many/nope-${i}`).catch((e) => e.code)),
  );
  out.push(errs.join(","));
  out.push(sha(await sb.fs.readFile("/big.bin")));
  return out;
}

t("spinRecv gives each read its own copy, empty at end, null on time",
  () => {
    const [a, b] = sys.socketpair(sys.SOCK_STREAM);
    let open = true;
    try {
      const buf = new Uint8Array(8);
      assert.is(spinRecv(a, buf, 50), null, "nothing sent yet");
      sys.write(b, new TextEncoder().encode("first"));
      const one = spinRecv(a, buf, 1000);
      sys.write(b, new TextEncoder().encode("SECOND"));
      const two = spinRecv(a, buf, 1000);
      assert.is(new TextDecoder().decode(one!), "first");
      assert.is(new TextDecoder().decode(two!), "SECOND");
      sys.close(b);
      open = false;
      assert.is(spinRecv(a, buf, 1000)?.length, 0, "end of stream");
    } finally {
      sys.close(a);
      if (open) sys.close(b);
    }
  });

for (const fileAccess of ["exclusive", "shared"] as const) {
  for (const donateFds of [true, false]) {
    const how = `${fileAccess}${donateFds ? "" : ", Tread"}`;
    t(`${how}: spinning gives the same answers as waiting`, async (c) => {
      const want = sha(bytes(BIG, 7));
      const results: string[][] = [];
      for (const spin of [true, false]) {
        const sb = await openSandbox({
          root: c.root, fileAccess, donateFds, spin,
        });
        try {
          assert.is(sb.caps.includes("spin"), spin && CAN_SPIN,
            `caps ${sb.caps} with spin ${spin}`);
          const got = await answers(sb);
          assert.is(got[got.length - 1], want, "big file checksum");
          results.push(got);
        } finally {
          await sb.close();
        }
      }
      assert.equal(results[0], results[1]);
    });
  }
}

t("a gofer killed while a request spins fails it, and later ones",
  async (c) => {
    const sb = await openSandbox({ root: c.root, fileAccess: "shared" });
    try {
      await sb.fs.stat(DEEP);
      process.kill(sb.goferPid!, "SIGKILL");
      const first = await sb.fs.stat(DEEP).then(() => "ok", (e) => e.code);
      assert.ok(first === "EIO" || first === "ok", `first: ${first}`);
      await new Promise((r) => setTimeout(r, 200));
      const later = await sb.fs.stat(DEEP).then(() => "ok", (e) => e.code);
      assert.is(later, "EIO");
    } finally {
      await sb.close();
    }
  });

t("every request settles when the gofer dies or the sandbox closes, " +
  "queued ones too", async (c) => {
  // 600 at once is past the 64 the client keeps on the wire.
  const names = (await fs.promises.readdir(path.join(c.root, "many")))
    .map((n) => `/many/${n}`);
  const settle = (ps: Promise<unknown>[]) => {
    let n = 0;
    for (const p of ps) p.then(() => n++, () => n++);
    return () => n;
  };
  const wait = () => new Promise((r) => setTimeout(r, 1000));

  const a = await openSandbox({ root: c.root, fileAccess: "shared" });
  const reads = settle(names.map((n) => a.fs.readFile(n)));
  process.kill(a.goferPid!, "SIGKILL");
  await wait();
  assert.is(reads(), names.length, "after the gofer died");
  await a.close();

  const b = await openSandbox({ root: c.root });
  const stats = settle(names.map((n) => b.fs.stat(n)));
  await b.close();
  await wait();
  assert.is(stats(), names.length, "after close()");
});

t.run();
