#!/usr/bin/env bash
# End-to-end test of a two-node cluster: corosync's votequorum with two_node
# and wait_for_all (the sandbox writes both for two nodes; see doc/quorum.md).
#   A. the owner is killed: the survivor keeps quorum (two_node) and takes the
#      group over; the killed node comes back and runs nothing of it;
#   B. a cold start with one node: it is not quorate (wait_for_all) and starts
#      nothing until it has seen the other node; then the group comes online.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_twonode.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=/run/cluster-server/R.state
file_on() {
	[[ $(cat "$CLUSTER_SANDBOX_DIR/$1/$STATE" 2>/dev/null) == online ]]
}
online_owner() {
	jq_py "$1" "[g['owner'] for g in s['groups'] if g['name']=='G' and g['state']=='Online'][0]"
}

sandbox_up 2
note "2 nodes up"
grep -q 'two_node: 1' "$CLUSTER_SANDBOX_DIR/n1/etc/corosync/corosync.conf" ||
	fail "the two-node corosync.conf has no two_node"
cl n1 group create G >/dev/null
cl n1 group set-owners G n1 n2 >/dev/null
cl n1 resource create R --type Dummy --group G --priv "StateFile=$STATE" >/dev/null
cl n1 group online G --to n1 --wait 20 >/dev/null
wait_for 20 "R online on n1" file_on n1

note "A: kill n1 (the owner)"
t0=$(date +%s.%N)
"$SB" kill n1 >/dev/null
wait_for 20 "G online on n2" is_eq online_owner n2 -- n2
note "A: G online on n2 $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.2f", a-b}') s after the kill"
expect_eq "$(jq_py n2 "s['quorate']")" true "n2's quorum alone (two_node)"
file_on n2 || fail "A: R's state file not online on n2"
"$SB" start n1 >/dev/null
wait_for 30 "n1 back" is_eq jq_py n1 "s['quorate'] and s['synced']" -- true
sleep 1
file_on n1 && fail "A: n1 started R after it came back"
note "A: passed"

note "B: cold start with n2 alone"
"$SB" kill n1 >/dev/null
"$SB" kill n2 >/dev/null
"$SB" start n2 >/dev/null
sleep 4
expect_eq "$(jq_py n2 "s['quorate']")" false "n2 alone after a cold start (wait_for_all)"
file_on n2 && fail "B: n2 started R without quorum"
expect_error 21 4 "a change on n2 without quorum" cl n2 group create G2
"$SB" start n1 >/dev/null
wait_for 30 "n2 quorate once it saw n1" is_eq jq_py n2 "s['quorate']" -- true
wait_for 30 "G online again" bash -c "[[ \$(cat '$CLUSTER_SANDBOX_DIR/n1/$STATE' 2>/dev/null) == online || \$(cat '$CLUSTER_SANDBOX_DIR/n2/$STATE' 2>/dev/null) == online ]]"
note "B: passed"

e2e_down_checked
note "PASS"
