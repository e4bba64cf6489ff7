#!/usr/bin/env bash
# test_hostile.sh - hostile clients against clusterd's local API socket
# (daemon/conn.c, "Bounds"): clusterd stays bounded and keeps serving the
# others.  tests/e2e/hostile.c attacks from inside the node and, every
# 200 ms throughout, probes clusterd as a normal client (a STATUS on a
# connection opened before the attack, and one on a new connection: each
# answered within 1 s) and samples its VmRSS, VmData and CPU time in /proc.
#
#   1. clients that never read: one floods STATUS requests (clusterd must
#      stop reading it: it is paused, not fed), one floods controls whose
#      replies are as large as they come (the plugin's GET_PRIVATE_PROPERTIES
#      of a resource with private properties at their 1 MiB limit, OutSize
#      16 MiB): what clusterd holds for it stays bounded (at most
#      CONN_MAX_INFLIGHT replies past CONN_OUT_HIGH; CONN_OUT_MAX, 64 MiB,
#      would drop it);
#   2. 24 clients each sending a frame header that claims a 16 MiB payload
#      (CS_PROTO_MAX_PAYLOAD), then a byte of it every 100 ms: nothing may
#      be allocated for what is claimed, only for what arrives;
#   3. clusterd's RLIMIT_NOFILE lowered to 48 (prlimit) and 64 connections
#      held: its CPU time may grow by at most 300 ms over 3 s (no spinning on
#      accept), a new client gets an answer or a closed connection within 1 s
#      (never a hang), and once the hostile connections close, new clients
#      are served again;
#   4. connection slots: 150 connections as root get 128 answers, 16
#      refusals (ERROR_CONNECTION_COUNT_LIMIT) and 6 closes; 40 of one user
#      other than root get 32 answers and 8 refusals (its share).
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_hostile.sh
# HOSTILE=PATH runs another hostile binary (e.g. this build's against an
# older CLUSTER_BUILD_DIR).  Every phase runs even when an earlier one
# failed (each attack is stopped at its first broken bound, so clusterd
# recovers); the test fails at the end if any did.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOSTILE=${HOSTILE:-$CLUSTER_BUILD_DIR/tests/e2e/hostile}
[[ -x $HOSTILE ]] || fail "no hostile client at $HOSTILE"
command -v prlimit >/dev/null || fail "prlimit (util-linux) not installed"

FAILED=()
# phase NAME ARGS...: run hostile ARGS in n1; a failure is recorded, not fatal.
phase() {
	local name=$1
	shift
	if "$SB" exec n1 -- "$HOSTILE" --pid "$pid" "$@"; then
		note "$name: PASS"
	else
		note "$name: FAIL"
		FAILED+=("$name")
	fi
}

vm_kib() { # vm_kib FIELD: clusterd's /proc status FIELD (VmRSS, VmData) in KiB
	awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"
}

one_node_group_online
pid=$(clusterd_pid n1) || fail "no clusterd pid"

# R's StateFile: a 500,000-character path (about 1 MB in UTF-16, under
# the 1 MiB limit of a resource's private properties): every
# GET_PRIVATE_PROPERTIES reply is about 1 MB.  Dummy only writes the state
# file on online and offline (and fails quietly on this path).
"$SB" exec n1 -- "$HOSTILE" set-private R StateFile 500000 ||
	fail "cannot set a 1 MB StateFile on R"

# warm up (the status and control paths allocate their buffers once), then
# the baseline
for _ in 1 2 3; do "$SB" exec n1 -- "$HOSTILE" probe || fail "clusterd does not answer"; done
base=$(vm_kib VmRSS)
# The RSS bound.  A client that never reads is no longer read once 1 MiB of
# replies waits (CONN_OUT_HIGH), and replies to the at most 32 requests it
# had in flight (CONN_MAX_INFLIGHT) still queue: about 33 MB of 1 MB
# replies; while one arrives clusterd also holds it from the resource host
# and in the builder.  24 MiB of slack for the allocator: baseline + 64 MiB
# (below CONN_OUT_MAX: the per-client cap is never what bounds it here).
# Without the bounds the STATUS flood alone passes this in under a second.
rss_max=$((base + 64 * 1024))
note "clusterd pid $pid: VmRSS $base KiB at rest; bound $rss_max KiB"

# 1a. never reads, floods STATUS.  Bound on what clusterd takes from it:
# it stops reading at CONN_OUT_HIGH (1 MiB) of unread replies; add the
# socket buffers of both directions (a few hundred KiB each): 4 MiB.
phase "never-reading client, STATUS flood" --seconds 5 --rss-max "$rss_max" \
	--stall-max 4096 status-flood

# 1b. never reads, floods the largest replies there are: bounded.
phase "never-reading client, large replies" --seconds 5 --rss-max "$rss_max" \
	control-flood R

# 2. 24 huge-header clients.  Their claims total 384 MiB; what arrives is
# 20 bytes and a trickle each.  VmData may grow by 8 MiB at most: half of
# what a single claim would reserve if it were allocated from the header.
phase "24 clients claiming 16 MiB payloads" --seconds 5 --rss-max "$rss_max" \
	--data-grow-max 8192 big-headers 24

# 3. out of descriptors.  300 ms of CPU in 3 s: a daemon that retries
# accept() in a loop uses all of it (3000 ms); one that pauses uses a few.
# Only the soft limit is lowered: raising a hard limit back needs
# CAP_SYS_RESOURCE, which this kind of machine lacks.
nofile=48
read -r soft hard < <(prlimit --pid "$pid" --nofile --noheadings --raw --output SOFT,HARD)
prlimit --pid "$pid" --nofile="$nofile:$hard" || fail "prlimit on clusterd failed"
phase "descriptors exhausted (RLIMIT_NOFILE $nofile, 64 connections)" --seconds 3 \
	--rss-max "$rss_max" --nofile "$nofile" --cpu-max-ms 300 hold 64
prlimit --pid "$pid" --nofile="$soft:$hard" || fail "cannot restore clusterd's descriptor limit"

# 4. connection slots: at most CONN_MAX (128) clients, the next ones told
# ERROR_CONNECTION_COUNT_LIMIT (1238; past 16 of those, just closed); and one
# user other than root gets at most CONN_MAX_PER_USER (32), so that it cannot
# take the slots the others need
out=$("$SB" exec n1 -- "$HOSTILE" conns 150) || fail "conns 150: $out"
note "150 connections as root: $out"
[[ $out =~ ^answered\ 128\ refused\ 16\ \((1238\ ?){16}\)\ closed\ 6\ late\ 0$ ]] ||
	fail "150 connections: expected 128 answered, 16 refused with 1238, 6 closed; got: $out"
# (the socket is root's and group haclient's, mode 0660: open it to everyone,
# as test_access does, for a user that is in neither)
"$SB" exec n1 -- chmod 0666 /run/cluster-server/clusterd.sock
out=$("$SB" exec n1 -- setpriv --reuid=65534 --regid=65534 --clear-groups "$HOSTILE" conns 40) ||
	fail "conns 40 as nobody: $out"
note "40 connections as nobody: $out"
[[ $out =~ ^answered\ 32\ refused\ 8\ \((1238\ ?){8}\)\ closed\ 0\ late\ 0$ ]] ||
	fail "40 connections of one user: expected 32 answered and 8 refused with 1238; got: $out"

# afterwards, clusterd still works as a whole
out_is Online res_field n1 R state || fail "R is no longer Online"
"$SB" exec n1 -- "$HOSTILE" probe || fail "clusterd does not answer after the attacks"

if ((${#FAILED[@]})); then
	fail "${#FAILED[@]} phase(s) failed: $(printf '%s; ' "${FAILED[@]}")"
fi
note "PASS"
