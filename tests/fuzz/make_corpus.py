#!/usr/bin/env python3
"""Write the fuzzers' seed corpora, byte by byte, from the descriptions below.

    tests/fuzz/make_corpus.py            rewrite tests/fuzz/corpus/{proplist,utf}/
                                         and tests/host/corpus_hostproto/
    tests/fuzz/make_corpus.py --check    exit 1 if the committed files differ

The format is MSCS's (see include/clusapi/proplist.h): an entry is
{syntax u32, length u32, data padded with zeros to 4 bytes}, a value list
ends with a lone ENDMARK (u32 0), a property list is a count u32 followed by
NAME entry + values + ENDMARK per property; little-endian, UTF-16LE strings
with their NUL.  Each fuzz_proplist input starts with one byte choosing the
reader: 0x00 value list, 0x01 property list.  The seeds are small valid lists
of every syntax the library knows, and near-valid ones that each break one
rule, so the fuzzer starts next to every branch of the validator.

The resource-host wire protocol is the one in common/hostproto.h: a 32-byte
header {magic u32 "CSRH", version u16 1, type u16, request_id u64,
resource_id u64, status u32, payload_len u32} and the payload, sent as one
or more records (the first holds the header).  A fuzz_hostproto input
(tests/host/fuzz_hostproto.c) is one byte, the number of records minus one,
then per record a u16 length and its bytes.  Its seeds are valid messages of
every type, messages split over records, a sequence of messages, and
near-valid ones breaking one framing or payload rule each.

Only the standard library is used (no pip).

SPDX-License-Identifier: LGPL-2.1-or-later
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- syntaxes (clusapi/clusprop.h) ----
ENDMARK = 0x00000000
NAME = 0x00040003
RESCLASS = 0x00020002
LV_SZ = 0x00010003
LV_EXPAND_SZ = 0x00010004
LV_DWORD = 0x00010002
LV_BINARY = 0x00010001
LV_MULTI_SZ = 0x00010005
LV_LONG = 0x00010007
LV_EXPANDED_SZ = 0x00010008
LV_SECURITY_DESCRIPTOR = 0x00010009
LV_LARGE_INTEGER = 0x0001000A
LV_ULARGE_INTEGER = 0x00010006
LV_WORD = 0x0001000B
LV_FILETIME = 0x0001000C
DISK_SIGNATURE = 0x00050002
SCSI_ADDRESS = 0x00060002
DISK_NUMBER = 0x00070002
PARTITION_INFO = 0x00080001
DISK_SERIALNUMBER = 0x000A0003
DISK_GUID = 0x000B0003
DISK_SIZE = 0x000C0006

PIFLAG_STICKY = 0x1
PIFLAG_USABLE = 0x4

VALUE_LIST = b"\x00"
PROPERTY_LIST = b"\x01"


def u16(v):
    return struct.pack("<H", v)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def i32(v):
    return struct.pack("<i", v)


def i64(v):
    return struct.pack("<q", v)


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def wstr(s):
    """UTF-16LE with its NUL."""
    return s.encode("utf-16-le") + b"\0\0"


def wmulti(*strs):
    """MULTI_SZ: each string with its NUL, then one more NUL."""
    return b"".join(wstr(s) for s in strs) + b"\0\0"


def entry(syntax, data, length=None):
    """One value entry; length defaults to len(data) (a wrong one makes a
    near-valid seed)."""
    return u32(syntax) + u32(len(data) if length is None else length) + pad4(data)


def endmark():
    return u32(ENDMARK)


def value_list(*entries):
    return b"".join(entries) + endmark()


def prop(name, *values):
    return entry(NAME, wstr(name)) + b"".join(values) + endmark()


def prop_list(*props, count=None):
    return u32(len(props) if count is None else count) + b"".join(props)


def fixed_wchar(s, n):
    """A NUL-terminated UTF-16LE string in an array of n code units."""
    b = s.encode("utf-16-le")
    assert len(b) // 2 < n
    return b + b"\0" * (2 * n - len(b))


def partition_info(device, label, fs, serial, flags=PIFLAG_USABLE):
    """CLUS_PARTITION_INFO, 1120 bytes."""
    b = (u32(flags) + fixed_wchar(device, 260) + fixed_wchar(label, 260) + u32(serial)
         + u32(255) + u32(0x0000000F) + fixed_wchar(fs, 32))
    assert len(b) == 1120
    return b


def scsi_address(port, path, target, lun):
    return bytes([port, path, target, lun])


def disk_info():
    return value_list(
        entry(DISK_SIGNATURE, u32(0x5CA1AB1E)),
        entry(SCSI_ADDRESS, scsi_address(2, 0, 1, 0)),
        entry(DISK_NUMBER, u32(1)),
        entry(DISK_SIZE, u64(8 << 30)),
        entry(PARTITION_INFO, partition_info("/dev/sdb1", "data", "ext4", 0x1A2B3C4D)),
        entry(PARTITION_INFO, partition_info("/dev/sdb2", "logs", "ext4", 0x5E6F7A8B)),
    )


PROPLIST_SEEDS = {
    # ---- valid value lists ----
    "vl-empty": VALUE_LIST + value_list(),
    "vl-dword": VALUE_LIST + value_list(entry(LV_DWORD, u32(42))),
    "vl-long": VALUE_LIST + value_list(entry(LV_LONG, i32(-7))),
    "vl-word": VALUE_LIST + value_list(entry(LV_WORD, u16(0xBEEF))),
    "vl-ularge": VALUE_LIST + value_list(entry(LV_ULARGE_INTEGER, u64(1 << 40))),
    "vl-large": VALUE_LIST + value_list(entry(LV_LARGE_INTEGER, i64(-(1 << 40)))),
    "vl-filetime": VALUE_LIST + value_list(entry(LV_FILETIME, u64(133000000000000000))),
    "vl-sz": VALUE_LIST + value_list(entry(LV_SZ, wstr("hello"))),
    "vl-sz-empty": VALUE_LIST + value_list(entry(LV_SZ, wstr(""))),
    "vl-sz-unicode": VALUE_LIST + value_list(entry(LV_SZ, wstr("Grüße, 世界 \U0001F5A5"))),
    "vl-expand-sz": VALUE_LIST + value_list(entry(LV_EXPAND_SZ, wstr("%TEMP%/x"))),
    "vl-expanded-sz": VALUE_LIST + value_list(entry(LV_EXPANDED_SZ, wstr("/tmp/x"))),
    "vl-multi-sz": VALUE_LIST + value_list(entry(LV_MULTI_SZ, wmulti("node1", "node2", "node3"))),
    "vl-multi-sz-empty": VALUE_LIST + value_list(entry(LV_MULTI_SZ, b"\0\0")),
    "vl-binary": VALUE_LIST + value_list(entry(LV_BINARY, bytes(range(7)))),
    "vl-binary-empty": VALUE_LIST + value_list(entry(LV_BINARY, b"")),
    "vl-security-descriptor": VALUE_LIST + value_list(entry(LV_SECURITY_DESCRIPTOR, bytes(20))),
    "vl-resclass": VALUE_LIST + value_list(entry(RESCLASS, u32(1))),
    "vl-disk-info": VALUE_LIST + disk_info(),
    "vl-disk-guid": VALUE_LIST + value_list(
        entry(DISK_GUID, wstr("{0f5e6c2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b}")),
        entry(DISK_SERIALNUMBER, wstr("QM00001")),
        entry(DISK_SIZE, u64(1 << 30))),
    "vl-mixed": VALUE_LIST + value_list(
        entry(LV_DWORD, u32(1)), entry(LV_SZ, wstr("a")), entry(LV_BINARY, b"\xff"),
        entry(LV_MULTI_SZ, wmulti("x")), entry(LV_ULARGE_INTEGER, u64(2))),
    # ---- near-valid value lists: one rule broken in each ----
    "vl-bad-no-endmark": VALUE_LIST + entry(LV_DWORD, u32(1)),
    "vl-bad-truncated-header": VALUE_LIST + u32(LV_DWORD) + b"\x04\x00",
    "vl-bad-truncated-value": VALUE_LIST + (entry(LV_DWORD, u32(1)) + endmark())[:10],
    "vl-bad-misaligned": VALUE_LIST + value_list(entry(LV_DWORD, u32(1))) + b"\0\0",
    "vl-bad-length-past-end": VALUE_LIST + value_list(entry(LV_BINARY, b"abcd", length=0x100)),
    "vl-bad-length-huge": VALUE_LIST + value_list(entry(LV_BINARY, b"abcd", length=0xFFFFFFFF)),
    "vl-bad-dword-3": VALUE_LIST + value_list(entry(LV_DWORD, b"\1\2\3")),
    "vl-bad-ularge-4": VALUE_LIST + value_list(entry(LV_ULARGE_INTEGER, u32(1))),
    "vl-bad-word-4": VALUE_LIST + value_list(entry(LV_WORD, u32(1))),
    "vl-bad-sz-unterminated": VALUE_LIST + value_list(entry(LV_SZ, "abc".encode("utf-16-le"))),
    "vl-bad-sz-odd": VALUE_LIST + value_list(entry(LV_SZ, b"a\0b\0\0")),
    "vl-bad-sz-embedded-nul": VALUE_LIST + value_list(entry(LV_SZ, wstr("a") + wstr("b"))),
    "vl-bad-sz-lone-high-surrogate": VALUE_LIST + value_list(entry(LV_SZ, u16(0xD800) + u16(0x41) + u16(0))),
    "vl-bad-sz-lone-low-surrogate": VALUE_LIST + value_list(entry(LV_SZ, u16(0xDC00) + u16(0))),
    "vl-bad-multi-sz-no-final-nul": VALUE_LIST + value_list(entry(LV_MULTI_SZ, wstr("a") + wstr("b"))),
    "vl-bad-name-inside": VALUE_LIST + value_list(entry(NAME, wstr("Oops")), entry(LV_DWORD, u32(1))),
    "vl-bad-trailing": VALUE_LIST + value_list(entry(LV_DWORD, u32(1))) + u32(0xDEADBEEF),
    "vl-bad-partition-short": VALUE_LIST + value_list(entry(PARTITION_INFO, bytes(100))),
    "vl-edge-nonzero-padding": VALUE_LIST + u32(LV_BINARY) + u32(1) + b"\x01\xaa\xbb\xcc" + endmark(),
    "vl-bad-empty-input": VALUE_LIST,
    # ---- valid property lists ----
    "pl-empty": PROPERTY_LIST + prop_list(),
    "pl-dword": PROPERTY_LIST + prop_list(prop("RestartThreshold", entry(LV_DWORD, u32(3)))),
    "pl-common": PROPERTY_LIST + prop_list(
        prop("Description", entry(LV_SZ, wstr("Shared data disk"))),
        prop("RestartAction", entry(LV_DWORD, u32(2))),
        prop("RestartPeriod", entry(LV_DWORD, u32(900000))),
        prop("PendingTimeout", entry(LV_DWORD, u32(180000))),
        prop("LooksAlivePollInterval", entry(LV_DWORD, u32(5000))),
        prop("IsAlivePollInterval", entry(LV_DWORD, u32(60000)))),
    "pl-private": PROPERTY_LIST + prop_list(
        prop("Signature", entry(LV_DWORD, u32(0x5CA1AB1E))),
        prop("MountPoints", entry(LV_MULTI_SZ, wmulti("/srv/data", "/srv/logs"))),
        prop("MountOptions", entry(LV_EXPAND_SZ, wstr("noatime,$EXTRA"))),
        prop("Offset", entry(LV_LARGE_INTEGER, i64(-4096))),
        prop("Size", entry(LV_ULARGE_INTEGER, u64(8 << 30))),
        prop("Blob", entry(LV_BINARY, b"\x00\x01\x02")),
        prop("Bias", entry(LV_LONG, i32(-1))),
        prop("Port", entry(LV_WORD, u16(3260))),
        prop("Changed", entry(LV_FILETIME, u64(133000000000000000)))),
    "pl-two-values": PROPERTY_LIST + prop_list(
        prop("PossibleOwners", entry(LV_SZ, wstr("node1")), entry(LV_SZ, wstr("node2")))),
    "pl-unicode-name": PROPERTY_LIST + prop_list(prop("Größe", entry(LV_DWORD, u32(1)))),
    # ---- near-valid property lists ----
    "pl-bad-truncated-count": PROPERTY_LIST + b"\x01\x00",
    "pl-bad-count-too-large": PROPERTY_LIST + prop_list(
        prop("A", entry(LV_DWORD, u32(1))), count=0x7FFFFFFF),
    "pl-bad-count-short": PROPERTY_LIST + prop_list(
        prop("A", entry(LV_DWORD, u32(1))), prop("B", entry(LV_DWORD, u32(2))), count=1),
    "pl-bad-count-long": PROPERTY_LIST + prop_list(prop("A", entry(LV_DWORD, u32(1))), count=2),
    "pl-bad-no-name": PROPERTY_LIST + prop_list(entry(LV_DWORD, u32(1)) + endmark()),
    "pl-bad-no-value": PROPERTY_LIST + prop_list(entry(NAME, wstr("Empty")) + endmark()),
    "pl-bad-name-among-values": PROPERTY_LIST + prop_list(
        prop("A", entry(LV_DWORD, u32(1)), entry(NAME, wstr("B")))),
    "pl-bad-no-endmark": PROPERTY_LIST + prop_list(entry(NAME, wstr("A")) + entry(LV_DWORD, u32(1))),
    "pl-bad-name-unterminated": PROPERTY_LIST + prop_list(
        entry(NAME, "A".encode("utf-16-le")) + entry(LV_DWORD, u32(1)) + endmark()),
    "pl-bad-empty-name": PROPERTY_LIST + prop_list(prop("", entry(LV_DWORD, u32(1)))),
    "pl-bad-name-lone-surrogate": PROPERTY_LIST + prop_list(
        entry(NAME, u16(0xDBFF) + u16(0)) + entry(LV_DWORD, u32(1)) + endmark()),
    "pl-bad-value-length": PROPERTY_LIST + prop_list(prop("A", entry(LV_DWORD, u64(1)))),
    "pl-bad-trailing": PROPERTY_LIST + prop_list(prop("A", entry(LV_DWORD, u32(1)))) + endmark(),
    "pl-bad-value-list-given": PROPERTY_LIST + value_list(entry(LV_DWORD, u32(1))),
}


def utf8(s):
    return s.encode("utf-8")


UTF_SEEDS = {
    # Valid UTF-8 (most of these are also an even number of bytes, so
    # they reach the UTF-16 side as well).
    "empty": b"",
    "ascii": utf8("Cluster Server"),
    "two-byte": utf8("Grüße, ñandú"),
    "three-byte": utf8("ディスク 磁盘 €"),
    "four-byte": utf8("\U0001F5A5\U0001F4BE\U00010348"),
    "max-code-point": utf8("\U0010FFFF"),
    "nul": b"a\0b",
    "boundaries": utf8("\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\U00010000"),
    # Invalid UTF-8
    "overlong-slash": b"\xc0\xaf",
    "overlong-3": b"\xe0\x80\xaf",
    "overlong-4": b"\xf0\x80\x80\xaf",
    "surrogate-encoded": b"\xed\xa0\x80",
    "above-max": b"\xf4\x90\x80\x80",
    "truncated-3": b"ab\xe2\x82",
    "truncated-4": b"\xf0\x9f\x96",
    "lone-continuation": b"\x80abc",
    "f5-byte": b"\xf5\x80\x80\x80",
    # UTF-16LE
    "utf16-ascii": "hello".encode("utf-16-le"),
    "utf16-pair": "\U0001F5A5x".encode("utf-16-le"),
    "utf16-bmp": "Größe 世界".encode("utf-16-le"),
    "utf16-lone-high": u16(0xD83D) + u16(0x0041),
    "utf16-lone-low": u16(0xDE00),
    "utf16-high-at-end": u16(0x0041) + u16(0xDBFF),
    "utf16-odd": b"a\0b",
}


# ---- the resource-host protocol (common/hostproto.h) ----
HP_MAGIC = 0x48525343
HP_VERSION = 1
HP_MAX_PAYLOAD = 16 * 1024 * 1024 + 2 * 1024 + 64
HP_OPEN, HP_CLOSE, HP_ONLINE, HP_OFFLINE, HP_TERMINATE, HP_SET_POLL = 1, 2, 3, 4, 5, 6
HP_CONTROL, HP_TYPE_CONTROL, HP_PING, HP_ARBITRATE, HP_RELEASE = 7, 8, 9, 10, 11
HP_COMPLETE, HP_RESOURCE_FAILED, HP_LOG = 64, 65, 66
HP_FAIL_IS_ALIVE = 2
CTL_GET_PRIVATE = 0x01000081         # CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES
CTL_SET_PRIVATE = 0x01400086         # CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES
CTL_TYPE_GET_CHARACTERISTICS = 0x02000005
ERROR_MORE_DATA = 234
ERROR_RESOURCE_FAILED = 5038


def hp_msg(mtype, payload=b"", req=1, res=0, status=0, length=None):
    """One message: header + payload (payload_len defaults to len(payload))."""
    return (u32(HP_MAGIC) + u16(HP_VERSION) + u16(mtype) + u64(req) + u64(res) + u32(status)
            + u32(len(payload) if length is None else length) + payload)


def hp_input(*records):
    """A fuzz_hostproto input: the record count minus one, then each record
    as a u16 length and its bytes."""
    assert 1 <= len(records) <= 8
    return bytes([len(records) - 1]) + b"".join(u16(len(r)) + r for r in records)


def hp_split(msg, *cuts):
    """A message cut into records at the given offsets."""
    bounds = (0,) + cuts + (len(msg),)
    return [msg[a:b] for a, b in zip(bounds, bounds[1:])]


def hp_open(type_name, name, props=b"", looks=5000, is_=60000, tl=None, nl=None, pl=None):
    t, n = type_name.encode(), name.encode()
    return (u32(len(t) if tl is None else tl) + u32(len(n) if nl is None else nl)
            + u32(len(props) if pl is None else pl) + u32(looks) + u32(is_) + u32(0)
            + t + n + props)


def hp_control(code, data=b"", out_size=4096, type_name=b"", il=None):
    return (u32(code) + u32(len(data) if il is None else il) + u32(out_size)
            + u32(len(type_name)) + type_name + data)


def hp_complete(request_type, out=b"", bytes_returned=None):
    return (u32(request_type) + u32(len(out) if bytes_returned is None else bytes_returned)
            + u32(len(out)) + u32(0) + out)


def hp_log(level, text):
    t = text.encode()
    return u32(level) + u32(len(t)) + t


PL_COMMON = PROPLIST_SEEDS["pl-common"][1:]    # without fuzz_proplist's selector byte
PL_DWORD = PROPLIST_SEEDS["pl-dword"][1:]
HP_OPEN_PROPS = hp_msg(HP_OPEN, hp_open("Dummy", "dummy-7", PL_COMMON), req=7, res=7)

HOSTPROTO_SEEDS = {
    # ---- valid requests, one record each ----
    "ping": hp_input(hp_msg(HP_PING)),
    "open": hp_input(hp_msg(HP_OPEN, hp_open("Dummy", "dummy-1"), res=1)),
    "open-props": hp_input(HP_OPEN_PROPS),
    "open-type-with-space": hp_input(
        hp_msg(HP_OPEN, hp_open("Physical Disk", "Disk Q:", PL_DWORD, 0, 0), res=2)),
    "close": hp_input(hp_msg(HP_CLOSE, res=1)),
    "online": hp_input(hp_msg(HP_ONLINE, res=1)),
    "offline": hp_input(hp_msg(HP_OFFLINE, res=1)),
    "terminate": hp_input(hp_msg(HP_TERMINATE, res=1)),
    "arbitrate": hp_input(hp_msg(HP_ARBITRATE, res=1)),
    "release": hp_input(hp_msg(HP_RELEASE, res=1)),
    "set-poll": hp_input(hp_msg(HP_SET_POLL, u32(5000) + u32(60000), res=1)),
    "control-get": hp_input(hp_msg(HP_CONTROL, hp_control(CTL_GET_PRIVATE), res=1)),
    "control-set": hp_input(hp_msg(HP_CONTROL, hp_control(CTL_SET_PRIVATE, PL_DWORD, 0), res=1)),
    "type-control": hp_input(hp_msg(
        HP_TYPE_CONTROL, hp_control(CTL_TYPE_GET_CHARACTERISTICS, b"", 64, b"Dummy"))),
    # ---- valid replies and events ----
    "complete": hp_input(hp_msg(HP_COMPLETE, hp_complete(HP_ONLINE), res=1)),
    "complete-out": hp_input(hp_msg(HP_COMPLETE, hp_complete(HP_CONTROL, PL_DWORD), res=1)),
    "complete-more-data": hp_input(hp_msg(
        HP_COMPLETE, hp_complete(HP_CONTROL, b"", 120), res=1, status=ERROR_MORE_DATA)),
    "resource-failed": hp_input(hp_msg(HP_RESOURCE_FAILED, u32(HP_FAIL_IS_ALIVE) + u32(0),
                                       req=0, res=1, status=ERROR_RESOURCE_FAILED)),
    "log": hp_input(hp_msg(HP_LOG, hp_log(6, "dummy-1: online"), req=0, res=1)),
    # ---- framing: split messages, several messages ----
    "split-open": hp_input(*hp_split(HP_OPEN_PROPS, 40, 100)),
    "split-header-alone": hp_input(*hp_split(
        hp_msg(HP_CONTROL, hp_control(CTL_SET_PRIVATE, PL_COMMON, 0), res=1), 32)),
    "sequence": hp_input(
        hp_msg(HP_PING, req=1), hp_msg(HP_OPEN, hp_open("Dummy", "d"), req=2, res=1),
        hp_msg(HP_ONLINE, req=3, res=1),
        hp_msg(HP_LOG, hp_log(3, "d: failed"), req=0, res=1),
        hp_msg(HP_COMPLETE, hp_complete(HP_ONLINE), req=3, res=1)),
    # ---- near-valid framing: one rule broken in each ----
    "bad-magic": hp_input(b"XSRH" + hp_msg(HP_PING)[4:]),
    "bad-version": hp_input(hp_msg(HP_PING)[:4] + u16(2) + hp_msg(HP_PING)[6:]),
    "bad-type": hp_input(hp_msg(12)),
    "bad-payload-over-cap": hp_input(hp_msg(HP_PING, length=HP_MAX_PAYLOAD + 1)),
    "bad-truncated-header": hp_input(hp_msg(HP_PING)[:10]),
    "bad-first-record-too-long": hp_input(hp_msg(HP_LOG, hp_log(6, "abcd"), length=4)),
    "bad-continuation-too-long": hp_input(hp_msg(HP_SET_POLL, length=8), bytes(range(16))),
    "bad-empty-continuation": hp_input(hp_msg(HP_SET_POLL, length=8), b""),
    # ---- well framed, malformed payloads ----
    "bad-open-type-len": hp_input(hp_msg(HP_OPEN, hp_open("Dummy", "x", tl=100), res=1)),
    "bad-open-type-slash": hp_input(hp_msg(HP_OPEN, hp_open("../dummy", "x"), res=1)),
    "bad-open-empty-name": hp_input(hp_msg(HP_OPEN, hp_open("Dummy", ""), res=1)),
    "bad-open-name-nul": hp_input(hp_msg(HP_OPEN, hp_open("Dummy", "a\0b"), res=1)),
    "bad-open-props-garbage": hp_input(hp_msg(HP_OPEN, hp_open("Dummy", "x", b"garbage"), res=1)),
    "bad-control-in-huge": hp_input(
        hp_msg(HP_CONTROL, hp_control(CTL_SET_PRIVATE, b"", 0, il=0xFFFFFFF0), res=1)),
    "bad-control-with-type": hp_input(
        hp_msg(HP_CONTROL, hp_control(CTL_GET_PRIVATE, b"", 64, b"Dummy"), res=1)),
    "bad-set-poll-short": hp_input(hp_msg(HP_SET_POLL, u32(5000), res=1)),
    "bad-complete-type": hp_input(hp_msg(HP_COMPLETE, hp_complete(HP_LOG), res=1)),
    "bad-failed-source": hp_input(hp_msg(HP_RESOURCE_FAILED, u32(0) + u32(0), req=0, res=1)),
    "bad-log-level": hp_input(hp_msg(HP_LOG, hp_log(8, "x"), req=0)),
}

# Each corpus: its directory (relative to tests/fuzz/) and its seeds.
# ======================================================================
# clusterd's messages: fuzz_cpg (corpus/cpg/) and fuzz_frames (corpus/frames/)
# ======================================================================
#
# Arguments of requests and model ops are property lists of named values
# (daemon/args.h); a CPG message is a 32-byte header and a payload
# (daemon/wire.h); an API frame a 20-byte header and a payload
# (common/clientproto.h).  The objects named are those the fuzzers' model
# holds (tests/fuzz/daemon_fixture.h): nodes n1 n2 n3, groups g1 g2,
# resources r1 (with private properties), r2 (depends on r1) and r3.

WIRE_MAGIC = 0x43534D31
WIRE_VERSION = 3
MSG_STATE, MSG_SNAPSHOT, MSG_OP, MSG_MOVE, MSG_CONTROL_REQ, MSG_CONTROL_REPLY = range(1, 7)
MSG_APPLIED = 10
PROTO_MAGIC = 0x43535031
PROTO_VERSION = 2

# enum cs_model_op (daemon/model.h)
(MOP_GROUP_CREATE, MOP_GROUP_DELETE, MOP_GROUP_RENAME, MOP_GROUP_SET_OWNERS, MOP_GROUP_PERSIST,
 MOP_RES_CREATE, MOP_RES_DELETE, MOP_RES_RENAME, MOP_RES_ADD_DEP, MOP_RES_DEL_DEP,
 MOP_RES_ADD_OWNER, MOP_RES_DEL_OWNER, MOP_RES_SET_PRIVATE, MOP_RES_SET_COMMON,
 MOP_RES_PERSIST) = range(1, 16)
MOP_RES_STATE, MOP_GROUP_OWNER, MOP_GROUP_MOVING, MOP_NODE_PAUSE, MOP_GROUP_HOLD = range(64, 69)

# enum cs_op (common/clientproto.h)
(CS_OP_STATUS, CS_OP_GROUP_CREATE, CS_OP_GROUP_DELETE, CS_OP_GROUP_RENAME, CS_OP_GROUP_ONLINE,
 CS_OP_GROUP_OFFLINE, CS_OP_GROUP_MOVE, CS_OP_GROUP_SET_OWNERS, CS_OP_RESOURCE_CREATE,
 CS_OP_RESOURCE_DELETE, CS_OP_RESOURCE_RENAME, CS_OP_RESOURCE_ONLINE, CS_OP_RESOURCE_OFFLINE,
 CS_OP_RESOURCE_FAIL, CS_OP_RESOURCE_ADD_DEP, CS_OP_RESOURCE_DEL_DEP, CS_OP_RESOURCE_ADD_OWNER,
 CS_OP_RESOURCE_DEL_OWNER, CS_OP_RESOURCE_CONTROL, CS_OP_TYPE_CONTROL, CS_OP_GROUP_CONTROL,
 CS_OP_NODE_CONTROL, CS_OP_CLUSTER_CONTROL, CS_OP_NODE_PAUSE, CS_OP_NODE_RESUME,
 CS_OP_LOOKUP) = range(1, 27)

# control codes (include/clusapi/clusctl.h): object << 24 | modify << 22 | function << 2 | access
OBJ_RESOURCE, OBJ_TYPE, OBJ_GROUP, OBJ_NODE, OBJ_CLUSTER = 1, 2, 3, 4, 7
READ, WRITE = 1, 2


def ctl(obj, function, access=READ, modify=0):
    return obj << 24 | modify << 22 | function << 2 | access


GET_CHARACTERISTICS, GET_FLAGS, GET_CLASS_INFO, GET_REQUIRED_DEPENDENCIES = 1, 2, 3, 4
GET_NAME, GET_RESOURCE_TYPE, GET_ID, GET_FQDN = 10, 11, 14, 15
ENUM_COMMON, GET_RO_COMMON, GET_COMMON, SET_COMMON, VALIDATE_COMMON = 20, 21, 22, 23, 24
ENUM_PRIVATE, GET_RO_PRIVATE, GET_PRIVATE, SET_PRIVATE, VALIDATE_PRIVATE = 30, 31, 32, 33, 34
STORAGE_GET_DISK_INFO = 100

CLUSTER_RESOURCE_ONLINE, CLUSTER_RESOURCE_OFFLINE, CLUSTER_RESOURCE_FAILED = 2, 3, 4
ERROR_MORE_DATA = 234


def p_sz(name, s):
    return prop(name, entry(LV_SZ, wstr(s)))


def p_dword(name, v):
    return prop(name, entry(LV_DWORD, u32(v)))


def p_ularge(name, v):
    return prop(name, entry(LV_ULARGE_INTEGER, u64(v)))


def p_multi(name, *strs):
    return prop(name, entry(LV_MULTI_SZ, wmulti(*strs)))


def p_binary(name, data):
    return prop(name, entry(LV_BINARY, data))


def args(**kw):
    """Named arguments (args.h), in cs_args_encode's order."""
    out = []
    for key, name in (("name", "Name"), ("new_name", "NewName"), ("node", "Node"),
                      ("group", "Group"), ("type", "Type"), ("depends_on", "DependsOn")):
        if key in kw:
            out.append(p_sz(name, kw[key]))
    if "nodes" in kw:
        out.append(p_multi("Nodes", *kw["nodes"]))
    if "in_" in kw:
        out.append(p_binary("In", kw["in_"]))
    if "private" in kw:
        out.append(p_binary("Private", kw["private"]))
    for key, name in (("code", "Code"), ("out_size", "OutSize"), ("wait_ms", "WaitMs"),
                      ("state", "State"), ("node_id", "NodeId"), ("seq", "Seq"),
                      ("failover", "Failover")):
        if key in kw:
            out.append(p_dword(name, kw[key]))
    return prop_list(*out)


PRIVATE = prop_list(
    p_dword("Signature", 0x5CA1AB1E),
    p_multi("MountPoints", "/srv/data", "/srv/logs"),
    p_sz("Label", "data"))
PRIVATE_UPDATE = prop_list(p_sz("Label", "logs"), p_dword("Extra", 7))
COMMON_UPDATE = prop_list(p_dword("RestartThreshold", 5), p_dword("PendingTimeout", 1000))


def group_record(name, preferred=(), persistent=0, owner=0, state=1, moving_to=0,
                 runtime=True, extra=()):
    """A "Group" record as model_encode_group() writes it."""
    fields = [p_sz("Name", name), p_multi("PreferredOwners", *preferred),
              p_dword("PersistentState", persistent), p_dword("FailoverThreshold", 10),
              p_dword("FailoverPeriod", 6), p_dword("AutoFailbackType", 0)]
    if runtime:
        fields += [p_dword("OwnerNodeId", owner), p_dword("State", state),
                   p_dword("MovingTo", moving_to)]
    return p_binary("Group", prop_list(*fields, *extra))


def resource_record(name, rtype, group, uid, deps=(), owners=(), private=b"", persistent=0,
                    state=CLUSTER_RESOURCE_OFFLINE, runtime=True, extra=(), skip=()):
    """A "Resource" record as model_encode_resource() writes it."""
    fields = [("Name", p_sz("Name", name)), ("Type", p_sz("Type", rtype)),
              ("Group", p_sz("Group", group)), ("Uid", p_ularge("Uid", uid)),
              ("DependsOn", p_multi("DependsOn", *deps)),
              ("PossibleOwners", p_multi("PossibleOwners", *owners)),
              ("PrivateProperties", p_binary("PrivateProperties", private)),
              ("RestartAction", p_dword("RestartAction", 2)),
              ("RestartThreshold", p_dword("RestartThreshold", 3)),
              ("RestartPeriod", p_dword("RestartPeriod", 900000)),
              ("LooksAlivePollInterval", p_dword("LooksAlivePollInterval", 5000)),
              ("IsAlivePollInterval", p_dword("IsAlivePollInterval", 60000)),
              ("PendingTimeout", p_dword("PendingTimeout", 180000)),
              ("PersistentState", p_dword("PersistentState", persistent))]
    if runtime:
        fields.append(("State", p_dword("State", state)))
    return p_binary("Resource", prop_list(*(f for n, f in fields if n not in skip), *extra))


def snapshot(*records, schema=2, version=9, paused=("n3",)):
    head = [] if schema is None else [p_dword("SchemaVersion", schema)]
    return prop_list(*head, p_ularge("Version", version), *records, p_multi("Paused", *paused))


def cluster_snapshot(**kw):
    """A cluster like the fuzzers' own, as a leader would send it."""
    return snapshot(
        group_record("g1", ("n2", "n1"), persistent=1, owner=2, state=3),
        group_record("g2"),
        resource_record("r1", "Physical Disk", "g1", 4, owners=("n1", "n2"), private=PRIVATE,
                        persistent=1, state=CLUSTER_RESOURCE_ONLINE),
        resource_record("r2", "Dummy", "g1", 5, deps=("r1",), persistent=1),
        resource_record("r3", "IP Address", "g2", 8, state=CLUSTER_RESOURCE_FAILED), **kw)


def cpg(mtype, payload=b"", op=0, frm=1, dest=0, req_id=0, status=0, version=WIRE_VERSION,
        length=None, magic=WIRE_MAGIC):
    return (u32(magic) + u16(mtype) + u16(op) + u32(frm) + u32(dest) + u32(req_id)
            + u32(status) + u32(len(payload) if length is None else length) + u32(version)
            + payload)


def state(version, flags, epoch=3):
    return u64(version) + u32(flags) + u64(epoch)


def frame(op, payload=b"", req_id=1, status=0, version=PROTO_VERSION, length=None,
          magic=PROTO_MAGIC):
    return (u32(magic) + u16(version) + u16(op) + u32(req_id) + u32(status)
            + u32(len(payload) if length is None else length) + payload)


# One model op of every kind, valid on the fuzzers' model.
OP_ARGS = {
    "group-create": (MOP_GROUP_CREATE, args(name="g3")),
    "group-delete": (MOP_GROUP_DELETE, args(name="g2")),
    "group-rename": (MOP_GROUP_RENAME, args(name="g1", new_name="Gruppe-\u00e4")),
    "group-set-owners": (MOP_GROUP_SET_OWNERS, args(name="g1", nodes=("n3", "n1"))),
    "group-persist": (MOP_GROUP_PERSIST, args(name="g1", state=1)),
    "res-create": (MOP_RES_CREATE, args(name="r3", group="g2", type="Dummy", private=PRIVATE)),
    "res-delete": (MOP_RES_DELETE, args(name="r2")),
    "res-rename": (MOP_RES_RENAME, args(name="r1", new_name="disk")),
    "res-add-dep": (MOP_RES_ADD_DEP, args(name="r3", depends_on="r1")),
    "res-add-dep-cycle": (MOP_RES_ADD_DEP, args(name="r1", depends_on="r2")),
    "res-del-dep": (MOP_RES_DEL_DEP, args(name="r2", depends_on="r1")),
    "res-add-owner": (MOP_RES_ADD_OWNER, args(name="r1", node="n3")),
    "res-del-owner": (MOP_RES_DEL_OWNER, args(name="r1", node="n2")),
    "res-set-private": (MOP_RES_SET_PRIVATE, args(name="r1", private=PRIVATE_UPDATE)),
    "res-set-common": (MOP_RES_SET_COMMON, args(name="r1", in_=COMMON_UPDATE)),
    "res-persist": (MOP_RES_PERSIST, args(name="r1", state=0)),
    "res-state": (MOP_RES_STATE, args(name="r2", state=CLUSTER_RESOURCE_FAILED)),
    "group-owner": (MOP_GROUP_OWNER, args(name="g1", node_id=2)),
    "group-moving": (MOP_GROUP_MOVING, args(name="g1", node_id=3)),
    "node-pause": (MOP_NODE_PAUSE, args(name="n2", state=1)),
    "group-moving-failover": (MOP_GROUP_MOVING, args(name="g1", node_id=3, failover=1795000000)),
    "group-hold": (MOP_GROUP_HOLD, args(name="g1", state=1)),
    "group-hold-unowned": (MOP_GROUP_HOLD, args(name="g1", state=1, node_id=0)),
    "group-hold-bad": (MOP_GROUP_HOLD, args(name="g1", state=7)),
}

# Controls clusterd answers, and some it leaves to plugins.
CONTROLS = {
    "resource-get-common": (CS_OP_RESOURCE_CONTROL,
                            args(name="r1", code=ctl(OBJ_RESOURCE, GET_COMMON), out_size=4096)),
    "resource-enum-private": (CS_OP_RESOURCE_CONTROL,
                              args(name="r1", code=ctl(OBJ_RESOURCE, ENUM_PRIVATE),
                                   out_size=256)),
    "resource-get-private": (CS_OP_RESOURCE_CONTROL,
                             args(name="r1", code=ctl(OBJ_RESOURCE, GET_PRIVATE), out_size=8)),
    "resource-validate-common": (CS_OP_RESOURCE_CONTROL,
                                 args(name="r2", code=ctl(OBJ_RESOURCE, VALIDATE_COMMON),
                                      in_=COMMON_UPDATE, out_size=0)),
    "resource-validate-private": (CS_OP_RESOURCE_CONTROL,
                                  args(name="r1", code=ctl(OBJ_RESOURCE, VALIDATE_PRIVATE),
                                       in_=PRIVATE_UPDATE, out_size=0)),
    "resource-disk-info": (CS_OP_RESOURCE_CONTROL,
                           args(name="r1", node="n1",
                                code=ctl(OBJ_RESOURCE, STORAGE_GET_DISK_INFO), out_size=4096)),
    "type-class-info": (CS_OP_TYPE_CONTROL,
                        args(name="Physical Disk", code=ctl(OBJ_TYPE, GET_CLASS_INFO),
                             out_size=8)),
    "group-get-name": (CS_OP_GROUP_CONTROL,
                       args(name="g1", code=ctl(OBJ_GROUP, GET_NAME), out_size=64)),
    "node-get-id": (CS_OP_NODE_CONTROL, args(name="n2", code=ctl(OBJ_NODE, GET_ID), out_size=16)),
    "cluster-fqdn": (CS_OP_CLUSTER_CONTROL, args(code=ctl(OBJ_CLUSTER, GET_FQDN), out_size=64)),
    "cluster-enum-common": (CS_OP_CLUSTER_CONTROL,
                            args(code=ctl(OBJ_CLUSTER, ENUM_COMMON), out_size=1)),
}

CPG_SEEDS = {
    # ---- STATE ----
    "state": cpg(MSG_STATE, state(9, 0)),
    "applied": cpg(MSG_APPLIED, struct.pack("<Q", 42)),
    "applied-bad-short": cpg(MSG_APPLIED, struct.pack("<I", 42)),
    "state-established": cpg(MSG_STATE, state(1 << 40, 1), frm=3),
    "state-protocol-1": cpg(MSG_STATE, state(9, 1), version=0),
    "state-protocol-2": cpg(MSG_STATE, state(9, 1), version=2),
    "state-protocol-4": cpg(MSG_STATE, state(9, 1), version=4),
    "state-bad-short": cpg(MSG_STATE, state(9, 0)[:11]),
    "state-protocol-2-v1-size": cpg(MSG_STATE, state(9, 0)[:12]),
    "state-distrusted": cpg(MSG_STATE, state(1 << 40, 4, epoch=7), frm=2),
    # ---- SNAPSHOT ----
    "snapshot": cpg(MSG_SNAPSHOT, cluster_snapshot()),
    "snapshot-empty": cpg(MSG_SNAPSHOT, snapshot(version=0, paused=())),
    "snapshot-database": cpg(MSG_SNAPSHOT, snapshot(
        group_record("g1", ("n1",), runtime=False),
        resource_record("r1", "Dummy", "g1", 1, runtime=False), paused=())),
    "snapshot-unknown-fields": cpg(MSG_SNAPSHOT, prop_list(
        p_dword("SchemaVersion", 2), p_sz("Future", "x"),
        group_record("g1", extra=(p_dword("Colour", 3),)),
        resource_record("r1", "Dummy", "g1", 2, extra=(p_multi("Tags", "a", "b"),)))),
    "snapshot-cycle": cpg(MSG_SNAPSHOT, snapshot(
        group_record("g1"),
        resource_record("r1", "Dummy", "g1", 1, deps=("r2",)),
        resource_record("r2", "Dummy", "g1", 2, deps=("r1",)))),
    "snapshot-orphans": cpg(MSG_SNAPSHOT, snapshot(
        resource_record("r1", "Dummy", "nowhere", 1, deps=("ghost",), owners=("n9",)))),
    "snapshot-bad-newer-schema": cpg(MSG_SNAPSHOT, snapshot(group_record("g1"), schema=3)),
    "snapshot-bad-no-schema": cpg(MSG_SNAPSHOT, snapshot(group_record("g1"), schema=None)),
    "snapshot-bad-group-twice": cpg(MSG_SNAPSHOT, snapshot(group_record("g1"),
                                                           group_record("g1"))),
    "snapshot-bad-name": cpg(MSG_SNAPSHOT, snapshot(group_record("a/b"))),
    "snapshot-bad-private": cpg(MSG_SNAPSHOT, snapshot(
        group_record("g1"), resource_record("r1", "Dummy", "g1", 1, private=b"\x01\x00\x00\x00"))),
    "snapshot-bad-no-uid": cpg(MSG_SNAPSHOT, snapshot(
        group_record("g1"), resource_record("r1", "Dummy", "g1", 1, skip=("Uid",)))),
    "snapshot-bad-field-twice": cpg(MSG_SNAPSHOT, snapshot(
        group_record("g1", extra=(p_dword("State", 0),)))),
    "snapshot-bad-record-type": cpg(MSG_SNAPSHOT, snapshot(p_dword("Group", 1))),
    # ---- OP ----
    **{"op-" + name: cpg(MSG_OP, payload, op=op, req_id=i + 1)
       for i, (name, (op, payload)) in enumerate(OP_ARGS.items())},
    "op-unknown": cpg(MSG_OP, args(name="g1"), op=99),
    "op-no-args": cpg(MSG_OP, b"", op=MOP_GROUP_CREATE),
    "op-bad-name-type": cpg(MSG_OP, prop_list(p_dword("Name", 1)), op=MOP_GROUP_CREATE),
    # ---- CONTROL_REQ / CONTROL_REPLY ----
    **{"control-" + name: cpg(MSG_CONTROL_REQ, payload, op=op, dest=2, req_id=40 + i)
       for i, (name, (op, payload)) in enumerate(CONTROLS.items())},
    "control-reply": cpg(MSG_CONTROL_REPLY, args(in_=wstr("g1"), out_size=6), frm=2, dest=1,
                         req_id=41),
    "control-reply-more-data": cpg(MSG_CONTROL_REPLY, args(out_size=4096), frm=2, dest=1,
                                   req_id=42, status=ERROR_MORE_DATA),
    "control-reply-overlong": cpg(MSG_CONTROL_REPLY, args(in_=bytes(16), out_size=4), frm=2,
                                  dest=1, req_id=43),
    # ---- framing ----
    "bad-magic": cpg(MSG_STATE, state(1, 0), magic=0x43534D32),
    "bad-length": cpg(MSG_STATE, state(1, 0), length=13),
    "bad-short-header": cpg(MSG_STATE, b"")[:31],
    "unknown-type": cpg(9, args(name="g1")),
    "move-unused": cpg(MSG_MOVE, args(name="g1")),
}


def frames(*fs):
    return b"".join(fs)


FRAME_SEEDS = {
    "status": frame(CS_OP_STATUS),
    "status-empty-list": frame(CS_OP_STATUS, prop_list()),
    "group-create": frame(CS_OP_GROUP_CREATE, args(name="g3")),
    "group-delete": frame(CS_OP_GROUP_DELETE, args(name="g2")),
    "group-rename": frame(CS_OP_GROUP_RENAME, args(name="g1", new_name="web")),
    "group-online": frame(CS_OP_GROUP_ONLINE, args(name="g1", node="n2", wait_ms=5000)),
    "group-offline": frame(CS_OP_GROUP_OFFLINE, args(name="g1", wait_ms=0)),
    "group-move": frame(CS_OP_GROUP_MOVE, args(name="g1")),
    "group-set-owners": frame(CS_OP_GROUP_SET_OWNERS, args(name="g1", nodes=("n2", "n3"))),
    "resource-create": frame(CS_OP_RESOURCE_CREATE,
                             args(name="r3", type="Dummy", group="g2", private=PRIVATE)),
    "resource-delete": frame(CS_OP_RESOURCE_DELETE, args(name="r2")),
    "resource-rename": frame(CS_OP_RESOURCE_RENAME, args(name="r1", new_name="disk")),
    "resource-online": frame(CS_OP_RESOURCE_ONLINE, args(name="r2", wait_ms=100)),
    "resource-offline": frame(CS_OP_RESOURCE_OFFLINE, args(name="r1")),
    "resource-fail": frame(CS_OP_RESOURCE_FAIL, args(name="r1")),
    "resource-add-dep": frame(CS_OP_RESOURCE_ADD_DEP, args(name="r3", depends_on="r1")),
    "resource-del-dep": frame(CS_OP_RESOURCE_DEL_DEP, args(name="r2", depends_on="r1")),
    "resource-add-owner": frame(CS_OP_RESOURCE_ADD_OWNER, args(name="r1", node="n3")),
    "resource-del-owner": frame(CS_OP_RESOURCE_DEL_OWNER, args(name="r1", node="n1")),
    "resource-set-common": frame(CS_OP_RESOURCE_CONTROL, args(
        name="r1", code=ctl(OBJ_RESOURCE, SET_COMMON, WRITE, 1), in_=COMMON_UPDATE,
        out_size=0)),
    "resource-set-private": frame(CS_OP_RESOURCE_CONTROL, args(
        name="r1", code=ctl(OBJ_RESOURCE, SET_PRIVATE, WRITE, 1), in_=PRIVATE_UPDATE,
        out_size=0)),
    **{"control-" + name: frame(op, payload, req_id=50 + i)
       for i, (name, (op, payload)) in enumerate(CONTROLS.items())},
    "node-pause": frame(CS_OP_NODE_PAUSE, args(name="n2")),
    "node-resume": frame(CS_OP_NODE_RESUME, args(name="n3")),
    "lookup": frame(CS_OP_LOOKUP, args(name="r1", state=3)),
    # a session: frames that build on each other
    "session": frames(
        frame(CS_OP_GROUP_CREATE, args(name="web"), req_id=1),
        frame(CS_OP_RESOURCE_CREATE, args(name="ip", type="IP Address", group="web"), req_id=2),
        frame(CS_OP_RESOURCE_CREATE, args(name="httpd", type="Dummy", group="web"), req_id=3),
        frame(CS_OP_RESOURCE_ADD_DEP, args(name="httpd", depends_on="ip"), req_id=4),
        frame(CS_OP_RESOURCE_ADD_OWNER, args(name="ip", node="n2"), req_id=5),
        frame(CS_OP_GROUP_ONLINE, args(name="web", wait_ms=1000), req_id=6),
        frame(CS_OP_GROUP_MOVE, args(name="web", node="n2"), req_id=7),
        frame(CS_OP_RESOURCE_RENAME, args(name="ip", new_name="vip"), req_id=8),
        frame(CS_OP_GROUP_RENAME, args(name="web", new_name="www"), req_id=9),
        frame(CS_OP_STATUS, req_id=10),
        frame(CS_OP_GROUP_OFFLINE, args(name="www"), req_id=11),
        frame(CS_OP_RESOURCE_DEL_DEP, args(name="httpd", depends_on="vip"), req_id=12),
        frame(CS_OP_RESOURCE_DELETE, args(name="httpd"), req_id=13),
        frame(CS_OP_RESOURCE_DELETE, args(name="vip"), req_id=14),
        frame(CS_OP_GROUP_DELETE, args(name="www"), req_id=15)),
    # ---- what clusterd refuses or drops ----
    "bad-no-name": frame(CS_OP_GROUP_CREATE, prop_list()),
    "bad-payload": frame(CS_OP_GROUP_CREATE, b"\x01\x00\x00\x00"),
    "bad-unknown-op": frame(99, args(name="g1")),
    "bad-version-then-status": frames(frame(CS_OP_STATUS, version=1), frame(CS_OP_STATUS)),
    "bad-magic": frame(CS_OP_STATUS, magic=0x43535032),
    "bad-length-over-cap": frame(CS_OP_STATUS, length=16 * 1024 * 1024 + 1),
    "bad-cut-short": frames(frame(CS_OP_STATUS), frame(CS_OP_GROUP_CREATE, args(name="g3"))[:30]),
    "bad-control-no-code": frame(CS_OP_GROUP_CONTROL, args(name="g1", out_size=8)),
}

DAEMON_CORPORA = (("corpus/cpg", CPG_SEEDS), ("corpus/frames", FRAME_SEEDS))


CORPORA = (
    ("corpus/proplist", PROPLIST_SEEDS),
    ("corpus/utf", UTF_SEEDS),
    ("../host/corpus_hostproto", HOSTPROTO_SEEDS),
)


def write_all():
    out = {}
    for sub, seeds in CORPORA + DAEMON_CORPORA:
        for name, data in seeds.items():
            out[os.path.normpath(os.path.join(HERE, sub, name))] = data
    return out


def main(argv):
    files = write_all()
    dirs = [os.path.normpath(os.path.join(HERE, sub)) for sub, _ in CORPORA + DAEMON_CORPORA]
    if argv[1:] == ["--check"]:
        bad = []
        for path, data in files.items():
            try:
                with open(path, "rb") as f:
                    if f.read() != data:
                        bad.append(path)
            except FileNotFoundError:
                bad.append(path)
        for d in dirs:
            for name in os.listdir(d) if os.path.isdir(d) else []:
                if os.path.join(d, name) not in files:
                    bad.append(os.path.join(d, name))
        for path in bad:
            print("out of date: " + os.path.relpath(path, HERE))
        return 1 if bad else 0
    if argv[1:]:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    for d in dirs:
        os.makedirs(d, exist_ok=True)
        for name in os.listdir(d):
            if os.path.join(d, name) not in files:
                os.remove(os.path.join(d, name))
    for path, data in files.items():
        with open(path, "wb") as f:
            f.write(data)
    print("wrote %d seeds under %s" % (len(files), ", ".join(
        os.path.relpath(d, os.getcwd()) for d in dirs)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
