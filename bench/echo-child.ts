/** The echo peer's process: REPLY_BYTES back for each request read. */
import net from "node:net";

const REQUEST_BYTES = 19;
const reply = new Uint8Array(160);
const sock = new net.Socket({ fd: 3, readable: true, writable: true });
let pending = 0;
sock.on("data", (c: Uint8Array) => {
  pending += c.length;
  while (pending >= REQUEST_BYTES) {
    pending -= REQUEST_BYTES;
    sock.write(reply);
  }
});
sock.on("end", () => process.exit(0));
sock.on("close", () => process.exit(0));
