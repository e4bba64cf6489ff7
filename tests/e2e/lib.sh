# shellcheck shell=bash
# tests/e2e/lib.sh - shared helpers for the end-to-end tests (bash; source it).
#
# Each test runs its own sandbox (tools/cluster-sandbox) in a fresh
# CLUSTER_SANDBOX_DIR, against the build in $CLUSTER_BUILD_DIR (default
# <repo>/build), and tears it down on exit, also on failure, printing the
# nodes' logs when it failed.  Exit status: 0 pass, 1 fail, 77 skip.
set -euo pipefail

E2E_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export CLUSTER_BUILD_DIR=${CLUSTER_BUILD_DIR:-$E2E_REPO/build}
SB=$E2E_REPO/tools/cluster-sandbox
E2E_NAME=$(basename "$0" .sh)

if [[ $EUID -ne 0 ]]; then
	echo "$E2E_NAME: SKIP (needs root)"
	exit 77
fi
if ! command -v corosync >/dev/null 2>&1; then
	echo "$E2E_NAME: SKIP (corosync not installed)"
	exit 77
fi
if [[ ! -x $CLUSTER_BUILD_DIR/daemon/clusterd || ! -x $CLUSTER_BUILD_DIR/cli/cluster ]]; then
	echo "$E2E_NAME: FAIL (no clusterd or cluster in $CLUSTER_BUILD_DIR)" >&2
	exit 1
fi

export CLUSTER_SANDBOX_DIR
CLUSTER_SANDBOX_DIR=$(mktemp -d "/tmp/cs-e2e-$E2E_NAME.XXXXXX")
rmdir "$CLUSTER_SANDBOX_DIR"   # the sandbox creates it
E2E_TMP=$(mktemp -d "/tmp/cs-e2e-$E2E_NAME-files.XXXXXX")
E2E_T0=$(date +%s.%N)

# A test may define e2e_before_cleanup (stop what it started itself); it runs
# first, its status ignored.
e2e_cleanup() {
	local rc=$?
	if declare -F e2e_before_cleanup >/dev/null; then
		e2e_before_cleanup || true
	fi
	obs_stop || true
	if [[ $rc -ne 0 && $rc -ne 77 ]]; then
		echo "---- $E2E_NAME failed (exit $rc): node logs ----" >&2
		for f in "$CLUSTER_SANDBOX_DIR"/n*/log/clusterd.log; do
			[[ -f $f ]] || continue
			echo "== $f (last 40 lines)" >&2
			tail -n 40 "$f" >&2 || true
		done
	fi
	"$SB" down >/dev/null 2>&1 || "$SB" down --kill >/dev/null 2>&1 || true
	rm -rf "$E2E_TMP"
	exit "$rc"
}
trap e2e_cleanup EXIT

fail() {
	echo "$E2E_NAME: FAIL: $*" >&2
	exit 1
}

note() {
	printf '%s [%6.2fs] %s\n' "$E2E_NAME" "$(awk -v a="$(date +%s.%N)" -v b="$E2E_T0" 'BEGIN{print a-b}')" "$*"
}

# cl NODE ARGS...: the cluster CLI inside NODE.
cl() {
	local node=$1
	shift
	"$SB" exec "$node" -- cluster "$@"
}

# ctl NODE ARGS...: ctlcheck (tests/e2e/ctlcheck.c) inside NODE; a test that
# uses it checks first that $CTL was built.
CTL=$CLUSTER_BUILD_DIR/tests/e2e/ctlcheck
ctl() {
	local node=$1
	shift
	"$SB" exec "$node" -- "$CTL" "$@"
}

# status_json NODE: `cluster status --json` on NODE.
status_json() {
	cl "$1" status --json
}

# jq_py NODE EXPR: evaluate a Python expression over NODE's status JSON (as `s`).
jq_py() {
	local json
	json=$(status_json "$1") || return 1
	/usr/bin/python3 -c 'import json,sys; s=json.loads(sys.argv[1]); r=eval(sys.argv[2]); print(r if not isinstance(r,bool) else ("true" if r else "false"))' "$json" "$2"
}

# res_field NODE RES FIELD (state, owner, group, type)
res_field() {
	jq_py "$1" "[r['$3'] for r in s['resources'] if r['name']=='$2'][0]"
}

# group_field NODE GROUP FIELD (state, owner)
group_field() {
	jq_py "$1" "[g['$3'] for g in s['groups'] if g['name']=='$2'][0]"
}

# wait_for SECONDS DESCRIPTION CMD...: poll CMD every 0.2 s until it succeeds.
wait_for() {
	local secs=$1 what=$2 end
	shift 2
	end=$(($(date +%s) + secs))
	until "$@" >/dev/null 2>&1; do
		if (($(date +%s) >= end)); then
			fail "timed out after ${secs}s waiting for: $what"
		fi
		sleep 0.2
	done
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"
}

# is_eq CMD... -- VALUE: true if CMD prints VALUE
is_eq() {
	local want=${*: -1} out
	out=$("${@:1:$#-1}" 2>/dev/null) || return 1
	[[ $out == "$want" ]]
}

# out_is EXPECTED CMD...: true if CMD succeeds and prints EXPECTED
out_is() {
	local want=$1 out
	shift
	out=$("$@" 2>/dev/null) || return 1
	[[ $out == "$want" ]]
}

# expect_rc WANT WHAT CMD...: CMD must exit with status WANT.
expect_rc() {
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >"$E2E_TMP/out" 2>"$E2E_TMP/err" || rc=$?
	((rc == want)) || fail "$what: exit $rc, expected $want: $(cat "$E2E_TMP/out" "$E2E_TMP/err")"
}

# expect_error CODE EXIT WHAT CMD...: CMD fails with exit status EXIT (any
# non-zero if EXIT is "-") and names error CODE ("(CODE)") in its message.
expect_error() {
	local code=$1 want=$2 what=$3 out rc=0
	shift 3
	out=$("$@" 2>&1) || rc=$?
	if [[ $rc -eq 0 || ($want != - && $rc -ne $want) || $out != *"($code)"* ]]; then
		fail "$what: expected error $code (exit $want), got exit $rc: ${out:0:300}"
	fi
}

# one_node_group_online: one node up, group G with a Dummy resource R online.
one_node_group_online() {
	sandbox_up 1
	note "1 node up"
	cl n1 group create G >/dev/null
	cl n1 resource create R --type Dummy --group G >/dev/null
	cl n1 group online G --wait 20 >/dev/null
	wait_for 20 "R Online" is_eq res_field n1 R state -- Online
}

# sandbox_up N: bring up N nodes with a short token.
sandbox_up() {
	"$SB" up "$1" --token "${E2E_TOKEN:-500}" >/dev/null
}

# e2e_start_time PID: the start time of PID (field 22 of /proc/PID/stat), or nothing.
e2e_start_time() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	awk '{print $20}' <<<"$s"
}

# e2e_alive PID STARTTIME: true if that very process still runs (zombies are dead).
e2e_alive() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	s=${s##*) }
	awk -v t="$2" '{ exit !($20 == t && $1 != "Z" && $1 != "X") }' <<<"$s"
}

# e2e_ns_inodes: "INODE /proc/PID/ns/net|mnt" for every live process (not zombies).
e2e_ns_inodes() {
	stat -L -c '%i %n' /proc/[0-9]*/ns/net /proc/[0-9]*/ns/mnt 2>/dev/null || true
}

# e2e_down_checked: take the sandbox down now and check that it left nothing
# behind: no process that ran in its network namespaces or its nodes' mount
# namespaces (holders, corosync, clusterd, resource hosts, anything they
# started) or that it recorded is alive; none of its network namespaces, no
# mount of it, no state directory.  Fails the test otherwise.
e2e_down_checked() {
	local conf=$CLUSTER_SANDBOX_DIR/sandbox.conf id ns f pid st rest link ino
	local -A nsino=() procs=()
	[[ -f $conf ]] || fail "teardown check: no sandbox in $CLUSTER_SANDBOX_DIR"
	id=$(sed -n 's/^id=//p' "$conf")
	[[ -n $id ]] || fail "teardown check: no id in $conf"
	for ns in $(ip netns list | awk -v p="cs-$id-" 'index($1, p) == 1 {print $1}'); do
		nsino[$(stat -L -c %i "/run/netns/$ns")]=1
	done
	for f in "$CLUSTER_SANDBOX_DIR"/n*/pids/holder; do
		[[ -f $f ]] || continue
		read -r pid st <"$f" || continue
		e2e_alive "$pid" "$st" || continue
		link=$(stat -L -c %i "/proc/$pid/ns/mnt" 2>/dev/null) && nsino[$link]=1
	done
	while read -r _ _ pid st rest; do
		[[ -n ${pid:-} && -n ${st:-} ]] && procs[$pid]=$st
	done <"$CLUSTER_SANDBOX_DIR/pids.log"
	while read -r ino f; do
		[[ -n ${nsino[$ino]:-} ]] || continue
		pid=${f#/proc/}
		pid=${pid%%/*}
		st=$(e2e_start_time "$pid")
		[[ -n $st ]] && procs[$pid]=$st
	done < <(e2e_ns_inodes)
	((${#procs[@]} > 0)) || fail "teardown check: found no process of the sandbox"
	"$SB" down >/dev/null || fail "teardown: cluster-sandbox down failed"
	for pid in "${!procs[@]}"; do
		if e2e_alive "$pid" "${procs[$pid]}"; then
			fail "teardown left process $pid alive: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
		fi
	done
	while read -r ino f; do
		if [[ -n ${nsino[$ino]:-} ]]; then
			fail "teardown left a process in a namespace of the sandbox: $f"
		fi
	done < <(e2e_ns_inodes)
	if ip netns list | awk -v p="cs-$id-" 'index($1, p) == 1 {found = 1} END {exit !found}'; then
		fail "teardown left network namespaces: $(ip netns list | grep "cs-$id-" | tr '\n' ' ')"
	fi
	if grep -qF -e "$CLUSTER_SANDBOX_DIR" -e "/run/netns/cs-$id-" /proc/self/mountinfo; then
		fail "teardown left mounts: $(grep -F -e "$CLUSTER_SANDBOX_DIR" -e "/run/netns/cs-$id-" /proc/self/mountinfo)"
	fi
	[[ ! -e $CLUSTER_SANDBOX_DIR ]] || fail "teardown left $CLUSTER_SANDBOX_DIR"
	note "teardown: ${#procs[@]} processes and ${#nsino[@]} namespaces of the sandbox are gone"
}

# clusterd_pid NODE: the pid of NODE's clusterd, as the sandbox recorded it.
clusterd_pid() {
	local pid rest
	read -r pid rest <"$CLUSTER_SANDBOX_DIR/$1/pids/clusterd" || return 1
	[[ -n $pid ]] && echo "$pid"
}

# host_pid NODE: the pid of NODE's resource host (clusterd's live child); fails if none.
host_pid() {
	local c
	c=$(clusterd_pid "$1") || return 1
	ps -o pid=,stat= --ppid "$c" | awk '$2 !~ /^Z/ {print $1; found = 1} END {exit !found}'
}

# log_count NODE REGEX: how many lines of NODE's clusterd log match REGEX (grep -E).
log_count() {
	grep -cE -- "$2" "$CLUSTER_SANDBOX_DIR/$1/log/clusterd.log" || true
}

# log_has NODE COUNT REGEX: true when NODE's clusterd log has at least COUNT matching lines
log_has() {
	(($(log_count "$1" "$3") >= $2))
}

# pid_changed NODE OLD: true when NODE runs a resource host whose pid is not OLD
pid_changed() {
	local p
	p=$(host_pid "$1") || return 1
	[[ $p != "$2" ]]
}

# ---- the observer: where a resource runs, on every node, all along ----
# observe.py samples every node's state file of the resource and its own
# `cluster status` ten times a second (see there); e2e_cleanup stops it, and
# keeps its log as /tmp/NAME.observe.log when the test failed.
OBS_LOG=$E2E_TMP/observe.log
OBS_PID=

# obs_start RESOURCE STATEFILE: start watching RESOURCE (its state file at
# STATEFILE inside the nodes).
obs_start() {
	CLUSTER_BUILD_DIR=$CLUSTER_BUILD_DIR /usr/bin/python3 "$E2E_REPO/tests/e2e/observe.py" \
		"$CLUSTER_SANDBOX_DIR" "$1" "$2" "$OBS_LOG" &
	OBS_PID=$!
}

# obs_stop: stop watching (its log is complete afterwards).
obs_stop() {
	[[ -n $OBS_PID ]] || return 0
	kill -TERM "$OBS_PID" 2>/dev/null || true
	wait "$OBS_PID" 2>/dev/null || true
	OBS_PID=
	[[ -f $OBS_LOG ]] && cp "$OBS_LOG" "/tmp/$E2E_NAME.observe.log"
	return 0
}

# obs_verdict [MIN_SAMPLES]: stop watching; fail if the resource was ever seen
# online on two nodes, or with fewer samples than MIN_SAMPLES (default 50).
obs_verdict() {
	local samples violations
	obs_stop
	samples=$(sed -n 's/^END samples=\([0-9]*\) .*/\1/p' "$OBS_LOG")
	violations=$(sed -n 's/^END .*violations=\([0-9]*\)$/\1/p' "$OBS_LOG")
	[[ -n $samples && -n $violations ]] || fail "the observer did not finish its log"
	if ((violations > 0)); then
		grep '^VIOLATION' "$OBS_LOG" | head -5 >&2
		fail "the resource was seen online on two nodes in $violations of $samples samples"
	fi
	((samples >= ${1:-50})) || fail "the observer took only $samples samples"
	note "observer: $samples samples of every node, never online on two"
}

# state_on NODE STATEFILE: the state file at STATEFILE in NODE says online.
state_on() {
	[[ $(cat "$CLUSTER_SANDBOX_DIR/$1/$2" 2>/dev/null) == online ]]
}

# group_online_on NODE GROUP: the node GROUP is Online on, as NODE sees it.
group_online_on() {
	jq_py "$1" "[g['owner'] for g in s['groups'] if g['name']=='$2' and g['state']=='Online'][0]"
}

# group_moved NODE GROUP OLD: NODE sees GROUP Online on a node that is not OLD.
group_moved() {
	local o
	o=$(group_online_on "$1" "$2") || return 1
	[[ -n $o && $o != "$3" ]]
}

# other_node NODE: the first of n1 n2 n3 that is not NODE.
other_node() {
	local n
	for n in n1 n2 n3; do
		if [[ $n != "$1" ]]; then
			echo "$n"
			return
		fi
	done
}

# rejoined NODE: NODE is quorate and synced again.
rejoined() {
	is_eq jq_py "$1" "s['quorate'] and s['synced']" -- true
}

# disk_group SIG MNT: on a sandbox made with --disks, group GD (any node,
# FailoverThreshold 100) with the Physical Disk resource D: the disk whose
# MBR signature is SIG, partition 1 mounted at MNT (made on every node),
# sanlock's io_timeout 1 s.  Offline.
disk_group() {
	local n
	for n in n1 n2 n3; do
		"$SB" exec "$n" -- mkdir -p "$2"
	done
	cl n1 group create GD >/dev/null
	cl n1 group set-owners GD n1 n2 n3 >/dev/null
	cl n1 group set GD FailoverThreshold=100 >/dev/null
	cl n1 resource create D --type "Physical Disk" --group GD \
		--priv "DiskSignature:dword=$1" --priv "MountPoints:multi_sz=1=$2" \
		--priv "LeaseIoTimeout:dword=1" >/dev/null || fail "resource create D"
}

# watched_group NODE STATEFILE: group G (preferred owners n1 n2 n3;
# FailoverThreshold 100, since a test's failovers are not faults) with a Dummy
# resource R whose state file is STATEFILE, online on NODE and seen there by
# n1, n2 and n3.
watched_group() {
	local n
	cl n1 group create G >/dev/null
	cl n1 group set-owners G n1 n2 n3 >/dev/null
	cl n1 group set G FailoverThreshold=100 >/dev/null
	cl n1 resource create R --type Dummy --group G --priv "StateFile=$2" >/dev/null
	cl n1 group online G --to "$1" --wait 20 >/dev/null
	wait_for 20 "R online on $1" state_on "$1" "$2"
	for n in n1 n2 n3; do
		wait_for 20 "$n to see G online on $1" is_eq group_online_on "$n" G -- "$1"
	done
}
