#!/usr/bin/env bash
# End-to-end test: a group is never online on two nodes across network cuts
# and a frozen clusterd, on a real 3-node sandbox (token 500).  Group G holds
# a Dummy resource R whose state file lives in each node's private /run; an
# observer (observe.py) looks at every node ten times a second - its state
# file, and its own `cluster status`, the cut-off side included - for the
# whole test.
#   A. a NON-owner is cut off for 8 s: it never places or starts G (it used
#      to, with a stale "quorate"), says it has no quorum, refuses changes;
#      the owner keeps R online throughout; a change made on the majority
#      meanwhile is on every node after the heal;
#   B. the OWNER is cut off: its host stops R (quorum lost, or its lease
#      runs out) before a survivor starts it; G comes online on a survivor;
#      after the heal the old owner rejoins and runs nothing;
#   C. the owner's clusterd is stopped (SIGSTOP) and then the owner cut off:
#      its resource host, no longer given a lease, terminates R by itself
#      within the bound; a survivor takes G over; SIGCONT and heal: the old
#      owner rejoins, runs nothing, and claims nothing;
#   E. every node cut off at once (no side has quorum): R stops; healed, it
#      comes back online (its host's own stop is not a failure);
#   D. the observer saw R online on at most one node in every sample.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_partition.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=/run/cluster-server/R.state

# file_on NODE: R's state file on NODE says online.
file_on() {
	state_on "$1" "$STATE"
}

# file_off NODE: R's state file on NODE does not say online.
file_off() {
	! file_on "$1"
}

# online_owner NODE: G's owner in NODE's view, if G is Online there.
online_owner() {
	group_online_on "$1" G
}

# obs_count REGEX: observer lines matching REGEX.
obs_count() {
	grep -cE -- "$1" "$OBS_LOG" || true
}

sandbox_up 3
note "3 nodes up"
watched_group n1 "$STATE"
note "G online on n1, seen by every node"

obs_start R "$STATE"
wait_for 10 "the observer's first samples" bash -c "(( \$(grep -c '^[0-9]' '$OBS_LOG' 2>/dev/null || echo 0) >= 3 ))"

# ---- A: a non-owner cut off ----
note "A: cut n3 (not the owner) for 8 s"
before=$(obs_count '^[0-9]')
"$SB" cut n3 >/dev/null
wait_for 15 "n3 to say it has no quorum" is_eq jq_py n3 "s['quorate']" -- false
expect_error 21 4 "a change on the cut-off n3" cl n3 group create G-minority
cl n1 group create G-majority >/dev/null || fail "a change on the majority during the cut failed"
sleep 6
file_on n3 && fail "A: n3 started R while cut off"
during=$(sed -n "$((before + 1)),\$p" "$OBS_LOG" | grep -E '^[0-9]')
grep -q 'n3=on' <<<"$during" && fail "A: the observer saw R's state file online on n3 while cut off"
grep -q 'n3=[a-z-]*/self' <<<"$during" && fail "A: n3 claimed R online on itself while cut off"
n1_off=$(grep -cv 'n1=on/self' <<<"$during" || true)
((n1_off == 0)) || fail "A: the owner n1 did not keep R online throughout the cut ($n1_off samples)"
"$SB" heal n3 >/dev/null
wait_for 20 "n3 quorate and synced again" is_eq jq_py n3 "s['quorate'] and s['synced']" -- true
wait_for 10 "G-majority on n3" is_eq jq_py n3 "'G-majority' in [g['name'] for g in s['groups']]" -- true
expect_eq "$(jq_py n3 "'G-minority' in [g['name'] for g in s['groups']]")" false "G-minority (refused) on n3"
file_on n1 || fail "A: R not online on n1 after the heal"
note "A: passed (n3 never started R; n1 kept it; the majority's change reached n3)"

# ---- B: the owner cut off ----
note "B: cut n1 (the owner)"
"$SB" cut n1 >/dev/null
t0=$(date +%s.%N)
wait_for 20 "G online on n2 or n3 (asked on n2)" group_moved n2 G n1
t1=$(date +%s.%N)
newowner=$(online_owner n2)
note "B: G online on $newowner $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.2f", a-b}') s after the cut"
file_on n1 && fail "B: R still online on the cut-off n1 after $newowner took it"
file_on "$newowner" || fail "B: R's state file not online on $newowner"
expect_eq "$(jq_py n1 "s['quorate']")" false "B: n1's quorum while cut off"
"$SB" heal n1 >/dev/null
wait_for 20 "n1 quorate and synced again" is_eq jq_py n1 "s['quorate'] and s['synced']" -- true
sleep 2
file_on n1 && fail "B: n1 started R again after the heal while $newowner runs it"
expect_eq "$(online_owner n1)" "$newowner" "B: G's owner as n1 sees it after the heal"
note "B: passed"

# ---- C: the owner's clusterd frozen, then the owner cut off ----
victim=$newowner
other=$(other_node "$victim")
note "C: SIGSTOP clusterd on $victim (the owner), then cut $victim"
cpid=$(clusterd_pid "$victim")
kill -STOP "$cpid"
t0=$(date +%s.%N)
# the host stops R by itself once its lease (800 ms) runs out, + 200 ms
wait_for 5 "R's state file on the frozen $victim to go offline" file_off "$victim"
t1=$(date +%s.%N)
stopped_after=$(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%.2f", a-b}')
note "C: the frozen $victim's host terminated R $stopped_after s after clusterd stopped"
awk -v s="$stopped_after" 'BEGIN{exit !(s < 2.0)}' || fail "C: the host took ${stopped_after}s (bound: lease 0.8 s + terminate 0.2 s, + sampling)"
"$SB" cut "$victim" >/dev/null
wait_for 20 "G online elsewhere (asked on $other)" group_moved "$other" G "$victim"
newowner=$(online_owner "$other")
note "C: G online on $newowner"
kill -CONT "$cpid"
sleep 2
file_on "$victim" && fail "C: the thawed $victim started R again while cut off"
"$SB" heal "$victim" >/dev/null
wait_for 20 "$victim quorate and synced again" is_eq jq_py "$victim" "s['quorate'] and s['synced']" -- true
sleep 2
file_on "$victim" && fail "C: $victim runs R again after the heal while $newowner runs it"
file_on "$newowner" || fail "C: R not online on $newowner"
note "C: passed"

# ---- E: every node cut off: nobody has quorum; then all healed ----
owner=$(online_owner "$other")
note "E: cut every node (no side has quorum), then heal them"
for n in n1 n2 n3; do
	"$SB" cut "$n" >/dev/null
done
wait_for 15 "R stopped on $owner (no quorum anywhere)" file_off "$owner"
for n in n1 n2 n3; do
	wait_for 15 "$n without quorum" is_eq jq_py "$n" "s['quorate']" -- false
done
for n in n1 n2 n3; do
	"$SB" heal "$n" --no-wait >/dev/null
done
"$SB" wait >/dev/null
wait_for 20 "G online again once quorum is back" bash -c "
	for n in n1 n2 n3; do [[ \$(cat '$CLUSTER_SANDBOX_DIR/'\$n'/$STATE' 2>/dev/null) == online ]] && exit 0; done; exit 1"
note "E: passed (stopped without quorum, online again with it)"

# ---- D: the observer ----
obs_verdict 100
e2e_down_checked
note "PASS"
