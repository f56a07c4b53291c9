/**
 * gofer: serve one host directory over 9P2000.L to one client.
 *
 *   gofer [--fd-socket=N] [--max-msize=N] [--no-spin] [--debug=CATS] ROOT
 *
 * The client is on fd 3, a stream socket or pipe pair, as `diod -r 3 -w 3`
 * serves one; with --fd-socket, opened regular files are also donated as
 * host fds over that SOCK_SEQPACKET socket. ROOT is the only path the
 * gofer ever resolves as a string; everything after is one name at a
 * time below it. Under Node it spins briefly on fd 3 after each answer
 * for the next request (shared/spin.ts); --no-spin waits in the event
 * loop only. Exit status: 0 when the client hangs up, 2 for bad
 * arguments or no client on fd 3, 1 when ROOT cannot be opened.
 */
import net from "node:net";
import { SysError } from "../shared/errno.ts";
import { enableDebug, error, setRole } from "../shared/log.ts";
import { rawFd } from "../shared/spin.ts";
import * as sys from "../shared/sys/libc.ts";
import { Server } from "./server.ts";

export const GOFER_USAGE =
  "usage: gofer [--fd-socket=N] [--max-msize=N] [--no-spin] " +
  "[--debug=CATS] ROOT";

interface Args {
  root: string;
  fdSocket: number;
  maxMsize: number;
  spin: boolean;
}

function parseArgs(argv: string[]): Args | string {
  let root: string | undefined;
  let fdSocket = -1;
  let maxMsize = 4 << 20;
  let spin = true;
  for (const a of argv) {
    const [k, v] = a.includes("=") ? a.split(/=(.*)/s, 2) : [a, ""];
    if (k === "--fd-socket") fdSocket = Number(v);
    else if (k === "--max-msize") maxMsize = Number(v);
    else if (k === "--no-spin") spin = false;
    else if (k === "--debug") enableDebug(v);
    else if (k === "--help" || k === "-h") return GOFER_USAGE;
    else if (k.startsWith("-")) return `gofer: unknown flag ${k}`;
    else if (root === undefined) root = a;
    else return `gofer: one ROOT only`;
  }
  if (root === undefined) return GOFER_USAGE;
  if (!Number.isInteger(fdSocket) || !Number.isInteger(maxMsize)) {
    return "gofer: --fd-socket and --max-msize take integers";
  }
  return { root, fdSocket, maxMsize: Math.max(8192, maxMsize), spin };
}

export async function main(argv: string[]): Promise<number> {
  setRole("gofer");
  const env = process.env.SANDBOX_DEBUG;
  if (env) enableDebug(env);
  const args = parseArgs(argv);
  if (typeof args === "string") {
    process.stderr.write(args + "\n");
    return 2;
  }
  let rootFd: number;
  try {
    rootFd = sys.openat(
      sys.AT_FDCWD, args.root,
      sys.O_PATH | sys.O_DIRECTORY | sys.O_CLOEXEC,
    );
  } catch (e) {
    error(`cannot open ${args.root}: ${(e as SysError).message}`);
    return 1;
  }
  let stream: net.Socket;
  try {
    stream = new net.Socket({ fd: 3, readable: true, writable: true });
  } catch (e) {
    error(`fd 3 is not a socket or pipe to a client: ${(e as Error).message}`);
    return 2;
  }
  const server = new Server(stream, rootFd, {
    fdSocket: args.fdSocket,
    maxMsize: args.maxMsize,
    spinFd: args.spin ? rawFd(stream) : -1,
  });
  await server.done;
  return 0;
}

if ((import.meta as { main?: boolean }).main ?? isEntry()) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}

function isEntry(): boolean {
  const arg = process.argv[1] ?? "";
  return arg.endsWith("gofer/main.ts") || arg.endsWith("gofer.js");
}
