/**
 * The README's library example is run as written (its import pointed at
 * this checkout), in a child process of the current runtime, from the
 * repository root, and its output is checked.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { runtimeArgv } from "../sentry/sandbox.ts";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const t = suite("readme");

function example(): string {
  const md = fs.readFileSync(path.join(repo, "README.md"), "utf8");
  const m = /```ts\n([\s\S]*?)```/.exec(md);
  assert.ok(m, "README has a ts example");
  return m![1];
}

t("readme: the library example runs and prints what it says", () => {
  const code = example().replace(
    '"sandbox-fs/sentry"',
    JSON.stringify(path.join(repo, "sentry/index.ts")),
  );
  const dir = fs.mkdtempSync(path.join(repo, ".readme-"));
  try {
    const file = path.join(dir, "example.ts");
    fs.writeFileSync(file, code);
    const [cmd, args] = runtimeArgv(file);
    const r = spawnSync(cmd, args, { cwd: repo, encoding: "utf8",
      timeout: 30_000 });
    assert.is(r.status, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^sample$/m);
    assert.match(out, /^link bin$/m);
    assert.match(out, /^\/usr\/bin\/hello$/m);
    assert.match(out, /^262144 true$/m);
    assert.match(out, /^EROFS open \/etc\/hostname$/m);
    assert.match(out, /TXwalkstat/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t.run();
