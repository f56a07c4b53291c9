/**
 * The trees the benchmarks run on.
 *
 * The synthetic tree holds the shapes the cases need (a file at depth 1,
 * 4 and 8, a 4 KiB and a 1 MiB file, a directory of 1000 entries), built
 * fresh in a temp directory. The real tree, for whole-tree walks and
 * whole-process runs, is the Debian rootfs that
 * scripts/build-debian-rootfs.sh builds (./rootfs, or SANDBOX_ROOTFS),
 * or the embedded sample when there is none; the report says which.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
);

/** Sandbox paths of a file at each depth. */
export const DEPTH: Record<number, string> = {
  1: "/f1",
  4: "/a/b/c/f4",
  8: "/a/b/c/d/e/f/g/f8",
};

export const FILE_4K = "/data/4k.bin";
export const FILE_1M = "/data/1m.bin";
export const DIR_1000 = "/wide";

export function makeBenchTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sandbox-bench-"));
  const put = (p: string, data: Uint8Array | string) => {
    const full = path.join(root, p);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, data);
  };
  for (const p of Object.values(DEPTH)) put(p, "x\n");
  const bytes = new Uint8Array(1 << 20);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  put(FILE_4K, bytes.subarray(0, 4096));
  put(FILE_1M, bytes);
  for (let i = 0; i < 1000; i++) {
    put(`${DIR_1000}/e${String(i).padStart(4, "0")}`, String(i));
  }
  return root;
}

export interface RealTree {
  root: string;
  kind: "debian" | "sample";
}

export function realTree(): RealTree {
  const env = process.env.SANDBOX_ROOTFS;
  const debian = env ?? path.join(repo, "rootfs");
  if (fs.existsSync(path.join(debian, "etc/os-release"))) {
    return { root: fs.realpathSync(debian), kind: "debian" };
  }
  return { root: path.join(repo, "sample/rootfs"), kind: "sample" };
}
