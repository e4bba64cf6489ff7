#!/usr/bin/env bash
# End-to-end test of tools/cluster-sandbox: a 3-node corosync cluster in namespaces,
# partition and power loss, a second sandbox beside the first, and `down` leaving
# nothing behind (also after a half-finished `up`).
#
# Run as root from anywhere: bash tests/e2e/test_sandbox.sh
# Exit status: 0 pass, 1 fail, 77 skipped (not root, or corosync/iproute2 missing).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SB="$REPO/tools/cluster-sandbox"
TOKEN=${TEST_SANDBOX_TOKEN:-500}

if [[ $EUID -ne 0 ]]; then
	echo "SKIP: test_sandbox.sh needs root (namespaces)" >&2
	exit 77
fi
for t in corosync corosync-quorumtool ip nsenter unshare; do
	if ! command -v "$t" >/dev/null; then
		echo "SKIP: $t is not installed (apt-get install -y corosync iproute2 util-linux)" >&2
		exit 77
	fi
done

TMP=$(mktemp -d /tmp/test-sandbox.XXXXXX)
export CLUSTER_SANDBOX_DIR="$TMP/sb"
SB2_DIR="$TMP/sb2"
export CLUSTER_SANDBOX_TIMEOUT=60
T_START=${EPOCHREALTIME/,/.}

cleanup() {
	local rc=$?
	set +e
	if ((rc != 0)); then
		echo "--- sandbox status at failure:" >&2
		"$SB" status >&2
		echo "--- last corosync log lines:" >&2
		tail -n 5 "$CLUSTER_SANDBOX_DIR"/n*/log/corosync.log >&2 2>/dev/null
	fi
	"$SB" down >/dev/null 2>&1 || echo "cleanup: down failed" >&2
	CLUSTER_SANDBOX_DIR=$SB2_DIR "$SB" down >/dev/null 2>&1 || echo "cleanup: down (second sandbox) failed" >&2
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

step() {
	printf -- '--- [%5.1fs] %s\n' "$(elapsed)" "$*"
}

elapsed() {
	local t=${EPOCHREALTIME/,/.}
	awk -v a="$T_START" -v b="$t" 'BEGIN { printf "%.1f", b - a }'
}

# "NODES QUORATE" as NODE's corosync reports it ("- -" when it does not answer).
view() {
	local out nodes=- quorate=-
	out=$("$SB" exec "$1" -- corosync-quorumtool -s 2>/dev/null) || true
	[[ $out =~ Nodes:[[:space:]]*([0-9]+) ]] && nodes=${BASH_REMATCH[1]}
	[[ $out =~ Quorate:[[:space:]]*([A-Za-z]+) ]] && quorate=${BASH_REMATCH[1]}
	echo "$nodes $quorate"
}

# expect_view TIMEOUT_SEC "NODE=NODES QUORATE" ...: poll until every node shows that view.
expect_view() {
	local timeout=$1 spec node want got deadline bad
	shift
	deadline=$((SECONDS + timeout))
	while :; do
		bad=""
		for spec in "$@"; do
			node=${spec%%=*} want=${spec#*=}
			got=$(view "$node")
			[[ $got == "$want" ]] || bad+=" $node: got '$got', want '$want';"
		done
		[[ -n $bad ]] || return 0
		((SECONDS < deadline)) || fail "membership after ${timeout}s:$bad"
		sleep 0.2
	done
}

# Wait until the network namespace holds a `sleep` process.
wait_for_sleep() {
	local deadline=$((SECONDS + 10)) pid
	while :; do
		for pid in $(ip netns pids "$1"); do
			[[ $(cat "/proc/$pid/comm" 2>/dev/null) == sleep ]] && return 0
		done
		((SECONDS < deadline)) || fail "no sleep process appeared in $1"
		sleep 0.1
	done
}

# Start time (field 22 of /proc/PID/stat) of a process; fails if there is none.
pid_start() {
	local line
	local -a fields
	line=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	read -ra fields <<<"${line##*) }"
	echo "${fields[19]}"
}

# Snapshot what a sandbox made, to check after `down` that all of it is gone: its id,
# the processes it recorded, and every process now in its namespaces.
#   snapshot DIR NAME
snapshot() {
	local dir=$1 name=$2
	local id ns pid start
	id=$(sed -n 's/^id=//p' "$dir/sandbox.conf" 2>/dev/null || true)
	[[ -n $id ]] || id=$(printf '%s' "$dir" | sha256sum | cut -c1-6)
	echo "$id" >"$TMP/$name.id"
	cp "$dir/pids.log" "$TMP/$name.pids" 2>/dev/null || : >"$TMP/$name.pids"
	for ns in $(ip netns list | awk -v p="cs-$id-" 'index($1, p) == 1 { print $1 }'); do
		for pid in $(ip netns pids "$ns"); do
			# (a process may exit between the listing and this read)
			if start=$(pid_start "$pid"); then
				echo "$ns process $pid $start" >>"$TMP/$name.pids"
			fi
		done
	done
	return 0
}

# assert_clean DIR NAME: nothing of the sandbox is left.
assert_clean() {
	local dir=$1 name=$2 id node role pid start line deadline f
	local -a fields
	id=$(<"$TMP/$name.id")
	[[ ! -e $dir ]] || fail "$name: state directory $dir still exists"
	if grep -q "cs-$id-" <<<"$(ip netns list)"; then
		fail "$name: namespaces left: $(ip netns list | grep "cs-$id-" | tr '\n' ' ')"
	fi
	# Mounts: none in any mount namespace of the machine refers to the sandbox.
	line=$(grep -lF "$dir" /proc/[0-9]*/mountinfo 2>/dev/null || true)
	[[ -z $line ]] || fail "$name: mounts referring to $dir remain in: $line"
	# Links: none of our names appeared in the host's namespace (they never should).
	ip -o link show | awk -F': ' '{print $2}' | sort >"$TMP/links.after"
	line=$(comm -13 "$TMP/links.before" "$TMP/links.after" | grep -E '^(n[0-9]+|br0|eth0)(@|$)' || true)
	[[ -z $line ]] || fail "$name: links left in the host's namespace: $line"
	# Shared memory: no corosync/libqb file of our processes in the host's /dev/shm.
	while read -r node role pid start; do
		[[ -n $pid ]] || continue
		for f in /dev/shm/*-"$pid"-*; do
			[[ -e $f ]] && fail "$name: $f left in the host's /dev/shm"
		done
	done <"$TMP/$name.pids"
	# Processes: gone, or at most zombies that PID 1 has not reaped yet.
	deadline=$((SECONDS + 15))
	while read -r node role pid start; do
		[[ -n $pid ]] || continue
		while line=$(cat "/proc/$pid/stat" 2>/dev/null); do
			read -ra fields <<<"${line##*) }"
			[[ ${fields[19]} == "$start" ]] || break # another process got the PID
			[[ ${fields[0]} == Z ]] || fail "$name: $node's $role (pid $pid) is still running (state ${fields[0]})"
			((SECONDS < deadline)) || fail "$name: $node's $role (pid $pid) is still a zombie"
			sleep 0.2
		done
	done <"$TMP/$name.pids"
	return 0
}

ip -o link show | awk -F': ' '{print $2}' | sort >"$TMP/links.before"
run_netns_existed=0
[[ -e /run/netns ]] && run_netns_existed=1

# ---------------------------------------------------------------------------------------
step "help and argument errors"
out=$("$SB" --help)
[[ $out == *SYNOPSIS* && $out == *ENVIRONMENT* ]] || fail "--help prints no manual"
out=$("$SB" up 3 --disks 65 2>&1) && fail "up --disks 65 succeeded"
[[ $out == *"--disks takes 0..64"* ]] || fail "up --disks 65 said: $out"
[[ ! -e $CLUSTER_SANDBOX_DIR ]] || fail "up --disks 65 left $CLUSTER_SANDBOX_DIR"
out=$("$SB" down 2>&1) || fail "down on nothing failed: $out"
[[ $out == *"no sandbox running"* ]] || fail "down on nothing said: $out"

# ---------------------------------------------------------------------------------------
step "up 3 --token $TOKEN"
t0=$SECONDS
"$SB" up 3 --token "$TOKEN" || fail "up 3 failed"
echo "    up 3 took $((SECONDS - t0)) s (whole seconds)"
snapshot "$CLUSTER_SANDBOX_DIR" sb
expect_view 5 "n1=3 Yes" "n2=3 Yes" "n3=3 Yes"

step "exec: hostname, exit status, private /run, environment"
for n in 1 2 3; do
	h=$("$SB" exec "n$n" -- hostname) || fail "exec n$n hostname failed"
	[[ $h == "n$n" ]] || fail "exec n$n -- hostname printed '$h'"
done
out=$("$SB" exec n1 -- corosync-quorumtool -s) || fail "corosync-quorumtool -s in n1 failed: $out"
[[ $out =~ Nodes:[[:space:]]+3 ]] || fail "n1 does not show 3 nodes: $out"
[[ $out =~ Quorate:[[:space:]]+Yes ]] || fail "n1 is not quorate: $out"
set +e
"$SB" exec n1 -- sh -c 'exit 7'
rc=$?
set -e
((rc == 7)) || fail "exec did not return the command's status (got $rc, want 7)"
read -r cpid _ <"$CLUSTER_SANDBOX_DIR/n2/pids/corosync"
[[ $("$SB" exec n2 -- cat /run/corosync.pid) == "$cpid" ]] || fail "n2's /run/corosync.pid is not n2's corosync"
# shellcheck disable=SC2016
[[ $("$SB" exec n3 -- sh -c 'echo "$CLUSTER_SOCKET"') == /run/cluster-server/clusterd.sock ]] ||
	fail "exec does not export CLUSTER_SOCKET"
addr=$("$SB" exec n3 -- ip -o -4 addr show dev eth0)
[[ $addr == *10.213.1.3/24* ]] || fail "n3's eth0 has no 10.213.1.3/24: $addr"
[[ -z $("$SB" exec n3 -- ip -4 route show default) ]] || fail "n3 has a default route"
grep -q '^n3 .* 3 members \[1,2,3\], quorate: Yes' <<<"$("$SB" status)" || fail "status does not show n3's membership"

step "a second sandbox beside the first"
CLUSTER_SANDBOX_DIR=$SB2_DIR "$SB" up 1 --token "$TOKEN" >/dev/null || fail "second sandbox: up 1 failed"
snapshot "$SB2_DIR" sb2
[[ $(CLUSTER_SANDBOX_DIR=$SB2_DIR "$SB" exec n1 -- corosync-quorumtool -s) =~ Nodes:[[:space:]]+1 ]] ||
	fail "second sandbox's n1 does not see exactly 1 node"
CLUSTER_SANDBOX_DIR=$SB2_DIR "$SB" down >/dev/null || fail "second sandbox: down failed"
assert_clean "$SB2_DIR" sb2
expect_view 5 "n1=3 Yes" "n2=3 Yes" "n3=3 Yes"

# ---------------------------------------------------------------------------------------
step "cut n3: n1 and n2 keep quorum with 2 members, n3 loses it"
t0=${EPOCHREALTIME/,/.}
"$SB" cut n3 >/dev/null || fail "cut n3 failed"
expect_view 30 "n1=2 Yes" "n2=2 Yes" "n3=1 No"
echo "    partition seen by all three after $(awk -v a="$t0" -v b="${EPOCHREALTIME/,/.}" 'BEGIN{printf "%.1f", b-a}') s"
grep -q '^n3 .* cut ' <<<"$("$SB" status)" || fail "status does not show n3 cut"
"$SB" wait --timeout 10 >/dev/null || fail "wait disagrees with the partition"

step "heal n3: 3 members again"
"$SB" heal n3 || fail "heal n3 failed"
expect_view 5 "n1=3 Yes" "n2=3 Yes" "n3=3 Yes"

step "kill n2 (power loss): survivors see 2 members"
# Strays started with exec: kill must take n2's, down must find n1's.
("$SB" exec n2 -- sleep 600 </dev/null >/dev/null 2>&1 &)
("$SB" exec n1 -- sleep 600 </dev/null >/dev/null 2>&1 &)
wait_for_sleep "cs-$(<"$TMP/sb.id")-n2"
wait_for_sleep "cs-$(<"$TMP/sb.id")-n1"
"$SB" kill n2 || fail "kill n2 failed"
for role in holder corosync; do
	read -r pid start <"$CLUSTER_SANDBOX_DIR/n2/pids/$role"
	if line=$(cat "/proc/$pid/stat" 2>/dev/null); then
		read -ra f <<<"${line##*) }"
		[[ ${f[19]} != "$start" || ${f[0]} == Z ]] || fail "n2's $role ($pid) survived kill (state ${f[0]})"
	fi
done
[[ -z $(ip netns pids "cs-$(<"$TMP/sb.id")-n2") ]] ||
	fail "processes left in n2's namespace"
set +e
"$SB" exec n2 -- true 2>/dev/null
rc=$?
set -e
((rc == 125)) || fail "exec on a killed node returned $rc, want 125"
expect_view 30 "n1=2 Yes" "n3=2 Yes"

step "start n2: 3 members again"
"$SB" start n2 || fail "start n2 failed"
expect_view 5 "n1=3 Yes" "n2=3 Yes" "n3=3 Yes"
[[ $("$SB" exec n2 -- hostname) == n2 ]] || fail "restarted n2 has the wrong hostname"

step "up on a running sandbox fails"
if out=$("$SB" up 3 2>&1); then
	fail "a second up succeeded"
fi
[[ $out == *"already running"* ]] || fail "second up said: $out"
expect_view 5 "n1=3 Yes" "n2=3 Yes" "n3=3 Yes"

step "down leaves nothing behind; down twice is fine"
snapshot "$CLUSTER_SANDBOX_DIR" sb
"$SB" down || fail "down failed"
assert_clean "$CLUSTER_SANDBOX_DIR" sb
out=$("$SB" down 2>&1) || fail "second down failed: $out"
[[ $out == *"no sandbox running"* ]] || fail "second down said: $out"

# ---------------------------------------------------------------------------------------
step "half-finished up (CLUSTER_SANDBOX_FAIL_AFTER=netns), then down"
if CLUSTER_SANDBOX_FAIL_AFTER=netns "$SB" up 3 --token "$TOKEN" 2>/dev/null; then
	fail "up with CLUSTER_SANDBOX_FAIL_AFTER=netns succeeded"
fi
snapshot "$CLUSTER_SANDBOX_DIR" fail-netns
id=$(<"$TMP/fail-netns.id")
[[ $(ip netns list | grep -c "cs-$id-") == 4 ]] || fail "FAIL_AFTER=netns did not leave the 4 namespaces"
"$SB" status >/dev/null || fail "status does not see the half-finished sandbox"
if "$SB" up 3 2>/dev/null; then fail "up over a half-finished sandbox succeeded"; fi
"$SB" down >/dev/null || fail "down after FAIL_AFTER=netns failed"
assert_clean "$CLUSTER_SANDBOX_DIR" fail-netns

step "half-finished up (CLUSTER_SANDBOX_FAIL_AFTER=corosync), then down"
if CLUSTER_SANDBOX_FAIL_AFTER=corosync "$SB" up 3 --token "$TOKEN" 2>/dev/null; then
	fail "up with CLUSTER_SANDBOX_FAIL_AFTER=corosync succeeded"
fi
snapshot "$CLUSTER_SANDBOX_DIR" fail-corosync
"$SB" down >/dev/null || fail "down after FAIL_AFTER=corosync failed"
assert_clean "$CLUSTER_SANDBOX_DIR" fail-corosync

step "up killed with SIGKILL while it waits for quorum, then down"
"$SB" up 3 --token "$TOKEN" >"$TMP/up-killed.log" 2>&1 &
up_pid=$!
deadline=$((SECONDS + 30))
until [[ -s $CLUSTER_SANDBOX_DIR/n3/pids/corosync ]]; do
	((SECONDS < deadline)) || fail "up did not start corosync on n3 within 30 s: $(cat "$TMP/up-killed.log")"
	sleep 0.05
done
kill -KILL "$up_pid"
wait "$up_pid" 2>/dev/null || true
snapshot "$CLUSTER_SANDBOX_DIR" killed-up
"$SB" down >/dev/null || fail "down after a killed up failed"
assert_clean "$CLUSTER_SANDBOX_DIR" killed-up

if ((!run_netns_existed)) && [[ -z $(ip netns list) && -e /run/netns ]]; then
	fail "/run/netns was made by the sandbox and is left behind"
fi

# ---------------------------------------------------------------------------------------
# The clusterd plumbing, with stand-ins for clusterd and the CLI (the real ones may not be
# built yet): arguments, wrapper, environment, readiness wait, restart, SIGTERM on down.
step "clusterd plumbing with a fake clusterd and cluster CLI"
FAKE="$TMP/fake-build"
mkdir -p "$FAKE/daemon" "$FAKE/cli"
cat >"$FAKE/daemon/clusterd" <<FAKE_CLUSTERD
#!/bin/bash
echo "args: \$*"
want="--config-dir /etc/cluster-server --state-dir /var/lib/cluster-server --run-dir /run/cluster-server --foreground --log-level debug"
[[ "\$*" == "\$want" ]] || { echo "bad arguments"; exit 3; }
[[ \$CLUSTER_SANDBOX_NODE == \$(hostname) ]] || { echo "bad CLUSTER_SANDBOX_NODE"; exit 3; }
trap 'echo "\$CLUSTER_SANDBOX_NODE" >>"$TMP/fake-terms"; exit 0' TERM
: >/run/cluster-server/fake.ready
while :; do sleep 0.1 & wait \$!; done
FAKE_CLUSTERD
cat >"$FAKE/cli/cluster" <<FAKE_CLI
#!/bin/bash
# Like clusterd would: a node is Up when it is a corosync member and its clusterd runs.
[[ \$1 == status && \$2 == --json ]] || exit 2
[[ -e /run/cluster-server/fake.ready ]] || exit 1
sep=""
printf '{"nodes": ['
for id in \$(corosync-quorumtool -s | awk '/^Membership information/ { m = 1 } m && \$1 ~ /^[0-9]+\$/ { print \$1 }'); do
	state=Down
	[[ -e $CLUSTER_SANDBOX_DIR/n\$id/run/cluster-server/fake.ready ]] && state=Up
	printf '%s{"id": %d, "state": "%s"}' "\$sep" "\$id" "\$state"
	sep=", "
done
printf ']}\n'
FAKE_CLI
cat >"$FAKE/wrap" <<FAKE_WRAP
#!/bin/bash
echo "\$CLUSTER_SANDBOX_NODE" >>"$TMP/fake-wraps"
exec "\$@"
FAKE_WRAP
chmod +x "$FAKE/daemon/clusterd" "$FAKE/cli/cluster" "$FAKE/wrap"
export CLUSTER_BUILD_DIR=$FAKE CLUSTER_LOG_LEVEL=debug CLUSTER_SANDBOX_WRAP="$FAKE/wrap"
out=$("$SB" up 2 --token "$TOKEN") || fail "up 2 with the fake clusterd failed: $out"
[[ $out == *"clusterd reports all 2 nodes Up"* ]] || fail "up did not wait for clusterd: $out"
[[ $(sort "$TMP/fake-wraps" | tr '\n' ' ') == "n1 n2 " ]] || fail "CLUSTER_SANDBOX_WRAP was not used"
out=$("$SB" exec n2 -- cluster status --json) || fail "exec n2 -- cluster status --json failed"
[[ $out == *'"state": "Up"'*'"state": "Up"'* ]] || fail "the CLI in n2 printed: $out"
unset CLUSTER_BUILD_DIR CLUSTER_LOG_LEVEL CLUSTER_SANDBOX_WRAP # start reuses what up recorded
"$SB" kill n2 >/dev/null || fail "kill n2 failed"
grep -q 'started (corosync clusterd)' <<<"$("$SB" start n2)" || fail "start n2 did not restart clusterd"
read -r cpid _ <"$CLUSTER_SANDBOX_DIR/n1/pids/clusterd"
kill -KILL "$cpid"
grep -q 'started (clusterd)' <<<"$("$SB" start n1)" || fail "start n1 did not restart just clusterd"
grep -q '^n1 .*alive .*alive .*alive .*2 members' <<<"$("$SB" status)" || fail "status after the restarts: $("$SB" status)"
snapshot "$CLUSTER_SANDBOX_DIR" fake
"$SB" down >/dev/null || fail "down (fake clusterd) failed"
[[ $(sort "$TMP/fake-terms" | tr '\n' ' ') == "n1 n2 " ]] || fail "down did not stop clusterd with SIGTERM"
assert_clean "$CLUSTER_SANDBOX_DIR" fake

step "PASS (total $(elapsed) s)"
