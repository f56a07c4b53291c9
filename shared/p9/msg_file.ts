/**
 * Codecs of the file operations 9P2000.L adds for Linux: statfs, lopen,
 * lcreate, symlink, mknod, rename, readlink, getattr, setattr, xattrs,
 * readdir, fsync, locks, link, mkdir, renameat and unlinkat. Bodies
 * follow include/net/9p/9p.h and net/9p/client.c in Linux.
 */

import { QID_SIZE, strSize } from "./buf.ts";
import { def, empty, fidOnly, qidOnly } from "./table.ts";
import type { Codec } from "./table.ts";
import { MT } from "./types.ts";

/** The codecs, in type-number order. */
export const fileCodecs: Codec[] = [
  fidOnly("Tstatfs"),
  def("Rstatfs", 4 + 4 + 8 * 6 + 4, (w, m) => {
    w.u32(m.fstype);
    w.u32(m.bsize);
    w.u64(m.blocks);
    w.u64(m.bfree);
    w.u64(m.bavail);
    w.u64(m.files);
    w.u64(m.ffree);
    w.u64(m.fsid);
    w.u32(m.namelen);
  }, (r, tag) => ({
    type: MT.Rstatfs,
    tag,
    fstype: r.u32(),
    bsize: r.u32(),
    blocks: r.u64(),
    bfree: r.u64(),
    bavail: r.u64(),
    files: r.u64(),
    ffree: r.u64(),
    fsid: r.u64(),
    namelen: r.u32(),
  })),

  def("Tlopen", 8, (w, m) => {
    w.u32(m.fid);
    w.u32(m.flags);
  }, (r, tag) => ({ type: MT.Tlopen, tag, fid: r.u32(), flags: r.u32() })),
  def("Rlopen", QID_SIZE + 4, (w, m) => {
    w.qid(m.qid);
    w.u32(m.iounit);
  }, (r, tag) => ({ type: MT.Rlopen, tag, qid: r.qid(), iounit: r.u32() })),

  def("Tlcreate", (m) => 16 + strSize(m.name), (w, m) => {
    w.u32(m.fid);
    w.str(m.name);
    w.u32(m.flags);
    w.u32(m.mode);
    w.u32(m.gid);
  }, (r, tag) => ({
    type: MT.Tlcreate,
    tag,
    fid: r.u32(),
    name: r.str(),
    flags: r.u32(),
    mode: r.u32(),
    gid: r.u32(),
  })),
  def("Rlcreate", QID_SIZE + 4, (w, m) => {
    w.qid(m.qid);
    w.u32(m.iounit);
  }, (r, tag) => ({ type: MT.Rlcreate, tag, qid: r.qid(), iounit: r.u32() })),

  def("Tsymlink", (m) => 8 + strSize(m.name) + strSize(m.symtgt), (w, m) => {
    w.u32(m.fid);
    w.str(m.name);
    w.str(m.symtgt);
    w.u32(m.gid);
  }, (r, tag) => ({
    type: MT.Tsymlink,
    tag,
    fid: r.u32(),
    name: r.str(),
    symtgt: r.str(),
    gid: r.u32(),
  })),
  qidOnly("Rsymlink"),

  def("Tmknod", (m) => 20 + strSize(m.name), (w, m) => {
    w.u32(m.dfid);
    w.str(m.name);
    w.u32(m.mode);
    w.u32(m.major);
    w.u32(m.minor);
    w.u32(m.gid);
  }, (r, tag) => ({
    type: MT.Tmknod,
    tag,
    dfid: r.u32(),
    name: r.str(),
    mode: r.u32(),
    major: r.u32(),
    minor: r.u32(),
    gid: r.u32(),
  })),
  qidOnly("Rmknod"),

  def("Trename", (m) => 8 + strSize(m.name), (w, m) => {
    w.u32(m.fid);
    w.u32(m.dfid);
    w.str(m.name);
  }, (r, tag) => ({
    type: MT.Trename,
    tag,
    fid: r.u32(),
    dfid: r.u32(),
    name: r.str(),
  })),
  empty("Rrename"),

  fidOnly("Treadlink"),
  def("Rreadlink", (m) => strSize(m.target), (w, m) => w.str(m.target), (
    r,
    tag,
  ) => ({ type: MT.Rreadlink, tag, target: r.str() })),

  def("Tgetattr", 12, (w, m) => {
    w.u32(m.fid);
    w.u64(m.requestMask);
  }, (r, tag) => ({
    type: MT.Tgetattr,
    tag,
    fid: r.u32(),
    requestMask: r.u64(),
  })),
  def("Rgetattr", 8 + QID_SIZE + 12 + 8 * 15, (w, m) => {
    w.u64(m.valid);
    w.qid(m.qid);
    w.u32(m.mode);
    w.u32(m.uid);
    w.u32(m.gid);
    w.u64(m.nlink);
    w.u64(m.rdev);
    w.u64(m.size);
    w.u64(m.blksize);
    w.u64(m.blocks);
    w.u64(m.atimeSec);
    w.u64(m.atimeNsec);
    w.u64(m.mtimeSec);
    w.u64(m.mtimeNsec);
    w.u64(m.ctimeSec);
    w.u64(m.ctimeNsec);
    w.u64(m.btimeSec);
    w.u64(m.btimeNsec);
    w.u64(m.gen);
    w.u64(m.dataVersion);
  }, (r, tag) => ({
    type: MT.Rgetattr,
    tag,
    valid: r.u64(),
    qid: r.qid(),
    mode: r.u32(),
    uid: r.u32(),
    gid: r.u32(),
    nlink: r.u64(),
    rdev: r.u64(),
    size: r.u64(),
    blksize: r.u64(),
    blocks: r.u64(),
    atimeSec: r.u64(),
    atimeNsec: r.u64(),
    mtimeSec: r.u64(),
    mtimeNsec: r.u64(),
    ctimeSec: r.u64(),
    ctimeNsec: r.u64(),
    btimeSec: r.u64(),
    btimeNsec: r.u64(),
    gen: r.u64(),
    dataVersion: r.u64(),
  })),

  def("Tsetattr", 20 + 8 * 5, (w, m) => {
    w.u32(m.fid);
    w.u32(m.valid);
    w.u32(m.mode);
    w.u32(m.uid);
    w.u32(m.gid);
    w.u64(m.size);
    w.u64(m.atimeSec);
    w.u64(m.atimeNsec);
    w.u64(m.mtimeSec);
    w.u64(m.mtimeNsec);
  }, (r, tag) => ({
    type: MT.Tsetattr,
    tag,
    fid: r.u32(),
    valid: r.u32(),
    mode: r.u32(),
    uid: r.u32(),
    gid: r.u32(),
    size: r.u64(),
    atimeSec: r.u64(),
    atimeNsec: r.u64(),
    mtimeSec: r.u64(),
    mtimeNsec: r.u64(),
  })),
  empty("Rsetattr"),

  def("Txattrwalk", (m) => 8 + strSize(m.name), (w, m) => {
    w.u32(m.fid);
    w.u32(m.newfid);
    w.str(m.name);
  }, (r, tag) => ({
    type: MT.Txattrwalk,
    tag,
    fid: r.u32(),
    newfid: r.u32(),
    name: r.str(),
  })),
  def("Rxattrwalk", 8, (w, m) => w.u64(m.size), (r, tag) => ({
    type: MT.Rxattrwalk,
    tag,
    size: r.u64(),
  })),

  def("Txattrcreate", (m) => 16 + strSize(m.name), (w, m) => {
    w.u32(m.fid);
    w.str(m.name);
    w.u64(m.attrSize);
    w.u32(m.flags);
  }, (r, tag) => ({
    type: MT.Txattrcreate,
    tag,
    fid: r.u32(),
    name: r.str(),
    attrSize: r.u64(),
    flags: r.u32(),
  })),
  empty("Rxattrcreate"),

  def("Treaddir", 16, (w, m) => {
    w.u32(m.fid);
    w.u64(m.offset);
    w.u32(m.count);
  }, (r, tag) => ({
    type: MT.Treaddir,
    tag,
    fid: r.u32(),
    offset: r.u64(),
    count: r.u32(),
  })),
  def("Rreaddir", (m) => 4 + m.data.length, (w, m) => w.data(m.data), (
    r,
    tag,
  ) => ({ type: MT.Rreaddir, tag, data: r.data() })),

  def("Tfsync", 8, (w, m) => {
    w.u32(m.fid);
    w.u32(m.datasync);
  }, (r, tag) => ({ type: MT.Tfsync, tag, fid: r.u32(), datasync: r.u32() })),
  empty("Rfsync"),

  def("Tlock", (m) => 29 + strSize(m.clientId), (w, m) => {
    w.u32(m.fid);
    w.u8(m.lockType);
    w.u32(m.flags);
    w.u64(m.start);
    w.u64(m.length);
    w.u32(m.procId);
    w.str(m.clientId);
  }, (r, tag) => ({
    type: MT.Tlock,
    tag,
    fid: r.u32(),
    lockType: r.u8(),
    flags: r.u32(),
    start: r.u64(),
    length: r.u64(),
    procId: r.u32(),
    clientId: r.str(),
  })),
  def("Rlock", 1, (w, m) => w.u8(m.status), (r, tag) => ({
    type: MT.Rlock,
    tag,
    status: r.u8(),
  })),

  def("Tgetlock", (m) => 25 + strSize(m.clientId), (w, m) => {
    w.u32(m.fid);
    w.u8(m.lockType);
    w.u64(m.start);
    w.u64(m.length);
    w.u32(m.procId);
    w.str(m.clientId);
  }, (r, tag) => ({
    type: MT.Tgetlock,
    tag,
    fid: r.u32(),
    lockType: r.u8(),
    start: r.u64(),
    length: r.u64(),
    procId: r.u32(),
    clientId: r.str(),
  })),
  def("Rgetlock", (m) => 21 + strSize(m.clientId), (w, m) => {
    w.u8(m.lockType);
    w.u64(m.start);
    w.u64(m.length);
    w.u32(m.procId);
    w.str(m.clientId);
  }, (r, tag) => ({
    type: MT.Rgetlock,
    tag,
    lockType: r.u8(),
    start: r.u64(),
    length: r.u64(),
    procId: r.u32(),
    clientId: r.str(),
  })),

  def("Tlink", (m) => 8 + strSize(m.name), (w, m) => {
    w.u32(m.dfid);
    w.u32(m.fid);
    w.str(m.name);
  }, (r, tag) => ({
    type: MT.Tlink,
    tag,
    dfid: r.u32(),
    fid: r.u32(),
    name: r.str(),
  })),
  empty("Rlink"),

  def("Tmkdir", (m) => 12 + strSize(m.name), (w, m) => {
    w.u32(m.dfid);
    w.str(m.name);
    w.u32(m.mode);
    w.u32(m.gid);
  }, (r, tag) => ({
    type: MT.Tmkdir,
    tag,
    dfid: r.u32(),
    name: r.str(),
    mode: r.u32(),
    gid: r.u32(),
  })),
  qidOnly("Rmkdir"),

  def("Trenameat", (m) => 8 + strSize(m.oldname) + strSize(m.newname), (
    w,
    m,
  ) => {
    w.u32(m.olddirfid);
    w.str(m.oldname);
    w.u32(m.newdirfid);
    w.str(m.newname);
  }, (r, tag) => ({
    type: MT.Trenameat,
    tag,
    olddirfid: r.u32(),
    oldname: r.str(),
    newdirfid: r.u32(),
    newname: r.str(),
  })),
  empty("Rrenameat"),

  def("Tunlinkat", (m) => 8 + strSize(m.name), (w, m) => {
    w.u32(m.dirfid);
    w.str(m.name);
    w.u32(m.flags);
  }, (r, tag) => ({
    type: MT.Tunlinkat,
    tag,
    dirfid: r.u32(),
    name: r.str(),
    flags: r.u32(),
  })),
  empty("Runlinkat"),

];
