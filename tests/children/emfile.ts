/**
 * Run with a low fd limit by fdpass.test.ts: fills every free fd, then
 * reads a file through a sandbox that donates fds, and prints what came
 * of it as JSON: the error code while full, and the text once fds are
 * free again.
 */
import fs from "node:fs";
import { openSandbox } from "../../sentry/sandbox.ts";

const sb = await openSandbox({ root: process.argv[2] });
const fill: number[] = [];
try {
  for (;;) fill.push(fs.openSync("/dev/null", "r"));
} catch {
  // full
}
const full = await sb.fs.readFile("/etc/hostname", "utf8")
  .then(() => "ok", (e) => e.code);
for (const fd of fill) fs.closeSync(fd);
const after = await sb.fs.readFile("/etc/hostname", "utf8");
await sb.close();
console.log(JSON.stringify({ filled: fill.length, full, after }));
