/**
 * The transport floor's peer: a child process of the same runtime that
 * answers each request on fd 3 with as many bytes as an Rgetattr holds,
 * over the same kind of socketpair the gofer uses. It parses nothing.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { Duplex } from "node:stream";
import { runtimeArgv } from "../sentry/sandbox.ts";
import { repo } from "./tree.ts";

/** Bytes of a Tgetattr request and of its Rgetattr reply. */
export const REQUEST_BYTES = 19;
export const REPLY_BYTES = 160;

export interface EchoPeer {
  roundTrip(): Promise<void>;
  close(): void;
}

export async function echoPeer(): Promise<EchoPeer> {
  const [cmd, args] = runtimeArgv(path.join(repo, "bench/echo-child.ts"));
  const child = spawn(cmd, args, {
    stdio: ["ignore", "ignore", "inherit", "pipe"],
  });
  const sock = child.stdio[3] as Duplex;
  const request = new Uint8Array(REQUEST_BYTES);
  let waiting: (() => void) | null = null;
  let got = 0;
  sock.on("data", (c: Uint8Array) => {
    got += c.length;
    if (got >= REPLY_BYTES && waiting) {
      got -= REPLY_BYTES;
      const w = waiting;
      waiting = null;
      w();
    }
  });
  const peer: EchoPeer = {
    roundTrip: () => new Promise<void>((resolve) => {
      waiting = resolve;
      sock.write(request);
    }),
    close: () => {
      sock.destroy();
      child.kill();
    },
  };
  await peer.roundTrip();
  return peer;
}
