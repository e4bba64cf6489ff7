#!/usr/bin/env bash
# test_valgrind.sh - clusterd and the resource host under valgrind memcheck
# on a 3-node sandbox, through a whole life: groups and Dummy resources
# created, online, controls (every common code, short buffers, routed over
# CPG, sets, refused sets), a move, failures and restarts, offline, delete,
# then `down` (SIGTERM: clusterd exits cleanly, stops its host, and valgrind
# writes its report).  Every valgrind log must show no definitely or
# indirectly lost bytes and "ERROR SUMMARY: 0 errors"; a log without its
# summary (a process that did not exit by itself) fails too.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_valgrind.sh
# Exit 77 (skip) without valgrind.  E2E_VALGRIND_KEEP=DIR keeps the logs.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "$E2E_NAME: SKIP (valgrind not installed)"
	exit 77
fi
[[ -x $CTL ]] || fail "no $CTL (build the tests)"

VG=$E2E_TMP/vg
mkdir -p "$VG"
# --child-silent-after-fork: clusterd forks to exec the host's own valgrind
vg_opts="--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
 --error-exitcode=99 --child-silent-after-fork=yes --num-callers=30
 --suppressions=$E2E_REPO/tests/valgrind.supp"
vg_opts=${vg_opts//$'\n'/}
export CLUSTER_SANDBOX_WRAP="valgrind $vg_opts --log-file=$VG/clusterd-%q{CLUSTER_SANDBOX_NODE}-%p.log"
export CS_RESHOST_WRAPPER="valgrind $vg_opts --log-file=$VG/reshost-%q{CLUSTER_SANDBOX_NODE}-%p.log"
export CLUSTER_SANDBOX_STOP_TIMEOUT=120

# check_logs: every valgrind log complete and clean
check_logs() {
	local f bad=0 n_cd=0 n_rh=0
	if [[ -n ${E2E_VALGRIND_KEEP:-} ]]; then   # a directory to keep the logs in
		mkdir -p "$E2E_VALGRIND_KEEP" && cp -- "$VG"/*.log "$E2E_VALGRIND_KEEP"/
	fi
	for f in "$VG"/*.log; do
		[[ -e $f ]] || continue
		case ${f##*/} in
		clusterd-*) n_cd=$((n_cd + 1)) ;;
		reshost-*) n_rh=$((n_rh + 1)) ;;
		esac
		if ! grep -q 'ERROR SUMMARY: 0 errors' "$f" ||
			! { grep -q 'All heap blocks were freed' "$f" ||
				{ grep -q 'definitely lost: 0 bytes' "$f" && grep -q 'indirectly lost: 0 bytes' "$f"; }; }; then
			echo "---- $f ----" >&2
			cat "$f" >&2
			bad=$((bad + 1))
		fi
	done
	note "valgrind logs: $n_cd of clusterd, $n_rh of resource hosts, $bad bad"
	((n_cd == 4)) || fail "expected 4 clusterd valgrind logs (3 nodes, n3 twice), found $n_cd"
	((n_rh >= 4)) || fail "expected a resource host valgrind log on each node and one more on n1, found $n_rh"
	((bad == 0)) || fail "$bad valgrind log(s) show errors, leaks or no summary (above)"
}

"$SB" up 3 --token "${E2E_TOKEN:-500}" --timeout 240 >/dev/null
note "3 nodes up, clusterd under valgrind"

# --- create, online
cl n1 group create G >/dev/null
cl n2 group set-owners G n1 n2 >/dev/null
cl n1 resource create R1 --type Dummy --group G --priv OnlineDelayMs=100 --priv OfflineDelayMs=100 >/dev/null
cl n2 resource create R2 --type Dummy --group G >/dev/null
cl n3 resource depend R2 --on R1 >/dev/null
cl n1 group create GF >/dev/null
cl n1 resource create RF --type Dummy --group GF --priv FailOnline=1 >/dev/null
cl n1 group online G --to n1 --wait 120 >/dev/null || fail "G online on n1"
note "G online on n1"

# --- controls: local, routed to the owner, routed to a non-owner; sets
ctl n1 --answered-by plugin check R1 G n1 Dummy >/dev/null || fail "controls on n1 (local)"
ctl n2 --answered-by plugin check R1 G n2 Dummy >/dev/null || fail "controls from n2 (routed to n1)"
ctl n1 --host n3 --answered-by clusterd check R2 G n3 Dummy >/dev/null ||
	fail "controls from n1 routed to n3"
ctl n3 set-common R1 RestartThreshold=2 PendingTimeout=60000 || fail "SET_COMMON_PROPERTIES"
ctl n2 set-private R1 OfflineDelayMs=50 StateFile= || fail "SET_PRIVATE_PROPERTIES"
ctl n3 --expect-error 87 set-private R1 NoSuchProperty=1 || fail "a refused SET_PRIVATE_PROPERTIES"
ctl n2 --expect-error 87 set-common R1 RestartAction=7 || fail "a refused SET_COMMON_PROPERTIES"
ctl n3 --host n1 --answered-by plugin --common RestartThreshold=2 --private OfflineDelayMs=50 \
	check R1 G n1 Dummy >/dev/null || fail "controls after the sets"
note "controls checked (local, routed, short buffers, sets)"

# --- move
cl n3 group move G --to n2 --wait 120 >/dev/null || fail "move G to n2"
expect_eq "$(group_field n1 G owner)" n2 "owner of G after the move"
ctl n1 --answered-by plugin --private OfflineDelayMs=50 check R1 G n1 Dummy >/dev/null ||
	fail "controls after the move"
note "G moved to n2"

# --- failures and restarts (none kills a host: a killed process has no report)
cl n1 resource fail R1 >/dev/null || fail "cluster resource fail R1"
wait_for 120 "R1 restarted on n2" log_has n2 1 'resource R1 failed: restart 1 of 2'
wait_for 120 "G Online again" out_is Online group_field n3 G state
cl n1 resource control RF SET_COMMON_PROPERTIES --priv RestartThreshold=1 --priv RestartAction=1 >/dev/null ||
	fail "SET_COMMON_PROPERTIES on RF"
cl n2 group online GF --to n3 >/dev/null || fail "GF online request"
wait_for 120 "RF Failed for good on n3" log_has n3 1 'resource RF failed and stays failed'
expect_eq "$(log_count n3 'resource RF: online failed')" 2 "online attempts of RF"
note "failures: restart in place; FailOnline restarted once, then Failed"
# a plugin crash takes its host down: clusterd restarts it (the crashed
# host's report is written at its fatal signal, and checked as well)
cl n1 group create GC >/dev/null
cl n1 resource create RC --type Dummy --group GC --priv CrashIsAlive=1 >/dev/null
cl n1 resource control RC SET_COMMON_PROPERTIES --priv IsAlivePollInterval=2000 --priv RestartAction=0 >/dev/null ||
	fail "SET_COMMON_PROPERTIES on RC"
hp=$(host_pid n1) || fail "no resource host on n1"
cl n1 group online GC --to n1 >/dev/null || fail "GC online request"
wait_for 120 "RC's crash to take n1's host down" log_has n1 1 'resource host [0-9]+ exited'
wait_for 120 "RC Failed for good" log_has n1 1 'resource RC failed and stays failed'
wait_for 120 "a new resource host on n1" pid_changed n1 "$hp"
note "crash: n1's host $hp replaced by $(host_pid n1)"

# --- offline, delete
cl n1 group offline G --wait 120 >/dev/null || fail "G offline"
cl n1 group offline GF --wait 120 >/dev/null || fail "GF offline"
cl n2 resource delete R2 >/dev/null || fail "delete R2"
cl n3 resource delete R1 >/dev/null || fail "delete R1"
cl n1 resource delete RF >/dev/null || fail "delete RF"
cl n1 group offline GC --wait 120 >/dev/null || fail "GC offline"
cl n2 resource delete RC >/dev/null || fail "delete RC"
cl n3 group delete GC >/dev/null || fail "delete GC"
cl n1 group delete G >/dev/null || fail "delete G"
cl n2 group delete GF >/dev/null || fail "delete GF"
expect_eq "$(jq_py n3 "len(s['groups']) + len(s['resources'])")" 0 "objects left"
note "offline and deleted"

# --- a database that cannot be read at start: moved aside (the error path
# that once read sqlite's message after closing the database)
cl n1 group create KEEP >/dev/null || fail "create KEEP"
p3=$(clusterd_pid n3) || fail "no clusterd on n3"
st3=$(e2e_start_time "$p3")
kill -TERM "$p3"
wait_for 120 "n3's clusterd to exit (SIGTERM)" bash -c "! kill -0 $p3 2>/dev/null || \
	[[ \$(awk '{print \$3}' /proc/$p3/stat 2>/dev/null) == Z ]]"
db3=$CLUSTER_SANDBOX_DIR/n3/var/lib/cluster-server/cluster.db
rm -f "$db3-wal" "$db3-shm"
head -c 8192 /dev/urandom >"$db3"
"$SB" start n3 >/dev/null || fail "start n3's clusterd again"
wait_for 120 "n3 took the cluster's copy" is_eq jq_py n3 "[g['name'] for g in s['groups']]" -- "['KEEP']"
log_has n3 1 'moved aside' || fail "n3 did not log that its database was moved aside"
cl n1 group delete KEEP >/dev/null || fail "delete KEEP"
note "n3 restarted on a damaged database: moved aside, took the cluster's copy"

# --- down: clusterd exits on SIGTERM, valgrind writes its reports
"$SB" down >/dev/null || fail "cluster-sandbox down"
note "sandbox down"
check_logs
note "PASS"
