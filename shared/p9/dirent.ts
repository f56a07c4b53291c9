/**
 * Directory entries as Rreaddir carries them.
 *
 * Rreaddir's data is a run of whole records, each qid[13] offset[8]
 * type[1] name[s]; the server puts in as many as fit in Treaddir's count
 * and never splits one. Linux reads them in p9dirent_read.
 */

import { QID_SIZE, Reader, strSize, Writer } from "./buf.ts";
import type { Dirent } from "./types.ts";

/** Bytes of a dirent before its name's length: qid, offset, type. */
const FIXED = QID_SIZE + 8 + 1;

/**
 * direntSize is how many bytes the record for a name takes, so a server
 * can stop before the next one would pass Treaddir's count.
 */
export function direntSize(name: string): number {
  return FIXED + strSize(name);
}

/**
 * encodeDirents lays entries out as Rreaddir data. It throws
 * SysError(EINVAL) on a field that does not fit, as encode does.
 */
export function encodeDirents(entries: readonly Dirent[]): Uint8Array {
  let size = 0;
  for (const e of entries) size += direntSize(e.name);
  const w = new Writer(size);
  for (const e of entries) {
    w.qid(e.qid);
    w.u64(e.offset);
    w.u8(e.type);
    w.str(e.name);
  }
  return w.bytes;
}

/** What decodeDirents makes of Rreaddir data. */
export type DirentsResult =
  | { ok: true; dirents: Dirent[] }
  | { ok: false; error: string };

/**
 * decodeDirents reads every record in data. A record cut short or bytes
 * left after the last record make the whole result an error; it never
 * throws. A name that is not UTF-8 (Linux names are bytes) decodes with
 * U+FFFD for each bad sequence, as Node's readdir does.
 */
export function decodeDirents(data: Uint8Array): DirentsResult {
  const r = new Reader(data);
  const dirents: Dirent[] = [];
  while (r.left > 0) {
    const d = {
      qid: r.qid(), offset: r.u64(), type: r.u8(), name: r.str(true),
    };
    if (r.error !== null) {
      const error = `dirent ${dirents.length}: ${r.error}`;
      return { ok: false, error };
    }
    dirents.push(d);
  }
  return { ok: true, dirents };
}
