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
CORPORA = (
    ("corpus/proplist", PROPLIST_SEEDS),
    ("corpus/utf", UTF_SEEDS),
    ("../host/corpus_hostproto", HOSTPROTO_SEEDS),
)


def write_all():
    out = {}
    for sub, seeds in CORPORA:
        for name, data in seeds.items():
            out[os.path.normpath(os.path.join(HERE, sub, name))] = data
    return out


def main(argv):
    files = write_all()
    dirs = [os.path.normpath(os.path.join(HERE, sub)) for sub, _ in CORPORA]
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
