/**
 * End to end on a real Debian tree (debootstrap, minbase): every path,
 * every symlink target and the checksum of every regular file, outside
 * /dev and /proc, taken through `sentry run` (a separate process running
 * the CLI, which starts its own gofer) and through the library, match the
 * same walk done on the host. In both file-access modes, and with diod
 * as the gofer.
 *
 * The tree is SANDBOX_ROOTFS, else ./rootfs; when neither exists it is
 * built with scripts/build-debian-rootfs.sh (root and network needed).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { openSandbox, runtimeArgv } from "../sentry/sandbox.ts";
import type { SandboxFs } from "../sentry/api/fs.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ROOTFS = process.env.SANDBOX_ROOTFS ?? path.join(repo, "rootfs");
const CLI = path.join(repo, "sentry/cli/main.ts");
const PRUNE = "-path /dev -prune -o -path /proc -prune -o";

function ensureRootfs(): void {
  if (fs.existsSync(path.join(ROOTFS, "etc/os-release"))) return;
  execFileSync("bash", [
    path.join(repo, "scripts/build-debian-rootfs.sh"), ROOTFS,
  ], { stdio: "inherit" });
}

interface Walk {
  paths: string[];
  links: string[];
  sums: string[];
}

const sortC = (a: string[]) =>
  a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The oracle: the host tree walked with node:fs, never following links. */
function hostWalk(root: string): Walk {
  const w: Walk = { paths: ["/"], links: [], sums: [] };
  const visit = (rel: string) => {
    for (const d of fs.readdirSync(path.join(root, rel), {
      withFileTypes: true,
    })) {
      const p = `${rel}/${d.name}`;
      if (p === "/dev" || p === "/proc") continue;
      w.paths.push(p);
      const full = path.join(root, p);
      if (d.isSymbolicLink()) {
        w.links.push(`${p} -> ${fs.readlinkSync(full)}`);
      } else if (d.isDirectory()) {
        visit(p);
      } else if (d.isFile()) {
        w.sums.push(`${sha(fs.readFileSync(full))}  ${p}`);
      }
    }
  };
  visit("");
  return { paths: sortC(w.paths), links: sortC(w.links), sums: sortC(w.sums) };
}

/** The same walk through the library's fs API. */
async function libraryWalk(fsApi: SandboxFs): Promise<Walk> {
  const w: Walk = { paths: ["/"], links: [], sums: [] };
  const visit = async (dir: string) => {
    const ents = await fsApi.readdir(dir || "/", { withFileTypes: true });
    for (const d of ents) {
      const p = `${dir}/${d.name}`;
      if (p === "/dev" || p === "/proc") continue;
      w.paths.push(p);
      if (d.isSymbolicLink()) {
        w.links.push(`${p} -> ${await fsApi.readlink(p)}`);
      } else if (d.isDirectory()) {
        await visit(p);
      } else if (d.isFile()) {
        w.sums.push(`${sha(await fsApi.readFile(p))}  ${p}`);
      }
    }
  };
  await visit("");
  return { paths: sortC(w.paths), links: sortC(w.links), sums: sortC(w.sums) };
}

/** sentry runs the CLI in a child process and gives its stdout. */
function sentry(flags: string[], script: string): Promise<string> {
  const [cmd, args] = runtimeArgv(CLI);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...args, "run", ...flags, ROOTFS], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`sentry exited ${code}: ${err.slice(0, 500)}`));
    });
    child.stdin.end(script);
  });
}

const lines = (s: string) => sortC(s.split("\n").filter((l) => l !== ""));

/** The same walk through `sentry run`: find, a readlink loop, sha256sum. */
async function cliWalk(flags: string[]): Promise<Walk> {
  const paths = await sentry(flags, `find / ${PRUNE} -print`);
  const links = await sentry(flags, `find / ${PRUNE} -print |
    while IFS= read -r p; do
      if [ -L "$p" ]; then echo "$p -> $(readlink "$p")"; fi
    done`);
  const sums = await sentry(flags,
    `find / ${PRUNE} -type f -exec sha256sum {} +`);
  return { paths: lines(paths), links: lines(links), sums: lines(sums) };
}

function same(got: string[], want: string[], what: string): void {
  const g = new Set(got);
  const w = new Set(want);
  const missing = want.filter((x) => !g.has(x)).slice(0, 5);
  const extra = got.filter((x) => !w.has(x)).slice(0, 5);
  assert.ok(
    missing.length === 0 && extra.length === 0 && got.length === want.length,
    `${what}: got ${got.length}, want ${want.length}; ` +
      `missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}`,
  );
}

const t = suite("e2e: Debian rootfs");
let host: Walk;

t.before(() => {
  ensureRootfs();
  host = hostWalk(ROOTFS);
  assert.ok(host.sums.length > 1000, "the tree should be a real Debian");
  assert.ok(host.links.length > 10);
});

const configs: { name: string; flags: string[];
  opts: Parameters<typeof openSandbox>[0] }[] = [
  { name: "exclusive", flags: [],
    opts: { root: ROOTFS, fileAccess: "exclusive" } },
  { name: "shared", flags: ["--file-access=shared"],
    opts: { root: ROOTFS, fileAccess: "shared" } },
  { name: "diod", flags: ["--gofer=diod"],
    opts: { root: ROOTFS, gofer: "diod" } },
];

for (const c of configs) {
  t(`sentry run (${c.name}): paths, link targets and checksums match`,
    async () => {
      const w = await cliWalk(c.flags);
      same(w.paths, host.paths, "paths");
      same(w.links, host.links, "symlink targets");
      same(w.sums, host.sums, "checksums");
    });

  t(`library (${c.name}): paths, link targets and checksums match`,
    async () => {
      const sb = await openSandbox(c.opts);
      try {
        const w = await libraryWalk(sb.fs);
        same(w.paths, host.paths, "paths");
        same(w.links, host.links, "symlink targets");
        same(w.sums, host.sums, "checksums");
      } finally {
        await sb.close();
      }
    });
}

t.run();
