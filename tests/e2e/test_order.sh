#!/usr/bin/env bash
# End-to-end test of dependency order, on a real 3-node sandbox: three Dummy
# resources a <- b <- c (c depends on b, b on a), each taking D ms to go
# online and D ms to go offline, each writing a state file wherever it runs.
#
#   group online:      a, then b, then c         (each started after the one before was up)
#   group offline:     c, then b, then a
#   resource online c: a, then b, then c         (from all offline)
#   resource offline b: c, then b; a stays up
#   group move:        c, b, a offline on the old owner, then a, b, c online on the
#                      new one, which starts only after the old one finished
#
# How it is observed.  Every Dummy writes "online"/"offline" to its StateFile
# (atomically: write a temporary file, rename it over the path), on the node
# where it runs.  StateFile is $E2E_TMP/here/X, and $E2E_TMP/here is a
# symbolic link to /run/cs-e2e-order, which in node nK (its own /run) is a link
# to $E2E_TMP/nK: the same path lands in a directory per node, all visible
# from the test (/tmp is shared with the nodes; checked).  So a file's
# directory says which node ran the resource, its content what it did last,
# and its modification time (ns) when.  "X started after Y was up" is proven
# by mtime(X) - mtime(Y) >= D: X's step takes D from its start.  For the move,
# where the old owner writes each file twice (the offline, then the terminate
# that unloads the resource), an inotify recorder logs every rename in every
# node's directory, in the kernel's order, with the file's content and mtime.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_order.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The system python: a python3 earlier on PATH may be a wrapper (a pyenv
# shim costs ~0.4 s a call); this also serves lib.sh's jq_py.
PY=$(command -v python3)
if [[ -x /usr/bin/python3 ]]; then
	PY=/usr/bin/python3
	python3() { /usr/bin/python3 "$@"; }
fi

D=400      # OnlineDelayMs and OfflineDelayMs of every resource
TOL=20     # ms: mtime granularity and clock reading
NODES=(n1 n2 n3)
HERE=$E2E_TMP/here
CHK=$E2E_TMP/order.py
REC=$E2E_TMP/recorder.py
REC_PID=

# ---------------------------------------------------------------------------
# chain DIR STATE X1 X2 ...: each file DIR/Xi says STATE, and X(i+1) was
# written at least D - TOL ms after Xi (so X(i+1)'s step started after Xi's
# finished).  Prints the mtimes.
# same DIR X MTIME_NS STATE: DIR/X says STATE and was not written since MTIME_NS.
# mtime DIR X: the mtime of DIR/X in ns.
# moved LOG D TOL: the checks of the move on the recorder's log (see below).
cat >"$CHK" <<'EOF'
import os, sys

D, TOL = int(os.environ["D"]), int(os.environ["TOL"])
MS = 1000000

def read(path):
    with open(path) as f:
        return f.read().strip(), os.fstat(f.fileno()).st_mtime_ns

def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

cmd = sys.argv[1]
if cmd == "chain":
    d, state, names = sys.argv[2], sys.argv[3], sys.argv[4:]
    prev = None
    out = []
    for x in names:
        try:
            content, t = read(os.path.join(d, x))
        except OSError as e:
            fail(f"{x}: no state file in {d}: {e}")
        if content != state:
            fail(f"{x}: state file in {d} says {content!r}, not {state!r}")
        if prev is not None:
            gap = (t - prev[1]) / MS
            out.append(f"{prev[0]}->{x} {gap:.0f} ms")
            if gap < D - TOL:
                fail(f"{x} was {state} {gap:.1f} ms after {prev[0]}: it started before "
                     f"{prev[0]} was {state} (each step takes {D} ms)")
        prev = (x, t)
    print(", ".join(out))
elif cmd == "mtime":
    print(read(os.path.join(sys.argv[2], sys.argv[3]))[1])
elif cmd == "same":
    d, x, t0, state = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    content, t = read(os.path.join(d, x))
    if content != state or t != t0:
        fail(f"{x} in {d}: says {content!r} written at {t}, expected {state!r} untouched since {t0}")
elif cmd == "moved":
    # recorder lines: ARRIVAL_NS NODE FILE CONTENT MTIME_NS
    old, new, other = sys.argv[3], sys.argv[4], sys.argv[5]
    ev = []
    with open(sys.argv[2]) as f:
        for line in f:
            p = line.split()
            if len(p) == 5 and p[0] != "ready":
                ev.append((int(p[0]), p[1], p[2], p[3], int(p[4])))
    for e in ev:
        if e[1] == other:
            fail(f"{other}, which has nothing to do with the move, wrote {e[2]}: {e}")
    last = {}          # (node, file) -> last content seen, starting from before the move
    for x in "abc":
        last[(old, x)] = "online"
    trans = []         # (index, node, file, content, mtime): a change of content
    for i, (_, node, x, content, mt) in enumerate(ev):
        if content not in ("online", "offline"):
            fail(f"unreadable state file at event {i}: {ev[i]}")
        if last.get((node, x)) != content:
            trans.append((i, node, x, content, mt))
        last[(node, x)] = content
        if node == old and content != "offline":
            fail(f"the old owner {old} wrote {content!r} to {x} during the move")
    off = [t for t in trans if t[1] == old]
    on = [t for t in trans if t[1] == new]
    if [(t[2], t[3]) for t in off] != [("c", "offline"), ("b", "offline"), ("a", "offline")]:
        fail(f"on the old owner {old}, expected c, b, a to go offline in that order: {off}")
    if [(t[2], t[3]) for t in on] != [("a", "online"), ("b", "online"), ("c", "online")]:
        fail(f"on the new owner {new}, expected a, b, c to go online in that order: {on}")
    # the handover: everything the old owner did to go offline comes before
    # anything the new owner wrote (kernel order), and the new owner started
    # a (which takes D) only after the old owner had a offline
    first_new = min(i for i, e in enumerate(ev) if e[1] == new)
    if off[-1][0] > first_new:
        fail(f"the new owner wrote before the old owner had everything offline: {ev}")
    gaps = []
    for seq in (off, on):
        for p, q in zip(seq, seq[1:]):
            gap = (q[4] - p[4]) / MS
            gaps.append(f"{p[1]}:{p[2]}->{q[2]} {gap:.0f} ms")
            if gap < D - TOL:
                fail(f"{q[1]}: {q[2]} {q[3]} only {gap:.1f} ms after {p[2]}: it started too early")
    hand = (on[0][4] - off[-1][4]) / MS
    gaps.append(f"{old}:a offline->{new}:a online {hand:.0f} ms")
    if hand < D - TOL:
        fail(f"{new} had a online {hand:.1f} ms after {old} had it offline: "
             f"it started before the old owner finished")
    print(", ".join(gaps))
EOF
export D TOL

# The recorder: prints "ready", then a line per rename into one of the
# watched directories (NODE=DIR ...): arrival time, node, file, content and
# mtime of the file that arrived (read through one descriptor).  Exits when
# its parent (this test) is gone.
cat >"$REC" <<'EOF'
import ctypes, os, select, struct, sys, time

IN_MOVED_TO = 0x80
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_CLOEXEC | os.O_NONBLOCK)
if fd < 0:
    sys.exit("inotify_init1 failed: errno %d" % ctypes.get_errno())
parent = os.getppid()
watch = {}
for arg in sys.argv[1:]:
    node, path = arg.split("=", 1)
    wd = libc.inotify_add_watch(fd, path.encode(), IN_MOVED_TO)
    if wd < 0:
        sys.exit("inotify_add_watch %s failed: errno %d" % (path, ctypes.get_errno()))
    watch[wd] = (node, path)
print("ready", flush=True)
while os.getppid() == parent:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r:
        continue
    buf = os.read(fd, 65536)
    now = time.time_ns()
    off = 0
    while off < len(buf):
        wd, mask, cookie, ln = struct.unpack_from("iIII", buf, off)
        name = buf[off + 16:off + 16 + ln].rstrip(b"\0").decode()
        off += 16 + ln
        node, path = watch[wd]
        try:
            with open(os.path.join(path, name)) as f:
                content = f.read().strip() or "?"
                mt = os.fstat(f.fileno()).st_mtime_ns
        except OSError:
            content, mt = "?", 0
        print(now, node, name, content, mt, flush=True)
EOF

chain() {
	local out
	out=$("$PY" "$CHK" chain "$@") || fail "order: $*"
	note "  $1: ${*:3} $2: $out"
}
mtime() { "$PY" "$CHK" mtime "$@"; }

stop_recorder() {
	if [[ -n $REC_PID ]]; then
		kill "$REC_PID" 2>/dev/null || true
		wait "$REC_PID" 2>/dev/null || true
		REC_PID=
	fi
}
# stop our recorder first, then lib.sh's cleanup, which reads the test's exit
# status from $? (set +e: under errexit, `(exit 1)` would end the trap there)
trap 'rc=$?; set +e; stop_recorder; (exit $rc); e2e_cleanup' EXIT

# res_states NODE: "a:STATE:OWNER b:... c:..."
res_states() {
	jq_py "$1" "' '.join('%s:%s:%s' % (r['name'], r['state'], r['owner']) for r in sorted(s['resources'], key=lambda r: r['name']))"
}

# ---------------------------------------------------------------------------
note "bringing up 3 nodes"
sandbox_up 3

# /tmp is shared with the nodes, both ways; the per-node link resolves per node.
echo "from the test" >"$E2E_TMP/probe"
ln -s /run/cs-e2e-order "$HERE"
for n in "${NODES[@]}"; do
	mkdir "$E2E_TMP/$n"
	[[ $("$SB" exec "$n" -- cat "$E2E_TMP/probe") == "from the test" ]] ||
		fail "$n does not see $E2E_TMP/probe: /tmp is not shared with the nodes"
	"$SB" exec "$n" -- sh -c "hostname > '$E2E_TMP/probe-$n'"
	[[ $(cat "$E2E_TMP/probe-$n" 2>/dev/null) == "$n" ]] || fail "a file written in $n is not in the test's /tmp"
	"$SB" exec "$n" -- ln -s "$E2E_TMP/$n" /run/cs-e2e-order
	[[ $("$SB" exec "$n" -- readlink -f "$HERE") == "$E2E_TMP/$n" ]] ||
		fail "$HERE does not lead to $E2E_TMP/$n in $n"
done
[[ ! -e /run/cs-e2e-order ]] || fail "the nodes' /run is the host's"
note "/tmp is shared with the nodes; $HERE leads to a directory per node"

# Created in reverse order (c first), so that the dependency order is not the
# order of creation.
cl n1 group create chain
cl n1 group set-owners chain n1 n3
for x in c b a; do
	cl n2 resource create "$x" --type Dummy --group chain --priv "OnlineDelayMs=$D" \
		--priv "OfflineDelayMs=$D" --priv "StateFile=$HERE/$x"
done
cl n3 resource depend b --on a
cl n3 resource depend c --on b

# 1. group online: a, b, c in order on the preferred owner n1.
t0=${EPOCHREALTIME/[.,]/}
cl n2 group online chain --wait 30 || fail "group online chain failed"
t1=${EPOCHREALTIME/[.,]/}
chain "$E2E_TMP/n1" online a b c
(((t1 - t0) / 1000 >= 3 * D - TOL)) || fail "group online --wait returned after $(((t1 - t0) / 1000)) ms, before 3 x $D ms"
for n in "${NODES[@]}"; do
	expect_eq "$(group_field "$n" chain owner):$(group_field "$n" chain state)" n1:Online "chain as $n sees it"
	expect_eq "$(res_states "$n")" "a:Online:n1 b:Online:n1 c:Online:n1" "resources as $n sees them"
done
left=$(find "$E2E_TMP/n2" "$E2E_TMP/n3" -mindepth 1)
[[ -z $left ]] || fail "something ran outside n1: $left"
note "group online: a, then b, then c, on n1 only ($(((t1 - t0) / 1000)) ms)"

# 2. group offline: c, b, a.
cl n3 group offline chain --wait 30 || fail "group offline chain failed"
chain "$E2E_TMP/n1" offline c b a
for n in "${NODES[@]}"; do
	expect_eq "$(group_field "$n" chain state)" Offline "chain as $n sees it"
	expect_eq "$(res_states "$n")" "a:Offline:n1 b:Offline:n1 c:Offline:n1" "resources as $n sees them"
done
note "group offline: c, then b, then a"

# 3. resource online c: its dependencies first.
cl n3 resource online c --wait 30 || fail "resource online c failed"
chain "$E2E_TMP/n1" online a b c
for n in "${NODES[@]}"; do
	expect_eq "$(res_states "$n")" "a:Online:n1 b:Online:n1 c:Online:n1" "resources as $n sees them"
done
note "resource online c: a, then b, then c"

# 4. resource offline b: its dependent c first; a stays online, untouched.
ta=$(mtime "$E2E_TMP/n1" a)
cl n1 resource offline b --wait 30 || fail "resource offline b failed"
chain "$E2E_TMP/n1" offline c b
"$PY" "$CHK" same "$E2E_TMP/n1" a "$ta" online || fail "resource offline b touched a"
for n in "${NODES[@]}"; do
	expect_eq "$(res_states "$n")" "a:Online:n1 b:Offline:n1 c:Offline:n1" "resources as $n sees them"
	expect_eq "$(group_field "$n" chain state)" PartialOnline "chain as $n sees it"
done
note "resource offline b: c, then b; a untouched"

# back to all online: b, then c (a untouched)
cl n2 group online chain --wait 30 || fail "group online chain (again) failed"
chain "$E2E_TMP/n1" online b c
"$PY" "$CHK" same "$E2E_TMP/n1" a "$ta" online || fail "group online touched a, which was online"
note "group online again: b, then c; a untouched"

# 5. move to n2, asked on n3, with every node's directory recorded.
"$PY" "$REC" "n1=$E2E_TMP/n1" "n2=$E2E_TMP/n2" "n3=$E2E_TMP/n3" >"$E2E_TMP/moves" 2>"$E2E_TMP/recorder.err" &
REC_PID=$!
wait_for 10 "the recorder" grep -qx ready "$E2E_TMP/moves"
t0=${EPOCHREALTIME/[.,]/}
cl n3 group move chain --to n2 --wait 30 || fail "group move chain --to n2 failed"
t1=${EPOCHREALTIME/[.,]/}
for n in "${NODES[@]}"; do
	expect_eq "$(group_field "$n" chain owner):$(group_field "$n" chain state)" n2:Online "chain as $n sees it after the move"
	expect_eq "$(res_states "$n")" "a:Online:n2 b:Online:n2 c:Online:n2" "resources as $n sees them after the move"
done
chain "$E2E_TMP/n2" online a b c
for x in a b c; do
	grep -qx offline "$E2E_TMP/n1/$x" || fail "n1's $x does not say offline after the move"
done
stop_recorder
[[ ! -s $E2E_TMP/recorder.err ]] || fail "recorder: $(cat "$E2E_TMP/recorder.err")"
out=$("$PY" "$CHK" moved "$E2E_TMP/moves" n1 n2 n3) || {
	cat "$E2E_TMP/moves" >&2
	fail "group move chain n1 -> n2"
}
note "  move: $out"
left=$(find "$E2E_TMP/n3" -mindepth 1)
[[ -z $left ]] || fail "something ran on n3: $left"
note "group move n1 -> n2: c, b, a offline on n1, then a, b, c online on n2 ($(((t1 - t0) / 1000)) ms)"

e2e_down_checked
note "PASS"
