/**
 * `sentry run` as a user runs it: a child process of the current runtime
 * on the sample tree and on the fixture tree.
 */
import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { othersCanSearch } from "../sentry/cli/privileges.ts";
import { runtimeArgv } from "../sentry/sandbox.ts";
import { makeTree, removeTree } from "./fixture.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(repo, "sentry/cli/main.ts");
const SAMPLE = path.join(repo, "sample/rootfs");

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sentry(args: string[], input = ""): Result {
  const [cmd, pre] = runtimeArgv(CLI);
  const r = spawnSync(cmd, [...pre, ...args], {
    input, encoding: "utf8", timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const t = suite("cli");
let tree = "";
t.before(() => {
  tree = makeTree();
});
t.after(() => removeTree(tree));

t("cli: a command runs against the rootfs as /", () => {
  const r = sentry(["run", SAMPLE, "--", "cat", "/etc/hostname"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "sample\n");
});

t("cli: sh -c with pipes, symlinks and /dev/null", () => {
  const r = sentry(["run", SAMPLE, "--", "sh", "-c",
    "readlink /bin; cat /bin/hello | head -1; echo gone > /dev/null; " +
    "ls /usr/share/doc/sample/shortcut"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "usr/bin\n#!/bin/bash\ndeep.txt\n");
});

t("cli: with no command the script comes from stdin", () => {
  const r = sentry(["run", SAMPLE], "cd /etc\npwd\ncat hostname\n");
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "/etc\nsample\n");
});

t("cli: the exit status is the command's", () => {
  assert.is(sentry(["run", SAMPLE, "--", "sh", "-c", "exit 7"]).status, 7);
  assert.is(sentry(["run", SAMPLE, "--", "false"]).status, 1);
});

t("cli: a missing file is ENOENT in the shell's words", () => {
  const r = sentry(["run", SAMPLE, "--", "cat", "/nope"]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /No such file or directory/);
});

t("cli: writes fail with read-only file system", () => {
  const r = sentry(["run", SAMPLE, "--", "sh", "-c",
    "mkdir /x; echo m=$?; touch /etc/hostname; echo t=$?; " +
    "rm /etc/motd; echo r=$?"]);
  assert.is(r.stdout, "m=1\nt=1\nr=1\n");
  assert.match(r.stderr, /read-only file system/i);
  assert.ok(!fs.existsSync(path.join(SAMPLE, "x")));
  assert.is(fs.readFileSync(path.join(SAMPLE, "etc/hostname"), "utf8"),
    "sample\n");
});

t("cli: mkdir -p fails as coreutils' does on a read-only tree", () => {
  const r = sentry(["run", SAMPLE, "--", "sh", "-c",
    "mkdir -p /etc; echo a=$?; mkdir -p /tmp/a/b; echo b=$?; " +
    "mkdir -p /etc/hostname/x; echo c=$?"]);
  assert.is(r.stdout, "a=0\nb=1\nc=1\n");
  const lines = r.stderr.trim().split("\n");
  assert.match(lines[0], /Read-only file system$/);
  assert.match(lines[1], /Not a directory$/);
  assert.ok(!fs.existsSync(path.join(SAMPLE, "tmp/a")));
});

t("cli: a write's error reads as the shell's, path and all", () => {
  const r = sentry(["run", SAMPLE, "--", "sh", "-c",
    "touch /etc/motd; mkdir /x"]);
  assert.match(r.stderr, /touch: cannot touch '\/etc\/motd': Read-only file/);
  assert.match(r.stderr, /mkdir: cannot create directory '\/x': Read-only/);
  assert.not.match(r.stderr, /<path>|EROFS/);
});

t("cli: binary output comes out byte for byte", () => {
  const [cmd, pre] = runtimeArgv(CLI);
  for (const p of ["/usr/lib/data.bin", "/usr/bin/tool", "/etc/hostname"]) {
    const r = spawnSync(cmd, [...pre, "run", tree, "--", "cat", p], {
      timeout: 30_000, maxBuffer: 64 << 20,
    });
    assert.is(r.status, 0, String(r.stderr));
    assert.ok(r.stdout.equals(fs.readFileSync(path.join(tree, p))), p);
  }
  const r = sentry(["run", tree, "--", "cat", "/names/ünï cödé"]);
  assert.is(r.stdout, "2");
  const u = sentry(["run", SAMPLE, "--", "echo", "héllo €"]);
  assert.is(u.stdout, "héllo €\n");
});

t("cli: standard input is the command's", () => {
  const r = sentry(["run", SAMPLE, "--", "wc", "-l"], "a\nb\nc\n");
  assert.is(r.stdout.trim(), "3");
  const s = sentry(["run", SAMPLE, "--", "sh"], "echo from-stdin\n");
  assert.is(s.stdout, "from-stdin\n");
});

t("cli: a trailing slash on a file is not a directory", () => {
  const r = sentry(["run", SAMPLE, "--", "sh", "-c",
    "cat /etc/hostname/; echo c=$?; test -f /etc/hostname/ && echo f; " +
    "test -d /etc/ && echo d; ls -d /usr/share/"]);
  assert.is(r.stdout, "c=1\nd\n/usr/share/\n");
});

t("cli: an ELF binary on PATH is not run as a script", () => {
  const elf = path.join(tree, "usr/bin/elfprog");
  fs.writeFileSync(elf, Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
    Buffer.from("\0\0'\"(`{ unbalanced shell\n"),
  ]), { mode: 0o755 });
  try {
    const r = sentry(["run", tree, "--", "sh", "-c",
      "echo before; elfprog; echo s=$?; /usr/bin/elfprog; echo p=$?; " +
      "echo after"]);
    assert.is(r.stdout, "before\ns=127\np=126\nafter\n");
    assert.is(r.status, 0);
  } finally {
    fs.rmSync(elf);
  }
});

t("cli: a name that is not UTF-8 breaks no listing, with either gofer",
  () => {
    const dir = Buffer.from(path.join(tree, "names"));
    const bad = Buffer.concat([dir, Buffer.from([0x2f, 0x78, 0xff, 0xfe])]);
    fs.writeFileSync(bad, "bytes");
    try {
      const flags = ["--gofer=builtin", "--file-access=shared", "--gofer=diod"];
      for (const flag of flags) {
        const r = sentry(["run", flag, tree, "--", "sh", "-c",
          "ls /names; cat /etc/hostname"]);
        assert.is(r.status, 0, `${flag}: ${r.stderr}`);
        assert.match(r.stdout, /^sp ace$/m, flag);
        assert.match(r.stdout, /^sandbox$/m, flag);
        // Listed in every mode, under the name it decodes to.
        assert.match(r.stdout, /^x\uFFFD\uFFFD$/m, flag);
      }
    } finally {
      fs.rmSync(bad);
    }
  });

t("cli: built-ins run even where the rootfs has no binary for them", () => {
  // The fixture tree has no /usr/bin/wc or /usr/bin/sort.
  const r = sentry(["run", tree, "--", "sh", "-c",
    "ls /big-dir | sort -r | head -1; ls /big-dir | wc -l"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "f0999\n1000\n");
  assert.not.ok(fs.existsSync(path.join(tree, "usr/bin/wc")));
});

/** Every path below root, without following links. */
function listing(root: string, rel = ""): string[] {
  const out: string[] = [];
  for (const d of fs.readdirSync(path.join(root, rel), {
    withFileTypes: true,
  })) {
    const p = `${rel}/${d.name}`;
    out.push(p);
    if (d.isDirectory()) out.push(...listing(root, p));
  }
  return out;
}

t("cli: nothing is written into the rootfs", () => {
  const before = listing(tree);
  const r = sentry(["run", tree, "--", "sh", "-c", "ls /usr/bin; cat /bin/x"]);
  assert.is(r.status, 1);
  assert.equal(listing(tree), before);
});

t("cli: --stats prints the requests by type", () => {
  const r = sentry(["run", "--stats", SAMPLE, "--", "cat", "/etc/motd"]);
  assert.is(r.status, 0);
  assert.match(r.stderr, /sentry: stats: \d+ requests: .*TXlopen=1/);
});

t("cli: shared mode, diod, and no donation or spinning agree", () => {
  const script = "find /usr -type f | sort; cat /etc/os-release";
  const want = sentry(["run", SAMPLE, "--", "sh", "-c", script]);
  for (const flag of ["--file-access=shared", "--gofer=diod",
    "--no-donate", "--no-spin"]) {
    const r = sentry(["run", flag, SAMPLE, "--", "sh", "-c", script]);
    assert.is(r.status, 0, `${flag}: ${r.stderr}`);
    assert.is(r.stdout, want.stdout, flag);
  }
});

t("cli: usage errors give status 2 and one line", () => {
  const r = sentry(["run", "--bogus", SAMPLE]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /^sentry: unknown flag '--bogus'/);
  assert.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.is(sentry(["run", "--file-access=sometimes", SAMPLE]).status, 2);
  assert.is(sentry(["run"]).status, 2);
});

t("cli: a flag's value may be the next word", () => {
  const r = sentry(["run", "--file-access", "shared", "--stats", SAMPLE,
    "--", "cat", "/etc/hostname"]);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "sample\n");
  const bad = sentry(["run", "--file-access", "--stats", SAMPLE]);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--file-access takes exclusive or shared/);
});

t("cli: a missing or non-directory ROOTFS gives status 3", () => {
  const r = sentry(["run", "/nonexistent-root", "--", "true"]);
  assert.is(r.status, 3);
  assert.is(r.stderr.trim().split("\n").length, 1);
  const file = path.join(tree, "etc/hostname");
  assert.is(sentry(["run", file, "--", "true"]).status, 3);
});

t("cli: --help and --version", () => {
  const h = sentry(["--help"]);
  assert.is(h.status, 0);
  assert.match(h.stdout, /--file-access/);
  assert.match(sentry(["--version"]).stdout, /^sentry \d+\.\d+\.\d+\n$/);
});

t("cli: a gofer that dies gives status 4 and one line", async () => {
  const [cmd, pre] = runtimeArgv(CLI);
  const child = spawn(cmd, [...pre, "run", tree, "--", "sh", "-c",
    "cat /etc/hostname; sleep 5; cat /etc/os-release; echo after"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  // Find the gofer: the child of the sentry serving this tree.
  // The shell prints only at the end; give the gofer time to be serving
  // (the command sleeps for 5 s after its first read).
  const gofer = await waitFor(() => goferOf(tree), 10_000);
  await new Promise((r) => setTimeout(r, 2000));
  process.kill(gofer, "SIGKILL");
  const status = await new Promise<number | null>((r) =>
    child.on("exit", (c) => r(c)));
  assert.is(status, 4, err);
  assert.match(err, /^sentry: error: the gofer died: [^\n]*\n$/, err);
  assert.not.match(out, /PRETTY_NAME|after/);
  // The script stopped: nothing ran on against a filesystem that is gone.
  assert.not.match(err, /No such file|not found/, err);
});

t("cli: out of fds at start-up, it ends, leaving no gofer behind", () => {
  // Each limit runs out at another point of start-up (loading the shell,
  // starting the gofer, the first requests), or not at all.
  const root = makeTree();
  try {
    const [cmd, pre] = runtimeArgv(CLI);
    const line = [cmd, ...pre, "run", root, "--", "true"]
      .map((a) => `'${a}'`).join(" ");
    for (let n = 28; n <= 44; n += 4) {
      const r = spawnSync("bash", ["-c", `ulimit -n ${n}; exec ${line}`], {
        encoding: "utf8", timeout: 30_000,
      });
      assert.ok(r.status !== null, `ulimit -n ${n}: still running`);
      // (tsx, loading lazily, may add its own EMFILE trace after ours.)
      if (r.status === 5) {
        assert.match(r.stderr, /^sentry: error: EMFILE/m, r.stderr);
      }
      assert.is(goferOf(root), null, `ulimit -n ${n}: a gofer is left`);
    }
  } finally {
    removeTree(root);
  }
});

t("cli: privileges are kept only where nobody could not load the shell",
  () => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), "sentry-priv-"));
    const dir = path.join(top, "repo/node_modules/x");
    fs.mkdirSync(dir, { recursive: true });
    try {
      fs.chmodSync(top, 0o755);
      assert.ok(othersCanSearch(dir), "a world-readable checkout");
      fs.chmodSync(top, 0o700);
      assert.not.ok(othersCanSearch(dir), "a checkout in a private dir");
      fs.chmodSync(top, 0o711);
      assert.ok(othersCanSearch(dir), "searchable, not listable, above");
      fs.chmodSync(dir, 0o711);
      assert.not.ok(othersCanSearch(dir), "the modules' dir unreadable");
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

function goferOf(root: string): number | null {
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0");
      const gofer = /gofer\/main\.ts$|dist\/gofer\.mjs$/;
      if (argv.some((a) => gofer.test(a)) &&
        argv.includes(root)) return Number(pid);
    } catch {
      // gone
    }
  }
  return null;
}

async function waitFor<T>(fn: () => T | null, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.run();
