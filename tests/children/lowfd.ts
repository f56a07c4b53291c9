/**
 * Run with a low fd limit by fdpass.test.ts: reads every file under a
 * tree one at a time through a sandbox (stat, then readFile), in the
 * mode given, and prints how many were read and the errors seen, as
 * JSON. An ordinary process reads files one at a time at any fd limit;
 * so must the sandbox, however much its caches would like to keep.
 */
import { openSandbox } from "../../sentry/sandbox.ts";

const [root, fileAccess] = process.argv.slice(2);
const sb = await openSandbox({
  root, fileAccess: fileAccess as "exclusive" | "shared",
});
let read = 0;
const errors: Record<string, number> = {};
const visit = async (dir: string): Promise<void> => {
  for (const e of await sb.fs.readdir(dir, { withFileTypes: true })) {
    const p = `${dir === "/" ? "" : dir}/${e.name}`;
    try {
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) {
        await sb.fs.stat(p);
        await sb.fs.readFile(p);
        read++;
      }
    } catch (x) {
      const code = (x as { code?: string }).code ?? String(x);
      errors[code] = (errors[code] ?? 0) + 1;
    }
  }
};
await visit("/");
await sb.close();
console.log(JSON.stringify({ read, errors }));
