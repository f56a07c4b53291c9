// Which entry point to run under Node: the esbuild bundle in dist/ when it
// is newer than every TypeScript source, else the source through tsx. A
// stale bundle is never used, so editing a source needs no rebuild.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is one level below it). */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = ["shared", "gofer", "sentry"];
let newest = -1;

function newestSource() {
  if (newest >= 0) return newest;
  newest = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        newest = Math.max(newest, statSync(p).mtimeMs);
      }
    }
  };
  for (const d of SOURCES) walk(join(REPO, d));
  return newest;
}

/** freshBundle gives dist/NAME.mjs if it exists and is up to date. */
export function freshBundle(name) {
  const file = join(REPO, "dist", `${name}.mjs`);
  if (!existsSync(file)) return null;
  return statSync(file).mtimeMs >= newestSource() ? file : null;
}
