/**
 * The test runner: every tests/*.test.ts file, as uvu suites, in one
 * process, under whichever runtime runs this file.
 *
 *   node --import tsx tests/run.ts [NAME-FILTER]
 *   deno run -A tests/run.ts [NAME-FILTER]
 *
 * After uvu's own summary it prints "N passed, N failed" on a line of its
 * own, and exits non-zero when anything failed.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((f) => f.endsWith(".test.ts"))
  .filter((f) => !filter || f.includes(filter))
  .sort();

const g = globalThis as unknown as {
  UVU_DEFER: number;
  UVU_INDEX: number;
  UVU_QUEUE: unknown[][];
};
g.UVU_DEFER = 1;
const uvu = await import("uvu");

// Capture uvu's summary to restate it in the plain form CI reads.
let out = "";
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  out += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  if (out.length > 65536) out = out.slice(-4096);
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

let idx = 0;
for (const f of files) {
  g.UVU_INDEX = idx++;
  g.UVU_QUEUE.push([f]);
  await import(pathToFileURL(join(here, f)).href);
}
await uvu.exec();
process.stdout.write = write;

// deno-lint-ignore no-control-regex
const plain = out.replace(/\x1b\[[0-9;]*m/g, "");
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const failed = total - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || total === 0 ? 1 : 0;
