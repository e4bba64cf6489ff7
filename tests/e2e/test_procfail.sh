#!/usr/bin/env bash
# End-to-end test: one process of the owner dies or freezes; its resources
# stop on that node before its group runs anywhere else, on a real 3-node
# sandbox (token 500).  Group G holds a Dummy resource R with a state file in
# each node's private /run; observe.py watches every node all the time.
#   A. kill -9 of clusterd alone on the owner (its corosync stays up): the
#      resource host sees clusterd's socket close, terminates R at once and
#      says so to the others (cs_hostnotice.h); they see clusterd leave the
#      CPG group and start G when that notice comes, inside the documented
#      wait (lease + terminate + margin, 0.95 s) that holds without it; the
#      sandbox starts clusterd again and it rejoins without starting R;
#   B. kill -9 of corosync alone on the owner: clusterd loses corosync and
#      exits, the host terminates R; the others see a node loss and take G;
#   C. corosync frozen (SIGSTOP) on the owner: clusterd's lease renewals stop
#      (its local quorum query does not return), the host terminates R when
#      the lease runs out, long before the others declare the node lost and
#      take G; SIGCONT: the node rejoins and runs nothing;
#   D. the resource host killed again and again on the owner: past the
#      restart threshold G fails over, and R - left "online" by each dead
#      host - is opened and terminated on the old owner before G runs
#      elsewhere;
#   D2. an offline that passes its PendingTimeout: the host is killed (what
#      it holds is unknown) and the resource is opened and terminated in the
#      next one;
#   E. the observer saw R online on at most one node in every sample.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_procfail.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=/run/cluster-server/R.state

e2e_before_cleanup() {
	# a process this test stopped must not outlive it stopped
	local f pid rest
	for f in "$CLUSTER_SANDBOX_DIR"/n*/pids/corosync; do
		[[ -f $f ]] && read -r pid rest <"$f" && kill -CONT "$pid" 2>/dev/null
	done
	return 0
}

file_on() {
	state_on "$1" "$STATE"
}
file_off() {
	! file_on "$1"
}
online_owner() {
	group_online_on "$1" G
}
since() {
	awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN{printf "%.2f", a-b}'
}
corosync_pid() {
	local pid rest
	read -r pid rest <"$CLUSTER_SANDBOX_DIR/$1/pids/corosync" || return 1
	echo "$pid"
}

sandbox_up 3
note "3 nodes up"
watched_group n1 "$STATE"

obs_start R "$STATE"
sleep 1

# ---- A: clusterd killed on the owner ----
owner=n1
other=$(other_node $owner)
note "A: kill -9 clusterd on $owner"
t0=$(date +%s.%N)
kill -KILL "$(clusterd_pid $owner)"
wait_for 3 "R stopped on $owner (its host saw clusterd go)" file_off $owner
note "A: R stopped on $owner $(since "$t0") s after the kill"
wait_for 15 "G online elsewhere (asked on $other)" group_moved "$other" G $owner
took=$(since "$t0")
newowner=$(online_owner "$other")
note "A: G online on $newowner $took s after the kill"
log_has "$other" 1 "node 1 \\(n1\\) left \\(clusterd gone\\)" || fail "A: $other did not log clusterd's leaving"
# the others placed G on the host's word, not after the lease: every
# survivor logged the notice, and R was off on n1 before G ran elsewhere
# (the observer checks that at every sample; E)
for n in n2 n3; do
	log_has "$n" 1 "node 1's resource host terminated every resource after its clusterd" ||
		fail "A: $n did not get n1's resource host's notice"
done
"$SB" start $owner >/dev/null
wait_for 20 "$owner back" rejoined $owner
sleep 1
file_off $owner || fail "A: the restarted clusterd on $owner started R again"
note "A: passed"

# ---- B: corosync killed on the owner ----
owner=$newowner
other=$(other_node "$owner")
note "B: kill -9 corosync on $owner"
t0=$(date +%s.%N)
kill -KILL "$(corosync_pid "$owner")"
wait_for 3 "R stopped on $owner (clusterd lost corosync)" file_off "$owner"
note "B: R stopped on $owner $(since "$t0") s after the kill"
wait_for 20 "G online elsewhere (asked on $other)" group_moved "$other" G "$owner"
newowner=$(online_owner "$other")
note "B: G online on $newowner $(since "$t0") s after the kill"
"$SB" start "$owner" >/dev/null
wait_for 30 "$owner back" rejoined "$owner"
sleep 1
file_off "$owner" || fail "B: $owner started R again after it came back"
note "B: passed"

# ---- C: corosync frozen on the owner ----
owner=$newowner
other=$(other_node "$owner")
note "C: SIGSTOP corosync on $owner"
cpid=$(corosync_pid "$owner")
t0=$(date +%s.%N)
kill -STOP "$cpid"
wait_for 4 "R stopped on $owner (its lease ran out)" file_off "$owner"
stopped=$(since "$t0")
note "C: R stopped on $owner $stopped s after corosync froze"
awk -v s="$stopped" 'BEGIN{exit !(s < 1.6)}' || fail "C: took ${stopped}s (bound: tick 0.2 + lease 0.8 + terminate 0.1 s, + sampling)"
wait_for 20 "G online elsewhere (asked on $other)" group_moved "$other" G "$owner"
newowner=$(online_owner "$other")
note "C: G online on $newowner $(since "$t0") s after the freeze"
kill -CONT "$cpid"
wait_for 30 "$owner back" rejoined "$owner"
sleep 1
file_off "$owner" || fail "C: $owner started R again after it came back"
note "C: passed"

# ---- D: the resource host killed past the restart threshold ----
owner=$newowner
other=$(other_node "$owner")
note "D: kill the resource host on $owner until G fails over"
for i in 1 2 3 4; do
	hp=$(host_pid "$owner") || fail "D: no resource host on $owner"
	kill -KILL "$hp"
	if ((i < 4)); then
		wait_for 15 "R online again on $owner after host kill $i" \
			bash -c "[[ \$(cat '$CLUSTER_SANDBOX_DIR/$owner/$STATE' 2>/dev/null) == online ]] && [[ \$(ps -o pid= --ppid $(clusterd_pid "$owner") | wc -l) -ge 1 ]]"
		sleep 0.5
	fi
done
wait_for 20 "G online elsewhere after the 4th host kill (asked on $other)" group_moved "$other" G "$owner"
newowner=$(online_owner "$other")
note "D: G failed over to $newowner"
file_off "$owner" || fail "D: R's effects were left online on $owner by the dead host"
log_has "$owner" 1 "handing it to" || fail "D: $owner did not hand G over"
note "D: passed"

# ---- D2: an offline that never finishes in time ----
note "D2: an offline that passes its PendingTimeout kills the host; the resource is cleaned up"
cl n1 group create G2 >/dev/null
cl n1 resource create R2 --type Dummy --group G2 \
	--priv "StateFile=/run/cluster-server/R2.state" --priv OfflineDelayMs=5000 >/dev/null
cl n1 resource set R2 PendingTimeout=1000 >/dev/null
cl n1 group online G2 --to "$other" --wait 20 >/dev/null || fail "D2: G2 online on $other"
hp=$(host_pid "$other")
cl n1 group offline G2 >/dev/null
wait_for 10 "the hung offline to be found" log_has "$other" 1 "resource R2: OFFLINE did not finish in time in the resource host: killing the host"
wait_for 10 "a new resource host on $other" pid_changed "$other" "$hp"
wait_for 10 "R2's effects cleaned up on $other" bash -c "[[ \$(cat '$CLUSTER_SANDBOX_DIR/$other/run/cluster-server/R2.state' 2>/dev/null) == offline ]]"
note "D2: passed"

# ---- E: the observer ----
obs_verdict 100
e2e_down_checked
note "PASS"
