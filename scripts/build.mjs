// Bundles the CLI and the gofer into dist/ with esbuild, so that Node
// starts them without compiling TypeScript at run time (tsx costs about
// 350 ms a process). Runs on `npm install` (prepare) and `npm run build`.
// The bundles are used only while newer than every source file
// (bin/fresh.mjs checks); otherwise the sources run through tsx.
// Every dependency is bundled in but koffi (a native addon) and just-bash
// (already a bundle, loaded lazily): one file loads faster than a
// package's many, about 20 ms of each start.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
mkdirSync(join(repo, "dist"), { recursive: true });
for (const [entry, out] of [
  ["sentry/cli/main.ts", "dist/sentry.mjs"],
  ["gofer/main.ts", "dist/gofer.mjs"],
]) {
  await build({
    entryPoints: [join(repo, entry)],
    outfile: join(repo, out),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["koffi", "just-bash"],
    define: { "import.meta.main": "true" },
    logLevel: "warning",
  });
}
writeFileSync(join(repo, "dist/.built"), new Date().toISOString() + "\n");
