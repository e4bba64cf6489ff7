#!/usr/bin/env bash
# test_controls.sh - every common control code clusterd answers (resource,
# group, node, resource type, cluster), each under the MSCS buffer contract
# (out NULL / 0 / N-1 bytes: ERROR_MORE_DATA, the size N, buffer untouched;
# N bytes: success, N; content right), locally and routed over CPG to every
# other node; SET_COMMON/SET_PRIVATE_PROPERTIES seen on every node; invalid
# sets refused with nothing changed; unknown codes and codes of other
# objects refused.  The checks themselves are in ctlcheck.c, run in a node.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_controls.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ -x $CTL ]] || fail "no $CTL (build the tests)"

# check_all FROM HOST ANSWERED_BY EXPECT...: the whole matrix from node FROM,
# with host_node HOST ("-": NULL, i.e. the owner; the node object checked is
# then FROM) and the private-property codes answered by the plugin or clusterd.
check_all() {
	local from=$1 host=$2 by=$3 node out
	shift 3
	local -a hostopt=()
	if [[ $host == - ]]; then
		node=$from
	else
		node=$host
		hostopt=(--host "$host")
	fi
	out=$(ctl "$from" "${hostopt[@]}" --answered-by "$by" "$@" check R1 G "$node" Dummy 2>&1) ||
		fail "controls from $from (host $host):"$'\n'"$out"
	note "from $from, host $host ($by): ${out##*ctlcheck: }"
}

# has_line NODE LINE CMD...: CMD run in NODE prints LINE
has_line() {
	local node=$1 line=$2 out
	shift 2
	out=$(ctl "$node" "$@" 2>/dev/null) || return 1
	grep -qxF -- "$line" <<<"$out"
}

# props_are "NAME=VALUE..." CMD...: true if CMD prints those lines, in any order
props_are() {
	local want=$1 out
	shift
	out=$("$@" 2>/dev/null) || return 1
	[[ $(sort <<<"$out") == "$(tr ' ' '\n' <<<"$want" | sort)" ]]
}

sandbox_up 3
note "3 nodes up"
cl n1 group create G >/dev/null
cl n1 resource create R1 --type Dummy --group G --priv OnlineDelayMs=50 >/dev/null
cl n1 resource create R2 --type Dummy --group G >/dev/null

defaults=(--common RestartAction=2 --common RestartThreshold=3 --common RestartPeriod=900000
	--common LooksAlivePollInterval=5000 --common IsAlivePollInterval=60000
	--common PendingTimeout=180000 --private OnlineDelayMs=50
	--group-common FailoverThreshold=4294967295 --group-common FailoverPeriod=6)

# 1. Never online: no plugin has it open, clusterd answers everywhere.
check_all n1 - clusterd "${defaults[@]}" --common PersistentState=0
check_all n2 n3 clusterd "${defaults[@]}"

# 2. Online on n1: the owner's plugin answers what it knows.
cl n1 group online G --to n1 --wait 30 >/dev/null || fail "group G did not come online on n1"
expect_eq "$(res_field n2 R1 state)" Online "R1 state seen from n2"
online=("${defaults[@]}" --common PersistentState=1 --group-common PersistentState=1)
check_all n1 - plugin "${online[@]}"          # local, on the owner
check_all n1 n1 plugin "${online[@]}"         # host = the local node, named
check_all n2 - plugin "${online[@]}"          # routed to the owner n1
check_all n3 n1 plugin "${online[@]}"         # routed to n1, named
check_all n1 n2 clusterd "${online[@]}"       # routed from the owner to n2
check_all n3 n2 clusterd "${online[@]}"       # routed between two non-owners
check_all n2 n2 clusterd "${online[@]}"       # local on a non-owner, named

# The CLI keeps the contract too: a short --out-size gives exit 6 and the size.
rc=0
out=$(cl n1 resource control R1 GET_NAME --out-size 5 2>/dev/null) || rc=$?
expect_eq "$rc:$out" "6:6" "cluster resource control GET_NAME --out-size 5 (exit:size)"
rc=0
out=$(cl n3 resource control R1 GET_NAME --out-size 5 --node n2 2>/dev/null) || rc=$?
expect_eq "$rc:$out" "6:6" "routed GET_NAME --out-size 5 (exit:size)"
out=$(cl n2 resource control R1 GET_NAME --out-size 6 --raw | od -An -tx1 | tr -d ' \n')
expect_eq "$out" "520031000000" "GET_NAME raw bytes (UTF-16LE 'R1' and NUL)"

# 3. SET_COMMON_PROPERTIES from a non-owner: every node, every host sees it.
ctl n2 set-common R1 RestartThreshold=5 RestartPeriod=600000 PendingTimeout=90000 ||
	fail "SET_COMMON_PROPERTIES from n2"
ctl n3 set-private R1 OfflineDelayMs=25 StateFile= || fail "SET_PRIVATE_PROPERTIES from n3"
for n in n1 n2 n3; do
	wait_for 10 "$n to see the new common properties" \
		out_is "$(printf '%s\n' Name=R1 Type=Dummy RestartAction=2 RestartThreshold=5 \
			RestartPeriod=600000 LooksAlivePollInterval=5000 IsAlivePollInterval=60000 \
			PendingTimeout=90000 PersistentState=1)" ctl "$n" get-common R1
done
for n in n1 n2 n3; do
	wait_for 10 "$n to see the new private properties" has_line "$n" OfflineDelayMs=25 get-private R1
done
changed=(--common RestartAction=2 --common RestartThreshold=5 --common RestartPeriod=600000
	--common PendingTimeout=90000 --common PersistentState=1
	--private OnlineDelayMs=50 --private OfflineDelayMs=25 --private StateFile=)
for from in n1 n2 n3; do
	check_all "$from" - plugin "${changed[@]}"
	for host in n1 n2 n3; do
		if [[ $host == n1 ]]; then
			check_all "$from" "$host" plugin "${changed[@]}"
		else
			check_all "$from" "$host" clusterd "${changed[@]}"
		fi
	done
done

# 4. Invalid sets are refused (87) and change nothing, wherever they come from.
before_c=$(ctl n1 get-common R1)
before_p=$(ctl n1 get-private R1)
ctl n2 --expect-error 87 set-common R1 RestartAction=9 || fail "RestartAction 9 accepted"
ctl n3 --expect-error 87 set-common R1 LooksAlivePollInterval=0 || fail "LooksAlive 0 accepted"
ctl n1 --expect-error 87 set-common R1 PersistentState=0 || fail "PersistentState (read-only) set"
ctl n2 --expect-error 87 set-common R1 NoSuchProperty=1 || fail "an unknown common property set"
ctl n3 --expect-error 87 set-private R1 NoSuchDummyProperty=1 ||
	fail "an unknown private property accepted (the owner's plugin refuses it)"
ctl n2 --expect-error 87 set-private R1 FailOnline=text ||
	fail "a private property of the wrong syntax accepted"
ctl n1 --expect-error 87 set-common R1 || fail "an empty common property list accepted"
ctl n3 --expect-error 87 set-private R1 || fail "an empty private property list accepted"
for n in n1 n2 n3; do
	expect_eq "$(ctl "$n" --host n1 get-common R1)" "$before_c" "common properties on $n after refused sets"
	expect_eq "$(ctl "$n" --host n1 get-private R1)" "$before_p" "private properties on $n after refused sets"
done
# ... and the plugin still takes later changes.
ctl n2 set-private R1 OfflineDelayMs=30 || fail "SET_PRIVATE_PROPERTIES after refused ones"
wait_for 10 "the owner's plugin to have OfflineDelayMs=30" \
	out_is "${before_p/OfflineDelayMs=25/OfflineDelayMs=30}" ctl n1 --host n1 get-private R1
note "invalid sets refused; nothing changed"

# 5. Move the group to n2: the new owner's plugin opened R1 with the stored
# properties; n1 no longer has it open.
cl n1 group move G --to n2 --wait 30 >/dev/null || fail "move G to n2"
expect_eq "$(group_field n3 G owner)" n2 "owner of G after the move"
moved=("${changed[@]/OfflineDelayMs=25/OfflineDelayMs=30}")
wait_for 10 "n1 to unload R1 (its stored properties answer there)" \
	props_are "OnlineDelayMs=50 OfflineDelayMs=30 StateFile=" ctl n1 --host n1 get-private R1
check_all n2 - plugin "${moved[@]}"
check_all n1 - plugin "${moved[@]}"
check_all n3 n1 clusterd "${moved[@]}"

# 6. A control for a node that is down: ERROR_HOST_NODE_NOT_AVAILABLE (5005).
"$SB" kill n3 >/dev/null
wait_for 20 "n3 Down on n1" out_is Down jq_py n1 "[n['state'] for n in s['nodes'] if n['name']=='n3'][0]"
rc=0
out=$(cl n1 resource control R1 GET_NAME --node n3 2>&1) || rc=$?
[[ $rc -ne 0 && $out == *"(5005)"* ]] || fail "control routed to a down node: exit $rc: $out"
check_all n1 - plugin "${moved[@]}"   # the owner still answers
note "PASS"
