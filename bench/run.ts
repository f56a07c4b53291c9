/**
 * npm run bench [-- --quick]: what revalidation costs, shared against
 * exclusive, against native fs and peers, measured in one run.
 *
 * Writes bench/results/latest.json, latest.md (the table) and
 * latest.svg (the chart). --quick runs every case briefly, to keep the
 * suite working, and writes quick.* instead; its figures mean little.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { OverlayFs } from "just-bash";
import { freshBundle } from "../bin/fresh.mjs";
import { openSandbox, runtimeArgv, type Sandbox } from "../sentry/sandbox.ts";
import type { Budget, Row, Task } from "./measure.ts";
import { measure } from "./measure.ts";
import { writeReport } from "./report.ts";
import { echoPeer } from "./echo.ts";
import {
  DEPTH,
  DIR_1000,
  FILE_1M,
  FILE_4K,
  makeBenchTree,
  realTree,
  repo,
} from "./tree.ts";

const quick = process.argv.includes("--quick");
const budget: Budget = quick
  ? { timeMs: 40, warmupMs: 10, minIterations: 3 }
  : { timeMs: 700, warmupMs: 150, minIterations: 20 };
const slow: Budget = quick
  ? { timeMs: 1, warmupMs: 0, minIterations: 1 }
  : { timeMs: 3000, warmupMs: 0, minIterations: 5 };

const NATIVE = "node:fs/promises";
const EX = "sentry exclusive";
const SH = "sentry shared";
const DIOD = "sentry shared (diod)";
const SHN = "sentry shared, no spin";

const rows: Row[] = [];
const log = (s: string) => process.stderr.write(s + "\n");

const tree = makeBenchTree();
const real = realTree();
const host = (p: string) => path.join(tree, p);

const ex = await openSandbox({ root: tree, fileAccess: "exclusive" });
const sh = await openSandbox({ root: tree, fileAccess: "shared" });
const dd = await openSandbox({ root: tree, fileAccess: "shared",
  gofer: "diod" });
const shn = await openSandbox({ root: tree, fileAccess: "shared",
  spin: false });
const sentries: [string, Sandbox][] = [[EX, ex], [SH, sh], [DIOD, dd]];

function perSentry(fn: (sb: Sandbox) => () => Promise<unknown>): Task[] {
  return sentries.map(([subject, sb]) => ({
    subject, fn: fn(sb), requests: () => sb.requestCount(),
  }));
}

async function group(name: string, baseline: string, tasks: Task[],
  b = budget) {
  log(`bench: ${name}`);
  rows.push(...await measure(name, baseline, tasks, b));
}

try {
  // Warm each sandbox's cache with everything the cases touch.
  for (const [, sb] of [...sentries, [SHN, shn] as const]) {
    for (const p of Object.values(DEPTH)) await sb.fs.stat(p);
    await sb.fs.readdir(DIR_1000, { withFileTypes: true });
  }

  for (const depth of [1, 4, 8]) {
    const p = DEPTH[depth];
    await group(`stat, depth ${depth}`, NATIVE, [
      { subject: "node:fs statSync", fn: () => fs.statSync(host(p)) },
      { subject: NATIVE, fn: () => fsp.stat(host(p)) },
      ...perSentry((sb) => () => sb.fs.stat(p)),
      { subject: SHN, fn: () => shn.fs.stat(p),
        requests: () => shn.requestCount() },
    ]);
  }

  const buf = Buffer.alloc(4096);
  await group("open, read 4 KiB, close", NATIVE, [
    { subject: NATIVE, fn: async () => {
      const h = await fsp.open(host(FILE_4K));
      await h.read(buf, 0, 4096, 0);
      await h.close();
    } },
    ...perSentry((sb) => async () => {
      const h = await sb.fs.open(FILE_4K);
      await h.read(buf, 0, 4096, 0);
      await h.close();
    }),
  ]);

  await group("readFile 1 MiB", NATIVE, [
    { subject: NATIVE, fn: () => fsp.readFile(host(FILE_1M)) },
    ...perSentry((sb) => () => sb.fs.readFile(FILE_1M)),
  ]);

  await group("readdir 1000 entries, with types", NATIVE, [
    { subject: NATIVE,
      fn: () => fsp.readdir(host(DIR_1000), { withFileTypes: true }) },
    ...perSentry((sb) => () =>
      sb.fs.readdir(DIR_1000, { withFileTypes: true })),
  ]);

  await coldWarm();
  await walks();
  await processes();
  await transport();
} finally {
  for (const [, sb] of sentries) await sb.close();
  await shn.close();
  fs.rmSync(tree, { recursive: true, force: true });
}

/** The first and the second stat of 1000 distinct files. */
async function coldWarm() {
  const names = fs.readdirSync(host(DIR_1000)).map((n) => `${DIR_1000}/${n}`);
  let fresh: Sandbox | null = null;
  const renew = async () => {
    await fresh?.close();
    fresh = await openSandbox({ root: tree });
  };
  await group("stat 1000 distinct files: cold, then warm", NATIVE, [
    { subject: NATIVE, fn: () => Promise.all(names.map((n) => fsp.stat(
      host(n)))) },
    { subject: `${EX}, cold`, beforeEach: renew,
      requests: () => fresh?.requestCount() ?? 0,
      fn: () => Promise.all(names.map((n) => fresh!.fs.stat(n))) },
    { subject: `${EX}, warm`, requests: () => ex.requestCount(),
      fn: () => Promise.all(names.map((n) => ex.fs.stat(n))) },
    { subject: SH, requests: () => sh.requestCount(),
      fn: () => Promise.all(names.map((n) => sh.fs.stat(n))) },
  ], slow);
  await (fresh as Sandbox | null)?.close();
}

/** A whole-tree walk: readdir with types, lstat of every entry. */
async function walks() {
  interface WalkFs {
    readdir(p: string): Promise<{ name: string; dir: boolean }[]>;
    lstat(p: string): Promise<unknown>;
  }
  const walk = async (w: WalkFs, dir: string): Promise<number> => {
    let n = 0;
    for (const e of await w.readdir(dir)) {
      const p = dir === "/" ? `/${e.name}` : `${dir}/${e.name}`;
      if (p === "/proc" || p === "/dev" || p === "/sys") continue;
      await w.lstat(p);
      n++;
      if (e.dir) n += await walk(w, p);
    }
    return n;
  };
  const nodeFs: WalkFs = {
    readdir: async (p) => (await fsp.readdir(path.join(real.root, p),
      { withFileTypes: true })).map((d) => ({ name: d.name,
      dir: d.isDirectory() })),
    lstat: (p) => fsp.lstat(path.join(real.root, p)),
  };
  const overlay = (o: OverlayFs): WalkFs => ({
    readdir: async (p) => (await o.readdirWithFileTypes(p)).map((d) => ({
      name: d.name, dir: d.isDirectory })),
    lstat: (p) => o.lstat(p),
  });
  const sandboxFs = (sb: Sandbox): WalkFs => ({
    readdir: async (p) => (await sb.fs.readdir(p, { withFileTypes: true }))
      .map((d) => ({ name: d.name, dir: d.isDirectory() })),
    lstat: (p) => sb.fs.lstat(p),
  });
  const overlayOpts = { root: real.root, mountPoint: "/", readOnly: true };
  const warmOverlay = new OverlayFs(overlayOpts);
  const rex = await openSandbox({ root: real.root });
  const rsh = await openSandbox({ root: real.root, fileAccess: "shared" });
  let cold: Sandbox | null = null;
  let coldOverlay = warmOverlay;
  try {
    await walk(sandboxFs(rex), "/");
    await walk(overlay(warmOverlay), "/");
    await group(`walk of the ${real.kind} tree`, NATIVE, [
      { subject: NATIVE, fn: () => walk(nodeFs, "/") },
      { subject: "just-bash OverlayFs, cold",
        beforeEach: () => (coldOverlay = new OverlayFs(overlayOpts)),
        fn: () => walk(overlay(coldOverlay), "/") },
      { subject: "just-bash OverlayFs, warm",
        fn: () => walk(overlay(warmOverlay), "/") },
      { subject: `${EX}, cold`,
        beforeEach: async () => {
          await cold?.close();
          cold = await openSandbox({ root: real.root });
        },
        requests: () => cold?.requestCount() ?? 0,
        fn: () => walk(sandboxFs(cold!), "/") },
      { subject: `${EX}, warm`, requests: () => rex.requestCount(),
        fn: () => walk(sandboxFs(rex), "/") },
      { subject: SH, requests: () => rsh.requestCount(),
        fn: () => walk(sandboxFs(rsh), "/") },
    ], slow);
  } finally {
    await (cold as Sandbox | null)?.close();
    await rex.close();
    await rsh.close();
  }
}

/** Whole processes: the CLI as a user runs it. */
async function processes() {
  const [cmd, pre] = runtimeArgv(path.join(repo, "sentry/cli/main.ts"));
  // What `npx sentry` runs: the bundle while it is current.
  const bundle = "Deno" in globalThis ? null : freshBundle("sentry");
  const node = bundle
    ? [process.execPath, [bundle]] as const
    : [cmd, pre] as const;
  const run = (args: string[]) => () => {
    const r = spawnSync(node[0], [...node[1], "run", ...args], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`sentry ${args}: ${r.stderr}`);
  };
  const find = "find / -type f | wc -l";
  const native = (script: string) => () => {
    const r = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  await group(`sentry run: find / -type f | wc -l (${real.kind})`,
    "host /bin/sh", [
      { subject: "host /bin/sh",
        fn: native(`find ${real.root} -type f | wc -l`) },
      { subject: EX, fn: run([real.root, "--", "sh", "-c", find]) },
      { subject: SH,
        fn: run(["--file-access=shared", real.root, "--", "sh", "-c", find]) },
    ], slow);
  await group("sentry run: true (start-up)", "host /bin/sh", [
    { subject: "host /bin/sh", fn: native("true") },
    { subject: EX, fn: run([real.root, "--", "true"]) },
  ], slow);
}

/** The transport floor: one 9P round trip against a plain echo. */
async function transport() {
  const echo = await echoPeer();
  try {
    await group("transport floor: one round trip", "socketpair echo", [
      { subject: "socketpair echo", fn: () => echo.roundTrip() },
      { subject: "9P Tgetattr (ours)", requests: () => ex.requestCount(),
        fn: () => ex.roundTrip() },
      { subject: "9P Tgetattr (ours, no spin)",
        requests: () => shn.requestCount(), fn: () => shn.roundTrip() },
      { subject: "9P Tgetattr (diod)", requests: () => dd.requestCount(),
        fn: () => dd.roundTrip() },
    ]);
  } finally {
    echo.close();
  }
}

const meta = {
  date: new Date().toISOString(),
  runtime: "Deno" in globalThis
    ? `deno ${(globalThis as unknown as { Deno: { version: { deno: string } } })
      .Deno.version.deno}`
    : `node ${process.version}`,
  tree: `${real.kind} (${real.root})`,
  quick,
};
const name = writeReport(rows, meta, path.join(repo, "bench/results"));
log(`bench: wrote bench/results/${name}.{json,md,svg} (${rows.length} rows)`);
process.exit(0);
