/**
 * `sentry run`: start the sandbox, run the shell work in just-bash over
 * it, report, and shut everything down.
 */
import { Buffer } from "node:buffer";
import { existsSync, statSync } from "node:fs";
import { debug, error } from "../../shared/log.ts";
import { openSandbox, type Sandbox } from "../sandbox.ts";
import type { RunOptions } from "./args.ts";
import { BashFs } from "./bashfs.ts";
import { dropPrivileges } from "./privileges.ts";

const EXIT_BAD_ROOT = 3;
const EXIT_GOFER = 4;

/** The environment the shell starts with. */
const SHELL_ENV = {
  HOME: "/root",
  PATH: "/usr/bin:/bin",
  USER: "root",
  LOGNAME: "root",
  SHELL: "/bin/bash",
  TERM: "dumb",
  LANG: "C.UTF-8",
};

export async function run(o: RunOptions): Promise<number> {
  if (!existsSync(o.root)) {
    error(`ROOTFS '${o.root}' does not exist`);
    return EXIT_BAD_ROOT;
  }
  if (!statSync(o.root).isDirectory()) {
    error(`ROOTFS '${o.root}' is not a directory`);
    return EXIT_BAD_ROOT;
  }

  // Start the gofer first, then load the shell while it comes up.
  const starting = openSandbox({
    root: o.root, fileAccess: o.fileAccess, gofer: o.gofer,
    donateFds: o.donate, spin: o.spin,
  });
  starting.catch(() => {});
  let shell: Awaited<ReturnType<typeof loadShell>>;
  try {
    shell = await loadShell(o);
  } catch (e) {
    // Out of fds, say: the gofer must not outlive this failure.
    await starting.then((sb) => sb.close(), () => {});
    throw e;
  }
  const { Bash, getCommandNames, input, script } = shell;
  let sb: Sandbox;
  try {
    sb = await starting;
  } catch (e) {
    error(`cannot start the gofer: ${(e as Error).message}`);
    return EXIT_GOFER;
  }
  dropPrivileges();

  try {
    const builtins = new Set<string>(getCommandNames());
    const bash = new Bash({
      fs: new BashFs(sb.fs, builtins),
      cwd: "/",
      env: SHELL_ENV,
      // just-bash's JS-global patching cannot work under Deno, where it
      // only prints warnings; js-exec and python are off here anyway.
      defenseInDepth: !("Deno" in globalThis),
    });
    // A dead gofer ends the script at its next statement: nothing after
    // could see the filesystem.
    const dead = new AbortController();
    sb.onDeath(() => dead.abort());
    const stdin = o.command && input
      ? { stdin: input.bytes, stdinKind: "bytes" as const }
      : {};
    let r = { stdout: "", stderr: "", exitCode: 0 };
    try {
      r = await bash.exec(script, { signal: dead.signal, ...stdin });
    } catch (e) {
      if (sb.alive) throw e;
    }
    process.stdout.write(outputBytes(r.stdout));
    // The abort was ours, for a dead gofer: that is the line to print.
    const aborted = /^bash: execution aborted\n?$/m;
    process.stderr.write(sb.alive ? r.stderr : r.stderr.replace(aborted, ""));
    if (!sb.alive) {
      error(`the gofer died: ${sb.deathReason}`);
      return EXIT_GOFER;
    }
    return r.exitCode;
  } finally {
    if (o.stats) printStats(sb);
    await sb.close();
  }
}

/** loadShell loads just-bash and reads the script or the input. */
async function loadShell(o: RunOptions) {
  const { Bash, getCommandNames } = await import("just-bash");
  // With a command, standard input is the command's (unless a terminal:
  // just-bash takes it whole, before the command starts); without one,
  // it is the script.
  const input = o.command && process.stdin.isTTY ? null : await stdin();
  const script = o.command ? o.command.map(quote).join(" ") : input!.text;
  return { Bash, getCommandNames, input, script };
}

function printStats(sb: Sandbox): void {
  const s = sb.stats();
  const parts = Object.keys(s).sort().map((k) => `${k}=${s[k]}`);
  process.stderr.write(
    `sentry: stats: ${sb.requestCount()} requests: ${parts.join(" ")}\n`,
  );
}

/**
 * outputBytes encodes the script's output. just-bash gives it as one
 * string: text, or binary data as latin1 (one char a byte) when what a
 * command read was not UTF-8; the result no longer says which. A char
 * past U+00FF is only ever text; control bytes that text does not hold
 * (NUL and the like) mean bytes; anything else is text, in UTF-8.
 */
export function outputBytes(out: string): Uint8Array | string {
  if (/[^\u0000-\u00ff]/.test(out)) return out;
  if (/[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f]/.test(out)) {
    return Buffer.from(out, "latin1");
  }
  return out;
}

/** quote makes one argument a single bash word. */
function quote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** stdin reads standard input to its end; a closed one reads as empty. */
async function stdin(): Promise<{ text: string; bytes: string }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of process.stdin) chunks.push(c as Buffer);
  } catch (e) {
    debug("cli", `stdin: ${(e as Error).message}`);
  }
  const all = Buffer.concat(chunks);
  return { text: all.toString("utf8"), bytes: all.toString("latin1") };
}
