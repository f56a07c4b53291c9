/**
 * A small real tree for tests: nested directories, relative and absolute
 * symlinks (dangling, looping, pointing "outside"), files of several
 * sizes, a FIFO and a device node. makeTree builds it in a fresh temp
 * directory; the caller removes it with removeTree.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Deterministic bytes: a file's content depends only on its seed. */
export function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The deepest file: eight names below the root. */
export const DEEP = "/usr/share/doc/a/b/c/d/deep.txt";

export function makeTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-tree-"));
  const w = (p: string, data: string | Uint8Array, mode = 0o644) => {
    const full = path.join(root, p);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, data, { mode });
  };
  const ln = (target: string, p: string) => {
    const full = path.join(root, p);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.symlinkSync(target, full);
  };

  w("etc/hostname", "sandbox\n");
  w("etc/os-release", 'PRETTY_NAME="Test Tree"\nID=test\n');
  w("etc/empty", "");
  w("usr/bin/tool", bytes(10_000, 1), 0o755);
  w("usr/lib/data.bin", bytes((1 << 20) + 3, 2));
  w("usr/lib/page.bin", bytes(4096, 3));
  w(DEEP.slice(1), "deep\n");
  w("home/user/notes.txt", "notes\n", 0o600);
  w("home/user/.hidden", "hidden\n");
  w("names/sp ace", "1");
  w("names/ünï cödé", "2");
  w("names/new\nline", "3");
  fs.mkdirSync(path.join(root, "empty-dir"));
  fs.mkdirSync(path.join(root, "dev"));
  fs.mkdirSync(path.join(root, "tmp"));
  for (let i = 0; i < 1000; i++) {
    w(`big-dir/f${String(i).padStart(4, "0")}`, String(i));
  }

  ln("usr/bin", "bin");
  ln("/usr/lib", "lib");
  ln("../etc/hostname", "links/rel");
  ln("/etc/hostname", "links/abs");
  ln("/nonexistent", "links/dangling");
  ln("loop2", "links/loop1");
  ln("loop1", "links/loop2");
  ln("self", "links/self");
  ln("../usr", "links/dirlink");
  ln("../../../../../../etc/hostname", "links/up");
  ln("/../../../etc/hostname", "links/absup");
  ln("/links/chain2", "links/chain1");
  ln("../links/rel", "links/chain2");
  ln("dirlink/share/doc", "links/doclink");

  // A FIFO and a character device: listed and stat-ed, never opened.
  execFileSync("mkfifo", [path.join(root, "dev-fifo")]);
  try {
    execFileSync("mknod", [path.join(root, "dev-null-node"), "c", "1", "3"]);
  } catch {
    // Not root: no device node; tests that need it check for it.
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}
