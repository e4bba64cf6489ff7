#!/usr/bin/env bash
# End-to-end test of the group failover policy, as MSCS defines it, on a real
# 3-node sandbox (token 500); groups of Dummy resources whose state files live
# in each node's private /run.
#   A. FailoverThreshold on resource failures: GA (FailoverThreshold 1) fails
#      over once when RA fails past its restart threshold; the second time it
#      stays Failed where it is, with the reason in `cluster status` (text and
#      JSON, on every node) and the log; `group online` clears it.
#   B. FailoverThreshold on node loss: GB (FailoverThreshold 1) is placed on a
#      survivor when its owner is killed; when that one is killed too, GB is
#      held Failed (no owner) instead of a second failover.
#   C. Failback (AutoFailbackType 1): GC goes home to its first preferred
#      owner when that node returns, but only inside its failback window: with
#      the window elsewhere in the day it stays; opening the window (now) moves
#      it home.
#   D. Cold start: with every node down, n1 and n2 start (quorate); GD, whose
#      first preferred owner is n3, is not placed on them while the cold-start
#      wait runs, and goes to n3 once n3's clusterd starts.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_policy.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES=(n1 n2 n3)

file_on() { # NODE RESOURCE
	[[ $(cat "$CLUSTER_SANDBOX_DIR/$1/run/cluster-server/$2.state" 2>/dev/null) == online ]]
}
# gfield NODE GROUP FIELD: a group's field as NODE sees it (None printed as None)
gfield() {
	jq_py "$1" "[g['$3'] for g in s['groups'] if g['name']=='$2'][0]"
}
online_on() { # NODE GROUP -> owner if Online
	jq_py "$1" "[g['owner'] for g in s['groups'] if g['name']=='$2' and g['state']=='Online'][0]"
}
mkgroup() { # GROUP RESOURCE NODE [OWNERS...]
	local g=$1 r=$2 n=$3
	shift 3
	cl n1 group create "$g" >/dev/null
	[[ $# -gt 0 ]] && cl n1 group set-owners "$g" "$@" >/dev/null
	cl n1 resource create "$r" --type Dummy --group "$g" \
		--priv "StateFile=/run/cluster-server/$r.state" >/dev/null
	cl n1 group online "$g" --to "$n" --wait 20 >/dev/null || fail "$g online on $n"
	wait_for 20 "$r online on $n" file_on "$n" "$r"
}

sandbox_up 3
note "3 nodes up"

# ---- A: failover threshold, resource failures ----
mkgroup GA RA n1
cl n1 resource set RA RestartThreshold=0 RestartAction=2 >/dev/null
cl n1 group set GA FailoverThreshold=1 >/dev/null
expect_eq "$(cl n2 group get GA FailoverThreshold)" 1 "GA's FailoverThreshold read on n2"
cl n1 resource fail RA >/dev/null
wait_for 20 "GA online elsewhere after the first failure" is_eq online_on n3 GA -- n2
note "A: first failure -> failover to n2"
cl n1 resource fail RA >/dev/null
wait_for 15 "GA held Failed on n2" is_eq gfield n3 GA state -- Failed
sleep 3
for n in "${NODES[@]}"; do
	expect_eq "$(gfield "$n" GA state)" Failed "GA's state on $n"
	expect_eq "$(gfield "$n" GA owner)" n2 "GA's owner on $n (it stays where it is)"
	reason=$(gfield "$n" GA reason)
	[[ $reason == *"failover threshold reached"* ]] || fail "A: GA's reason on $n: '$reason'"
done
cl n3 status | grep -q "GA: failover threshold reached" || fail "A: the text status does not give GA's reason"
log_has n2 1 "group GA failed over 1 time\\(s\\) within 6 h \\(FailoverThreshold 1\\): it stays Failed" ||
	fail "A: n2 did not log why GA stays Failed"
file_on n1 RA && fail "A: RA online on n1"
cl n1 group online GA --wait 20 >/dev/null || fail "A: group online GA after the hold"
wait_for 15 "GA online again" is_eq online_on n1 GA -- n2
expect_eq "$(gfield n1 GA reason)" None "GA's reason after an administrator's online"
note "A: passed (held Failed with its reason after 1 failover; online clears it)"

# ---- B: failover threshold, node loss ----
mkgroup GB RB n3 n3 n1 n2
cl n1 group set GB FailoverThreshold=1 >/dev/null
"$SB" kill n3 >/dev/null
wait_for 20 "GB placed on a survivor" is_eq online_on n1 GB -- n1
note "B: n3 killed -> GB on n1 (failover 1)"
"$SB" start n3 >/dev/null
wait_for 20 "n3 back" is_eq jq_py n3 "s['quorate'] and s['synced']" -- true
"$SB" kill n1 >/dev/null
wait_for 20 "GB held Failed" is_eq gfield n2 GB state -- Failed
expect_eq "$(gfield n2 GB owner)" None "GB's owner after its threshold (none: its node is gone)"
[[ $(gfield n3 GB reason) == *"failover threshold reached"* ]] || fail "B: GB's reason on n3"
sleep 2
file_on n2 RB && fail "B: RB started on n2 past the threshold"
file_on n3 RB && fail "B: RB started on n3 past the threshold"
"$SB" start n1 >/dev/null
wait_for 20 "n1 back" is_eq jq_py n1 "s['quorate'] and s['synced']" -- true
expect_eq "$(gfield n1 GB state)" Failed "GB after n1 returned (the hold stays)"
note "B: passed (a second node loss within the period holds GB Failed)"

# ---- C: failback ----
h=$(date +%-H)
mkgroup GC RC n3 n3 n1
cl n1 group set GC AutoFailbackType=1 FailbackWindowStart=$(((h + 2) % 24)) \
	FailbackWindowEnd=$(((h + 3) % 24)) >/dev/null
"$SB" kill n3 >/dev/null
wait_for 20 "GC on n1 after n3's loss" is_eq online_on n2 GC -- n1
"$SB" start n3 >/dev/null
wait_for 20 "n3 back" is_eq jq_py n3 "s['quorate'] and s['synced']" -- true
sleep 4
expect_eq "$(online_on n3 GC)" n1 "GC outside its failback window (stays on n1)"
file_on n3 RC && fail "C: RC online on n3 outside the window"
t0=$(date +%s.%N)
cl n1 group set GC FailbackWindowStart="$h" FailbackWindowEnd=$(((h + 1) % 24)) >/dev/null
wait_for 20 "GC back home on n3" is_eq online_on n1 GC -- n3
wait_for 5 "RC online on n3" file_on n3 RC
file_on n1 RC && fail "C: RC still online on n1 after the failback"
log_has n1 1 "group GC: failing back from n1 to its preferred owner n3" ||
	log_has n2 1 "group GC: failing back from n1 to its preferred owner n3" ||
	fail "C: the failback was not logged"
note "C: passed (outside the window it stays; inside it goes home in $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.2f", a-b}') s)"

# ---- D: cold start waits for the preferred owner ----
mkgroup GD RD n3 n3 n1 n2
for n in "${NODES[@]}"; do
	"$SB" kill "$n" >/dev/null
done
"$SB" start n1 --no-wait >/dev/null
"$SB" start n2 >/dev/null
wait_for 30 "n1 and n2 quorate" is_eq jq_py n1 "s['quorate'] and s['synced']" -- true
sleep 5
expect_eq "$(gfield n1 GD owner)" None "GD's owner while its preferred owner n3 is away (cold start)"
file_on n1 RD && fail "D: RD placed on n1 during the cold-start wait"
file_on n2 RD && fail "D: RD placed on n2 during the cold-start wait"
"$SB" start n3 >/dev/null
wait_for 30 "GD online on n3" is_eq online_on n1 GD -- n3
log_has n1 1 "group placement waits" || log_has n2 1 "group placement waits" ||
	fail "D: the cold-start wait was not logged"
note "D: passed (GD waited for n3)"

e2e_down_checked
note "PASS"
