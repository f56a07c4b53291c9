/**
 * Codecs of the messages 9P2000.L keeps from 9P2000: version, auth,
 * attach, flush, walk, read, write, clunk and remove, plus Rlerror.
 * Bodies follow include/net/9p/9p.h and net/9p/client.c in Linux.
 */

import { invalid, QID_SIZE, Reader, strSize, Writer } from "./buf.ts";
import { def, empty, fidOnly, qidOnly } from "./table.ts";
import type { Codec } from "./table.ts";
import { MAXWELEM, MT } from "./types.ts";
import type { Qid } from "./types.ts";

/** Tversion and Rversion share one body: msize[4] version[s]. */
function version(name: "Tversion" | "Rversion"): Codec {
  const type = MT[name];
  return def(name, (m) => 4 + strSize(m.version), (w, m) => {
    w.u32(m.msize);
    w.str(m.version);
  }, (r, tag) => ({ type, tag, msize: r.u32(), version: r.str() }));
}

/** nwname[2] then the names; more than MAXWELEM is EINVAL. */
function walkNames(w: Writer, names: string[]): void {
  if (names.length > MAXWELEM) throw invalid(`${names.length} walk names`);
  w.u16(names.length);
  for (const n of names) w.str(n);
}

/** The Twalk names; more than MAXWELEM fails r. */
function readWalkNames(r: Reader): string[] {
  const n = r.u16();
  if (n > MAXWELEM) r.fail(`${n} walk names, at most ${MAXWELEM}`);
  const names: string[] = [];
  for (let i = 0; i < n && r.error === null; i++) names.push(r.str());
  return names;
}

/** nwqid[2] then the qids; more than MAXWELEM is EINVAL. */
function walkQids(w: Writer, qids: Qid[]): void {
  if (qids.length > MAXWELEM) throw invalid(`${qids.length} walk qids`);
  w.u16(qids.length);
  for (const q of qids) w.qid(q);
}

/** The Rwalk qids; more than MAXWELEM fails r. */
function readWalkQids(r: Reader): Qid[] {
  const n = r.u16();
  if (n > MAXWELEM) r.fail(`${n} walk qids, at most ${MAXWELEM}`);
  const qids: Qid[] = [];
  for (let i = 0; i < n && r.error === null; i++) qids.push(r.qid());
  return qids;
}

/** Wire size of the strings, length fields included. */
function sumStrs(names: string[]): number {
  let n = 0;
  for (const s of names) n += strSize(s);
  return n;
}

/** The codecs, in type-number order. */
export const baseCodecs: Codec[] = [
  def("Rlerror", 4, (w, m) => w.u32(m.ecode), (r, tag) => ({
    type: MT.Rlerror,
    tag,
    ecode: r.u32(),
  })),

  version("Tversion"),
  version("Rversion"),

  def("Tauth", (m) => 8 + strSize(m.uname) + strSize(m.aname), (w, m) => {
    w.u32(m.afid);
    w.str(m.uname);
    w.str(m.aname);
    w.u32(m.nUname);
  }, (r, tag) => ({
    type: MT.Tauth,
    tag,
    afid: r.u32(),
    uname: r.str(),
    aname: r.str(),
    nUname: r.u32(),
  })),
  def("Rauth", QID_SIZE, (w, m) => w.qid(m.aqid), (r, tag) => ({
    type: MT.Rauth,
    tag,
    aqid: r.qid(),
  })),

  def("Tattach", (m) => 12 + strSize(m.uname) + strSize(m.aname), (w, m) => {
    w.u32(m.fid);
    w.u32(m.afid);
    w.str(m.uname);
    w.str(m.aname);
    w.u32(m.nUname);
  }, (r, tag) => ({
    type: MT.Tattach,
    tag,
    fid: r.u32(),
    afid: r.u32(),
    uname: r.str(),
    aname: r.str(),
    nUname: r.u32(),
  })),
  qidOnly("Rattach"),

  def("Tflush", 2, (w, m) => w.u16(m.oldtag), (r, tag) => ({
    type: MT.Tflush,
    tag,
    oldtag: r.u16(),
  })),
  empty("Rflush"),

  def("Twalk", (m) => 10 + sumStrs(m.names), (w, m) => {
    w.u32(m.fid);
    w.u32(m.newfid);
    walkNames(w, m.names);
  }, (r, tag) => ({
    type: MT.Twalk,
    tag,
    fid: r.u32(),
    newfid: r.u32(),
    names: readWalkNames(r),
  })),
  def("Rwalk", (m) => 2 + QID_SIZE * m.qids.length, (w, m) => {
    walkQids(w, m.qids);
  }, (r, tag) => ({ type: MT.Rwalk, tag, qids: readWalkQids(r) })),

  def("Tread", 16, (w, m) => {
    w.u32(m.fid);
    w.u64(m.offset);
    w.u32(m.count);
  }, (r, tag) => ({
    type: MT.Tread,
    tag,
    fid: r.u32(),
    offset: r.u64(),
    count: r.u32(),
  })),
  def("Rread", (m) => 4 + m.data.length, (w, m) => w.data(m.data), (
    r,
    tag,
  ) => ({ type: MT.Rread, tag, data: r.data() })),

  def("Twrite", (m) => 16 + m.data.length, (w, m) => {
    w.u32(m.fid);
    w.u64(m.offset);
    w.data(m.data);
  }, (r, tag) => ({
    type: MT.Twrite,
    tag,
    fid: r.u32(),
    offset: r.u64(),
    data: r.data(),
  })),
  def("Rwrite", 4, (w, m) => w.u32(m.count), (r, tag) => ({
    type: MT.Rwrite,
    tag,
    count: r.u32(),
  })),

  fidOnly("Tclunk"),
  empty("Rclunk"),
  fidOnly("Tremove"),
  empty("Rremove"),
];
