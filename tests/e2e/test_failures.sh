#!/usr/bin/env bash
# test_failures.sh - resource failures and the failure policy, on a real
# 3-node sandbox with the Dummy plugin:
#   A. `cluster resource fail R`: restarted in place (the host stays, the
#      sibling stays Online), RestartThreshold times; past it the group
#      fails over to the next preferred owner.
#   B. FailOnline: the resource goes Failed; with RestartAction "don't
#      restart" it stays Failed; with "notify" it is restarted
#      RestartThreshold times, then its group fails over.
#   C. CrashIsAlive: the plugin kills the resource host; clusterd restarts
#      the host (new pid), marks its resources failed and recovers them: a
#      healthy resource of another group in that host comes back Online, the
#      crashing one is restarted RestartThreshold times, then its group fails
#      over.
#   D. HangOnline with a short PendingTimeout (set with
#      SET_COMMON_PROPERTIES): Failed within the bound, the host is killed
#      and restarted, the other resources recover; the hung one is tried
#      1 + RestartThreshold times, then stays Failed (RestartAction 1).
#   E. FailAfterSeconds with a short IsAlivePollInterval: the health check
#      catches it, the resource is restarted in place (the host stays).
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_failures.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# set_props CODE NODE RES NAME=VALUE...: the control CODE on RES through the
# CLI, each NAME=VALUE given as --priv
set_props() {
	local code=$1 node=$2 res=$3 kv
	local -a args=()
	shift 3
	for kv in "$@"; do
		args+=(--priv "$kv")
	done
	cl "$node" resource control "$res" "$code" "${args[@]}" >/dev/null ||
		fail "$code $* on $res"
}

# set_common|set_private NODE RES NAME=VALUE...
set_common() { set_props SET_COMMON_PROPERTIES "$@"; }
set_private() { set_props SET_PRIVATE_PROPERTIES "$@"; }

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN{printf "%.1f", a-b}'; }

sandbox_up 3
note "3 nodes up"

# ---------------------------------------------------------------------------
# A. cluster resource fail
cl n1 group create GA >/dev/null
cl n1 group set-owners GA n1 n2 n3 >/dev/null
cl n1 resource create RA --type Dummy --group GA >/dev/null
cl n1 resource create RA2 --type Dummy --group GA >/dev/null
cl n1 group online GA --to n1 --wait 30 >/dev/null || fail "GA online on n1"
hp=$(host_pid n1) || fail "no resource host on n1"
for i in 1 2 3; do
	cl n2 resource fail RA >/dev/null || fail "cluster resource fail RA ($i)"
	wait_for 15 "RA restarted in place ($i of 3)" log_has n1 "$i" 'resource RA failed: restart [0-9]+ of 3'
	wait_for 15 "RA Online again after fail $i" out_is Online res_field n2 RA state
	expect_eq "$(group_field n2 GA owner)" n1 "owner of GA after fail $i"
done
expect_eq "$(log_count n1 'resource RA failed: restart 3 of 3')" 1 "third restart of RA logged once"
expect_eq "$(host_pid n1)" "$hp" "n1's resource host (a failed resource does not restart the host)"
expect_eq "$(res_field n3 RA2 state)" Online "RA2 (the sibling) after RA's restarts"
expect_eq "$(log_count n1 'resource RA2 failed')" 0 "RA2 failures"
cl n3 resource fail RA >/dev/null || fail "cluster resource fail RA (4)"
wait_for 20 "GA to fail over to n2 past RA's threshold" out_is n2 group_field n1 GA owner
wait_for 20 "GA Online on n2" out_is Online group_field n3 GA state
expect_eq "$(log_count n1 'resource RA failed past its threshold: group GA fails over to n2')" 1 \
	"n1's log of the failover"
note "A: resource fail -> 3 restarts in place, then failover to n2"

# ---------------------------------------------------------------------------
# B. FailOnline
cl n1 group create GB0 >/dev/null
cl n1 resource create RB0 --type Dummy --group GB0 --priv FailOnline=1 >/dev/null
set_common n1 RB0 RestartAction=0
rc=0
cl n1 group online GB0 --to n3 --wait 30 >/dev/null 2>&1 || rc=$?
((rc != 0)) || fail "online of a FailOnline resource reported success"
wait_for 15 "RB0 Failed" out_is Failed res_field n1 RB0 state
expect_eq "$(group_field n2 GB0 state)" Failed "GB0 state"
sleep 2   # no restart may follow
expect_eq "$(res_field n2 RB0 state):$(group_field n2 GB0 owner)" Failed:n3 "RB0 state:owner (RestartAction 0)"
expect_eq "$(log_count n3 'resource RB0: online failed')" 1 "online attempts of RB0"

cl n1 group create GB >/dev/null
cl n1 group set-owners GB n3 n2 >/dev/null
cl n1 resource create RB --type Dummy --group GB --priv FailOnline=1 --priv OnlineDelayMs=1500 >/dev/null
set_common n1 RB RestartThreshold=1 RestartAction=2
cl n1 group online GB --to n3 >/dev/null || fail "GB online request"
wait_for 20 "RB's group to fail over from n3 past the threshold" \
	log_has n3 1 'resource RB failed past its threshold: group GB fails over to n2'
expect_eq "$(log_count n3 'resource RB: online failed')" 2 "online attempts of RB on n3 (1 + RestartThreshold)"
expect_eq "$(log_count n3 'resource RB failed: restart 1 of 1')" 1 "restarts of RB on n3"
wait_for 15 "RB tried on n2" log_has n2 1 'resource RB: online failed'
# it would go on failing between n3 and n2 (FailoverThreshold is not applied
# yet): stop it, mend it, and bring it online
cl n1 group offline GB --wait 30 >/dev/null 2>&1 || true
wait_for 20 "GB to stop" out_is true jq_py n1 "[g['state'] in ('Offline','Failed') for g in s['groups'] if g['name']=='GB'][0]"
set_private n1 RB FailOnline=0
cl n1 group online GB --wait 30 >/dev/null || fail "GB online after FailOnline=0"
note "B: FailOnline -> Failed; restart policy; failover to n2; mended"

# ---------------------------------------------------------------------------
# C. A plugin crash kills the resource host (CrashIsAlive)
cl n1 group create GOK >/dev/null
cl n1 resource create ROK --type Dummy --group GOK >/dev/null
cl n1 group online GOK --to n1 --wait 30 >/dev/null || fail "GOK online on n1"
cl n1 group create GC >/dev/null
cl n1 group set-owners GC n1 n2 >/dev/null
cl n1 resource create RC --type Dummy --group GC --priv CrashIsAlive=1 >/dev/null
set_common n1 RC IsAlivePollInterval=2000 RestartThreshold=1 RestartAction=2
hp=$(host_pid n1) || fail "no resource host on n1"
crashes0=$(log_count n1 'resource host [0-9]+ exited')
cl n1 group online GC --to n1 >/dev/null || fail "GC online request"
wait_for 20 "n1's resource host to crash and be restarted" pid_changed n1 "$hp"
note "C: n1's resource host $hp crashed; now $(host_pid n1)"
wait_for 20 "GC to fail over past RC's threshold" \
	log_has n1 1 'resource RC failed past its threshold: group GC fails over to n2'
# stop RC crashing n2's host over and over
cl n1 group offline GC >/dev/null || fail "GC offline request"
expect_eq "$(($(log_count n1 'resource host [0-9]+ exited') - crashes0))" 2 "host crashes on n1 (1 + RestartThreshold)"
expect_eq "$(log_count n1 'resource RC failed: restart 1 of 1')" 1 "restarts of RC on n1"
expect_eq "$(log_count n1 'resource ROK failed: restart 1 of 3')" 1 "ROK's first restart (its host crashed)"
expect_eq "$(log_count n1 'resource ROK failed: restart 2 of 3')" 1 "ROK's second restart"
wait_for 20 "ROK Online again on n1" out_is Online:n1 jq_py n2 "[r['state']+':'+r['owner'] for r in s['resources'] if r['name']=='ROK'][0]"
wait_for 20 "GC offline on n2" out_is true jq_py n1 "[g['owner']=='n2' and g['state'] in ('Offline','Failed') for g in s['groups'] if g['name']=='GC'][0]"
set_private n1 RC CrashIsAlive=0
cl n1 group online GC --wait 30 >/dev/null || fail "GC online after CrashIsAlive=0"
hp2=$(host_pid n2)
sleep 5   # two IsAlive polls
expect_eq "$(res_field n1 RC state):$(group_field n1 GC owner):$(host_pid n2)" "Online:n2:$hp2" "RC mended on n2"
note "C: crash -> host restarted, ROK recovered, RC restarted once then failed over"

# ---------------------------------------------------------------------------
# D. A hung online (HangOnline) past a short PendingTimeout
cl n1 group create GOK3 >/dev/null
cl n1 resource create ROK3 --type Dummy --group GOK3 >/dev/null
cl n1 group online GOK3 --to n3 --wait 30 >/dev/null || fail "GOK3 online on n3"
cl n1 group create GH >/dev/null
cl n1 resource create RH --type Dummy --group GH --priv HangOnline=1 >/dev/null
set_common n2 RH PendingTimeout=3000 RestartThreshold=2 RestartAction=1
expect_eq "$(cl n3 resource control RH GET_COMMON_PROPERTIES --json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["PendingTimeout"])')" 3000 "RH's PendingTimeout"
hp=$(host_pid n3) || fail "no resource host on n3"
t0=$(now)
cl n1 group online GH --to n3 >/dev/null || fail "GH online request"
wait_for 8 "RH's online to time out (PendingTimeout 3 s)" log_has n3 1 'resource RH: online failed'
note "D: RH failed after $(since "$t0") s (PendingTimeout 3 s)"
wait_for 10 "n3's hung resource host to be killed and restarted" pid_changed n3 "$hp"
wait_for 30 "RH Failed for good" log_has n3 1 'resource RH failed and stays failed'
note "D: RH stays failed after $(since "$t0") s"
sleep 4   # no further attempt may follow
expect_eq "$(log_count n3 'resource RH: online failed')" 3 "online attempts of RH (1 + RestartThreshold 2)"
expect_eq "$(log_count n3 'resource RH failed: restart 1 of 2')" 1 "RH's first restart"
expect_eq "$(log_count n3 'resource RH failed: restart 2 of 2')" 1 "RH's second restart"
expect_eq "$(res_field n1 RH state):$(group_field n1 GH owner)" Failed:n3 "RH (RestartAction 1: no failover)"
wait_for 20 "ROK3 Online again on n3" out_is Online:n3 jq_py n2 "[r['state']+':'+r['owner'] for r in s['resources'] if r['name']=='ROK3'][0]"
note "D: hang -> Failed, host killed and restarted, ROK3 recovered"

# ---------------------------------------------------------------------------
# E. FailAfterSeconds, caught by a short IsAlivePollInterval
cl n1 group create GE >/dev/null
cl n1 resource create RE --type Dummy --group GE --priv FailAfterSeconds=2 >/dev/null
set_common n1 RE IsAlivePollInterval=1000 LooksAlivePollInterval=1000 RestartThreshold=2 RestartAction=1
cl n1 group online GE --to n2 --wait 30 >/dev/null || fail "GE online on n2"
hp=$(host_pid n2) || fail "no resource host on n2"
t0=$(now)
wait_for 8 "RE's failure to be detected" log_has n2 1 'resource RE: health check [0-9]+ failed'
note "E: RE's failure detected $(since "$t0") s after Online (FailAfterSeconds 2, polls 1 s)"
wait_for 10 "RE restarted" log_has n2 1 'resource RE failed: restart 1 of 2'
wait_for 10 "RE Online again" out_is Online res_field n1 RE state
wait_for 20 "RE to fail past its threshold" log_has n2 1 'resource RE failed and stays failed'
expect_eq "$(log_count n2 'resource RE failed: restart 2 of 2')" 1 "RE's second restart"
expect_eq "$(res_field n3 RE state):$(group_field n3 GE owner)" Failed:n2 "RE after its restarts"
expect_eq "$(host_pid n2)" "$hp" "n2's resource host (a failed health check does not restart it)"
note "E: FailAfterSeconds -> detected, restarted twice, then Failed"
note "PASS"
