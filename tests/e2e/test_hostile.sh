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
#      replies are large (the plugin's GET_PRIVATE_PROPERTIES of a resource
#      with a 4 MiB private property, OutSize 16 MiB): clusterd must drop it
#      at CONN_OUT_MAX (64 MiB unread) and say so in its log;
#   2. 24 clients each sending a frame header that claims a 16 MiB payload
#      (CS_PROTO_MAX_PAYLOAD), then a byte of it every 100 ms: nothing may
#      be allocated for what is claimed, only for what arrives;
#   3. clusterd's RLIMIT_NOFILE lowered to 48 (prlimit) and 64 connections
#      held: its CPU time may grow by at most 300 ms over 3 s (no spinning on
#      accept), a new client gets an answer or a closed connection within 1 s
#      (never a hang), and once the hostile connections close, new clients
#      are served again.
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

sandbox_up 1
note "1 node up"
cl n1 group create G >/dev/null
cl n1 resource create R --type Dummy --group G >/dev/null
cl n1 group online G --wait 20 >/dev/null
wait_for 20 "R Online" is_eq res_field n1 R state -- Online
pid=$(clusterd_pid n1) || fail "no clusterd pid"

# R's StateFile: a 2 Mi-character path (4 MiB in UTF-16): every
# GET_PRIVATE_PROPERTIES reply is about 4 MiB.  Dummy only writes the state
# file on online and offline (and fails quietly on this path).
"$SB" exec n1 -- "$HOSTILE" set-private R StateFile $((2 << 20)) ||
	fail "cannot set a 4 MiB StateFile on R"

# warm up (the status and control paths allocate their buffers once), then
# the baseline
for _ in 1 2 3; do "$SB" exec n1 -- "$HOSTILE" probe || fail "clusterd does not answer"; done
base=$(vm_kib VmRSS)
# The RSS bound.  A client that never reads may leave up to CONN_OUT_MAX
# (64 MiB) of replies queued before it is dropped; while the reply that
# crosses the cap arrives, clusterd also holds it from the resource host
# and in the builder (about 3 x 4 MiB here).  64 + 24 MiB of slack for
# the allocator's fragmentation: baseline + 88 MiB.  Measured with the
# bounds in place (VmRSS sampled every 20 ms): baseline + 65 MiB at the
# drop, baseline + 0 in every other phase; without them the STATUS flood
# alone passes the bound in under a second.
rss_max=$((base + 88 * 1024))
note "clusterd pid $pid: VmRSS $base KiB at rest; bound $rss_max KiB"

# 1a. never reads, floods STATUS.  Bound on what clusterd takes from it:
# it stops reading at CONN_OUT_HIGH (1 MiB) of unread replies; add the
# socket buffers of both directions (a few hundred KiB each): 4 MiB.
phase "never-reading client, STATUS flood" --seconds 5 --rss-max "$rss_max" \
	--stall-max 4096 status-flood

# 1b. never reads, floods large-reply controls: dropped at CONN_OUT_MAX.
drops=$(log_count n1 'reads none of its replies')
phase "never-reading client, large replies" --seconds 5 --rss-max "$rss_max" \
	--expect-dropped control-flood R
if (($(log_count n1 'reads none of its replies') <= drops)); then
	note "never-reading client, large replies: FAIL: clusterd did not log the drop"
	FAILED+=("drop logged")
fi

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

# afterwards, clusterd still works as a whole
out_is Online res_field n1 R state || fail "R is no longer Online"
"$SB" exec n1 -- "$HOSTILE" probe || fail "clusterd does not answer after the attacks"

if ((${#FAILED[@]})); then
	fail "${#FAILED[@]} phase(s) failed: $(printf '%s; ' "${FAILED[@]}")"
fi
note "PASS"
