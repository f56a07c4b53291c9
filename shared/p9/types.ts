/**
 * The 9P2000.L message set as plain objects.
 *
 * Every message is `{ type, tag, ...fields }`, discriminated by `type`
 * (a number from MT). Field names follow the protocol's, in camelCase.
 * u64 fields are bigint and carry the raw unsigned wire value: a signed
 * quantity (a negative time, a lock length of -1) must be wrapped with
 * BigInt.asUintN(64) before encoding and read back with BigInt.asIntN.
 * Every other integer is a number. The Linux counterpart is
 * include/net/9p/9p.h and the client in net/9p/client.c.
 */

/** Message type numbers: 9P2000.L's own, then our msgpack extensions. */
export const MT = {
  Rlerror: 7,
  Tstatfs: 8,
  Rstatfs: 9,
  Tlopen: 12,
  Rlopen: 13,
  Tlcreate: 14,
  Rlcreate: 15,
  Tsymlink: 16,
  Rsymlink: 17,
  Tmknod: 18,
  Rmknod: 19,
  Trename: 20,
  Rrename: 21,
  Treadlink: 22,
  Rreadlink: 23,
  Tgetattr: 24,
  Rgetattr: 25,
  Tsetattr: 26,
  Rsetattr: 27,
  Txattrwalk: 30,
  Rxattrwalk: 31,
  Txattrcreate: 32,
  Rxattrcreate: 33,
  Treaddir: 40,
  Rreaddir: 41,
  Tfsync: 50,
  Rfsync: 51,
  Tlock: 52,
  Rlock: 53,
  Tgetlock: 54,
  Rgetlock: 55,
  Tlink: 70,
  Rlink: 71,
  Tmkdir: 72,
  Rmkdir: 73,
  Trenameat: 74,
  Rrenameat: 75,
  Tunlinkat: 76,
  Runlinkat: 77,
  Tversion: 100,
  Rversion: 101,
  Tauth: 102,
  Rauth: 103,
  Tattach: 104,
  Rattach: 105,
  Tflush: 108,
  Rflush: 109,
  Twalk: 110,
  Rwalk: 111,
  Tread: 116,
  Rread: 117,
  Twrite: 118,
  Rwrite: 119,
  Tclunk: 120,
  Rclunk: 121,
  Tremove: 122,
  Rremove: 123,
  TXcaps: 200,
  RXcaps: 201,
  TXwalkstat: 202,
  RXwalkstat: 203,
  TXreaddirstat: 204,
  RXreaddirstat: 205,
  TXlopen: 206,
  RXlopen: 207,
} as const;

/** The name of one message type, such as "Twalk". */
export type MsgName = keyof typeof MT;

/** Bytes before a message body: size[4] type[1] tag[2]. */
export const headerSize = 7;

/** The tag Tversion and Rversion carry (no other request may use it). */
export const NOTAG = 0xffff;

/** The "no fid" value, as in Tattach's afid when there is no auth. */
export const NOFID = 0xffffffff;

/** Most names a Twalk may carry, and most qids an Rwalk may return. */
export const MAXWELEM = 16;

/** The server's unique identity of a file: type[1] version[4] path[8]. */
export interface Qid {
  /** QTDIR (0x80), QTSYMLINK (0x02) and friends. */
  type: number;
  version: number;
  path: bigint;
}

/**
 * One record in Rreaddir's data: qid[13] offset[8] type[1] name[s].
 * offset is the cookie to pass as the next Treaddir offset; type is the
 * dirent d_type (DT_DIR and friends).
 */
export interface Dirent {
  qid: Qid;
  offset: bigint;
  type: number;
  name: string;
}

type M<K extends MsgName, F = {}> = { type: (typeof MT)[K]; tag: number } & F;

type Fid = { fid: number };
type QidOnly = { qid: Qid };
type OpenReply = { qid: Qid; iounit: number };

/** An error reply; ecode is a Linux errno. */
export type Rlerror = M<"Rlerror", { ecode: number }>;

export type Tstatfs = M<"Tstatfs", Fid>;
/** statfs(2) of the file system holding fid. */
export type Rstatfs = M<"Rstatfs", {
  fstype: number;
  bsize: number;
  blocks: bigint;
  bfree: bigint;
  bavail: bigint;
  files: bigint;
  ffree: bigint;
  fsid: bigint;
  namelen: number;
}>;

/** open(2) of fid; flags are Linux O_* flags. */
export type Tlopen = M<"Tlopen", { fid: number; flags: number }>;
export type Rlopen = M<"Rlopen", OpenReply>;

/** Create and open name in directory fid; fid then refers to the file. */
export type Tlcreate = M<"Tlcreate", {
  fid: number;
  name: string;
  flags: number;
  mode: number;
  gid: number;
}>;
export type Rlcreate = M<"Rlcreate", OpenReply>;

export type Tsymlink = M<"Tsymlink", {
  fid: number;
  name: string;
  symtgt: string;
  gid: number;
}>;
export type Rsymlink = M<"Rsymlink", QidOnly>;

export type Tmknod = M<"Tmknod", {
  dfid: number;
  name: string;
  mode: number;
  major: number;
  minor: number;
  gid: number;
}>;
export type Rmknod = M<"Rmknod", QidOnly>;

/** Move fid into directory dfid under name. */
export type Trename = M<"Trename", { fid: number; dfid: number; name: string }>;
export type Rrename = M<"Rrename">;

export type Treadlink = M<"Treadlink", Fid>;
export type Rreadlink = M<"Rreadlink", { target: string }>;

/** stat(2) of fid; requestMask is a P9_GETATTR_* mask. */
export type Tgetattr = M<"Tgetattr", { fid: number; requestMask: bigint }>;
/** valid says which of the fields the server filled in. */
export type Rgetattr = M<"Rgetattr", {
  valid: bigint;
  qid: Qid;
  mode: number;
  uid: number;
  gid: number;
  nlink: bigint;
  rdev: bigint;
  size: bigint;
  blksize: bigint;
  blocks: bigint;
  atimeSec: bigint;
  atimeNsec: bigint;
  mtimeSec: bigint;
  mtimeNsec: bigint;
  ctimeSec: bigint;
  ctimeNsec: bigint;
  btimeSec: bigint;
  btimeNsec: bigint;
  gen: bigint;
  dataVersion: bigint;
}>;

/** Change what valid (P9_SETATTR_* bits) selects. */
export type Tsetattr = M<"Tsetattr", {
  fid: number;
  valid: number;
  mode: number;
  uid: number;
  gid: number;
  size: bigint;
  atimeSec: bigint;
  atimeNsec: bigint;
  mtimeSec: bigint;
  mtimeNsec: bigint;
}>;
export type Rsetattr = M<"Rsetattr">;

/** Make newfid read xattr name of fid (all names if name is ""). */
export type Txattrwalk = M<"Txattrwalk", {
  fid: number;
  newfid: number;
  name: string;
}>;
export type Rxattrwalk = M<"Rxattrwalk", { size: bigint }>;

/** Turn fid into a handle that writes attrSize bytes of xattr name. */
export type Txattrcreate = M<"Txattrcreate", {
  fid: number;
  name: string;
  attrSize: bigint;
  flags: number;
}>;
export type Rxattrcreate = M<"Rxattrcreate">;

/** Read at most count bytes of dirents from cookie offset. */
export type Treaddir = M<"Treaddir", {
  fid: number;
  offset: bigint;
  count: number;
}>;
/** data holds whole dirent records; see decodeDirents. */
export type Rreaddir = M<"Rreaddir", { data: Uint8Array }>;

/** fsync(2), or fdatasync(2) when datasync is non-zero. */
export type Tfsync = M<"Tfsync", { fid: number; datasync: number }>;
export type Rfsync = M<"Rfsync">;

/** A POSIX record lock (fcntl F_SETLK); lockType is P9_LOCK_TYPE_*. */
export type Tlock = M<"Tlock", {
  fid: number;
  lockType: number;
  flags: number;
  start: bigint;
  length: bigint;
  procId: number;
  clientId: string;
}>;
/** status is P9_LOCK_SUCCESS, _BLOCKED, _ERROR or _GRACE. */
export type Rlock = M<"Rlock", { status: number }>;

type LockDesc = {
  lockType: number;
  start: bigint;
  length: bigint;
  procId: number;
  clientId: string;
};
/** fcntl F_GETLK. */
export type Tgetlock = M<"Tgetlock", { fid: number } & LockDesc>;
export type Rgetlock = M<"Rgetlock", LockDesc>;

/** Hard-link fid into directory dfid as name. */
export type Tlink = M<"Tlink", { dfid: number; fid: number; name: string }>;
export type Rlink = M<"Rlink">;

export type Tmkdir = M<"Tmkdir", {
  dfid: number;
  name: string;
  mode: number;
  gid: number;
}>;
export type Rmkdir = M<"Rmkdir", QidOnly>;

export type Trenameat = M<"Trenameat", {
  olddirfid: number;
  oldname: string;
  newdirfid: number;
  newname: string;
}>;
export type Rrenameat = M<"Rrenameat">;

/** unlinkat(2); flags may hold AT_REMOVEDIR. */
export type Tunlinkat = M<"Tunlinkat", {
  dirfid: number;
  name: string;
  flags: number;
}>;
export type Runlinkat = M<"Runlinkat">;

/** The first message on a connection; tag must be NOTAG. */
export type Tversion = M<"Tversion", { msize: number; version: string }>;
export type Rversion = M<"Rversion", { msize: number; version: string }>;

export type Tauth = M<"Tauth", {
  afid: number;
  uname: string;
  aname: string;
  nUname: number;
}>;
export type Rauth = M<"Rauth", { aqid: Qid }>;

/** Bind fid to the root of tree aname; afid is NOFID without auth. */
export type Tattach = M<"Tattach", {
  fid: number;
  afid: number;
  uname: string;
  aname: string;
  nUname: number;
}>;
export type Rattach = M<"Rattach", QidOnly>;

export type Tflush = M<"Tflush", { oldtag: number }>;
export type Rflush = M<"Rflush">;

/** Walk names (at most MAXWELEM) from fid; newfid gets the result. */
export type Twalk = M<"Twalk", {
  fid: number;
  newfid: number;
  names: string[];
}>;
/** One qid per name walked; fewer than asked means a partial walk. */
export type Rwalk = M<"Rwalk", { qids: Qid[] }>;

export type Tread = M<"Tread", { fid: number; offset: bigint; count: number }>;
export type Rread = M<"Rread", { data: Uint8Array }>;

/** The wire count field is data.length. */
export type Twrite = M<"Twrite", {
  fid: number;
  offset: bigint;
  data: Uint8Array;
}>;
export type Rwrite = M<"Rwrite", { count: number }>;

export type Tclunk = M<"Tclunk", Fid>;
export type Rclunk = M<"Rclunk">;

export type Tremove = M<"Tremove", Fid>;
export type Rremove = M<"Rremove">;

/**
 * Extension messages outside 9P2000.L's numbers. The body is one
 * msgpack value, whatever msgpackr's unpack makes of it (binary data
 * may come back as a Node Buffer); its meaning is defined by its users.
 */
type X<K extends MsgName> = M<K, { body: unknown }>;
export type TXcaps = X<"TXcaps">;
export type RXcaps = X<"RXcaps">;
export type TXwalkstat = X<"TXwalkstat">;
export type RXwalkstat = X<"RXwalkstat">;
export type TXreaddirstat = X<"TXreaddirstat">;
export type RXreaddirstat = X<"RXreaddirstat">;
export type TXlopen = X<"TXlopen">;
export type RXlopen = X<"RXlopen">;

/** Any message. Narrow it with `msg.type === MT.Twalk`. */
export type Msg =
  | Rlerror
  | Tstatfs | Rstatfs
  | Tlopen | Rlopen
  | Tlcreate | Rlcreate
  | Tsymlink | Rsymlink
  | Tmknod | Rmknod
  | Trename | Rrename
  | Treadlink | Rreadlink
  | Tgetattr | Rgetattr
  | Tsetattr | Rsetattr
  | Txattrwalk | Rxattrwalk
  | Txattrcreate | Rxattrcreate
  | Treaddir | Rreaddir
  | Tfsync | Rfsync
  | Tlock | Rlock
  | Tgetlock | Rgetlock
  | Tlink | Rlink
  | Tmkdir | Rmkdir
  | Trenameat | Rrenameat
  | Tunlinkat | Runlinkat
  | Tversion | Rversion
  | Tauth | Rauth
  | Tattach | Rattach
  | Tflush | Rflush
  | Twalk | Rwalk
  | Tread | Rread
  | Twrite | Rwrite
  | Tclunk | Rclunk
  | Tremove | Rremove
  | TXcaps | RXcaps
  | TXwalkstat | RXwalkstat
  | TXreaddirstat | RXreaddirstat
  | TXlopen | RXlopen;

/** The message whose type number is T. */
export type MsgOf<T extends Msg["type"]> = Extract<Msg, { type: T }>;

/**
 * What decode makes of one frame. On failure, tag is set when the header
 * was readable, so a server can answer Rlerror to that tag.
 */
export type DecodeResult =
  | { ok: true; msg: Msg }
  | { ok: false; error: string; tag?: number };
