#!/usr/bin/env bash
# test_repl_start.sh - clusterd's start on corosync fails at each of its
# steps in turn, and what it had done is undone exactly (issue 7).
#
# repl_start() (daemon/repl.c) connects to CPG, reads the local node id,
# connects to votequorum, starts tracking quorum, gets both descriptors,
# starts two timers, watches both descriptors and joins the CPG group; when
# a step fails, clusterd exits and repl_stop() must undo exactly the steps
# before it: nothing leaked, no corosync handle left open, and no corosync
# call on a handle never opened.  For each step K, inside a sandbox node with
# a real corosync, clusterd runs under valgrind with the fault injection
# CS_FAULT_REPL_START=K (step K fails as if its call had returned an error)
# and must:
#   - log that the fault fired, and an error naming the step;
#   - exit with status 1 (not 0, not valgrind's 99);
#   - leave valgrind's report clean: 0 errors (no invalid read or write),
#     0 bytes definitely or indirectly lost, and no descriptor that clusterd
#     opened still open at exit (--track-fds: a CPG or votequorum connection
#     not finalized stays open - the leak of the code before repl_stop()
#     undid half-done starts);
#   - leave nothing behind in the node: no process (its resource host
#     included), no new file in its /dev/shm (libqb's ring buffers).
# Then clusterd starts normally on that node and serves `cluster status`.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_repl_start.sh
# Exit 77 (skip) without valgrind.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "$E2E_NAME: SKIP (valgrind not installed)"
	exit 77
fi

# step number, then a piece of the error clusterd logs when it fails
STEPS=(
	"1|cannot connect to corosync (CPG)"
	"2|cannot read the local node id from corosync"
	"3|cannot connect to corosync (votequorum)"
	"4|(votequorum_trackstart)"
	"5|(votequorum_fd_get)"
	"6|(cpg_fd_get)"
	"7|cannot start the replication's housekeeping timer"
	"8|cannot start the digest-check and lease timers"
	"9|cannot watch the CPG descriptor"
	"10|cannot watch the votequorum descriptor"
	"11|cannot join the CPG group"
)

VG=$E2E_TMP/vg
mkdir -p "$VG"
# shellcheck disable=SC2054 # the commas are valgrind's
vg_opts=(--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
	--error-exitcode=99 --track-fds=yes --child-silent-after-fork=yes --num-callers=30
	"--suppressions=$E2E_REPO/tests/valgrind.supp")
B=$CLUSTER_BUILD_DIR
CLUSTERD_ARGS=(--config-dir /etc/cluster-server --state-dir /var/lib/cluster-server
	--run-dir /run/cluster-server --foreground
	--host "$B/host/cluster-reshost" --plugin-dir "$B/plugins/dummy")

# node_pids: the pids in n1's network namespace, sorted
node_pids() {
	local id
	id=$(sed -n 's/^id=//p' "$CLUSTER_SANDBOX_DIR/sandbox.conf")
	ip netns pids "cs-$id-n1" | sort -n
}

# vg_clean LOG: LOG is a complete report with no error, no definite or
# indirect leak, and no descriptor opened by the process open at exit.
vg_clean() {
	local f=$1
	grep -q 'ERROR SUMMARY: 0 errors' "$f" || return 1
	grep -q 'All heap blocks were freed' "$f" ||
		{ grep -q 'definitely lost: 0 bytes' "$f" && grep -q 'indirectly lost: 0 bytes' "$f"; } ||
		return 1
	grep -q 'FILE DESCRIPTORS: ' "$f" || return 1
	# every descriptor open at exit must be one inherited from the parent
	awk '/Open (file descriptor|AF_[A-Z0-9]+ socket) [0-9]+/ { open = 1; next }
	     open { if ($0 !~ /<inherited from parent>/) bad = 1; open = 0 }
	     END { exit bad }' "$f"
}

sandbox_up 1
note "1 node up"
p=$(clusterd_pid n1) || fail "no clusterd on n1"
kill -TERM "$p"
wait_for 30 "n1's clusterd to exit" bash -c "! kill -0 $p 2>/dev/null || \
	[[ \$(awk '{print \$3}' /proc/$p/stat 2>/dev/null) == Z ]]"
pids_before=$(node_pids)
shm_before=$("$SB" exec n1 -- ls /dev/shm)

for s in "${STEPS[@]}"; do
	k=${s%%|*}
	want=${s#*|}
	log=$E2E_TMP/clusterd-$k.log
	vlog=$VG/step-$k.log
	rc=0
	"$SB" exec n1 -- env CS_FAULT_REPL_START="$k" timeout 120 \
		valgrind "${vg_opts[@]}" "--log-file=$vlog" "$B/daemon/clusterd" "${CLUSTERD_ARGS[@]}" \
		>"$log" 2>&1 </dev/null || rc=$?
	grep -qF "fault injection (CS_FAULT_REPL_START): step $k fails" "$log" ||
		fail "step $k: the fault did not fire: $(cat "$log")"
	grep -qF -- "$want" "$log" || fail "step $k: no error naming the step ('$want'): $(cat "$log")"
	((rc == 1)) || fail "step $k: clusterd exited with $rc, expected 1 (99: valgrind errors): $(cat "$log")"
	if ! vg_clean "$vlog"; then
		cat "$vlog" >&2
		fail "step $k: valgrind report not clean (above)"
	fi
	[[ $(node_pids) == "$pids_before" ]] ||
		fail "step $k: processes left in n1: $(comm -13 <(echo "$pids_before") <(node_pids) | xargs -r ps -o pid=,args= -p)"
	shm=$("$SB" exec n1 -- ls /dev/shm)
	[[ $shm == "$shm_before" ]] || fail "step $k: files left in n1's /dev/shm: $(comm -13 <(echo "$shm_before") <(echo "$shm"))"
	note "step $k failed ('$want'): exit 1, valgrind clean, nothing left open"
done

# the node still works: clusterd starts there and answers
"$SB" start n1 >/dev/null || fail "clusterd does not start on n1 after the failed starts"
is_eq jq_py n1 "[n['state'] for n in s['nodes']]" -- "['Up']" || fail "n1 is not Up after the restart"
note "clusterd started normally on n1 afterwards"
note "PASS"
