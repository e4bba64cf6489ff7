#!/usr/bin/env bash
# test_props.sh - common properties of groups, nodes, resource types and the
# cluster on a real 3-node cluster:
#   1. set from n1 (`cluster group|node|resource-type|cluster set`), read
#      back on every node (`... get`), each a replicated change;
#   2. a resource created after its type's poll intervals were set takes
#      them, on every node;
#   3. bad values refused with the exact error, all of the list refused (no
#      value of it taken), VALIDATE_COMMON_PROPERTIES answering what SET
#      would, and a client outside the admin group refused;
#   4. every value as it was after all three nodes lost power and came back.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_props.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODES=(n1 n2 n3)

formed() {
	is_eq jq_py "$1" "s['quorate'] is True and s['synced'] is True and sorted((n['name'], n['state']) for n in s['nodes']) == [('n1', 'Up'), ('n2', 'Up'), ('n3', 'Up')]" -- true
}

# The values set in 1., as `get KIND [NAME] PROPERTY` prints them:
# "KIND|NAME|PROPERTY|VALUE" (NAME empty for the cluster).
EXPECTED=(
	"group|G|Description|web tier"
	"group|G|FailoverThreshold|3"
	"group|G|FailoverPeriod|2"
	"group|G|AutoFailbackType|1"
	"group|G|FailbackWindowStart|22"
	"group|G|FailbackWindowEnd|4"
	"group|G2|FailoverThreshold|4294967295"
	"group|G2|FailbackWindowStart|4294967295"
	"node|n3|Description|rack 3, left"
	"node|n3|NodeName|n3"
	"node|n1|Description|"
	"resource-type|Dummy|Description|the test type"
	"resource-type|Dummy|LooksAlivePollInterval|2500"
	"resource-type|Dummy|IsAlivePollInterval|30000"
	"resource|R|LooksAlivePollInterval|2500"
	"resource|R|IsAlivePollInterval|30000"
	"resource|R0|LooksAlivePollInterval|5000"
	"cluster||Description|e2e cluster"
)

# get_on NODE KIND NAME PROPERTY: the value as NODE sees it.
get_on() {
	if [[ $2 == cluster ]]; then
		cl "$1" cluster get "$4"
	else
		cl "$1" "$2" get "$3" "$4"
	fi
}

# check_all WHEN: every expected value on every node (waiting a little for
# the nodes that were not asked to apply the change).
check_all() {
	local n e kind name prop want
	for n in "${NODES[@]}"; do
		for e in "${EXPECTED[@]}"; do
			IFS='|' read -r kind name prop want <<<"$e"
			wait_for 10 "$n: $kind $name $prop = '$want' ($1)" \
				is_eq get_on "$n" "$kind" "$name" "$prop" -- "$want"
		done
	done
}

# expect_refused WHAT CODE TEXT CMD...: CMD exits 10 naming error CODE and
# saying TEXT.
expect_refused() {
	local what=$1 code=$2 text=$3 out rc=0
	shift 3
	out=$("$@" 2>&1) || rc=$?
	[[ $rc -eq 10 && $out == *"($code)"* && $out == *"$text"* ]] ||
		fail "$what: expected exit 10, error $code and '$text'; got exit $rc: ${out:0:300}"
}

# ---------------------------------------------------------------------------
note "bringing up 3 nodes"
sandbox_up 3
for n in "${NODES[@]}"; do
	wait_for 30 "$n formed" formed "$n"
done

cl n1 group create G >/dev/null
cl n1 group create G2 >/dev/null
cl n1 group set-owners G n1 n2 >/dev/null
cl n1 resource create R0 --type Dummy --group G2 >/dev/null

# 1. set from n1, read back everywhere
cl n1 group set G "Description=web tier" FailoverThreshold=3 FailoverPeriod=0x2 \
	AutoFailbackType=1 FailbackWindowStart=22 FailbackWindowEnd=4 >/dev/null ||
	fail "group set"
cl n1 node set n3 "Description=rack 3, left" >/dev/null || fail "node set"
cl n1 resource-type set Dummy LooksAlivePollInterval=2500 IsAlivePollInterval=0x7530 \
	"Description=the test type" >/dev/null || fail "resource-type set"
cl n1 cluster set "Description=e2e cluster" >/dev/null || fail "cluster set"
# 2. a resource of the type, created after: the type's intervals
cl n1 resource create R --type Dummy --group G >/dev/null
check_all "set from n1"
# the whole list, as JSON, from another node
out=$(cl n3 group get G --json) || fail "group get --json on n3"
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["Name"]=="G" and d["FailoverPeriod"]==2 and d["Description"]=="web tier" and d["PersistentState"]==0, d' "$out" ||
	fail "group get G --json on n3: $out"
note "group, node, type and cluster properties set on n1 and read on every node; R took Dummy's poll intervals, R0 (older) did not"

# 3. refusals: clusterd's words and error, nothing of the list taken
expect_refused "FailoverPeriod 0" 87 "FailoverPeriod 0 is out of range (1 to 1193)" \
	cl n2 group set G FailoverPeriod=0
expect_refused "a list with one bad value" 87 "FailoverPeriod 1194 is out of range" \
	cl n2 group set G Description=changed FailoverPeriod=1194
expect_refused "an hour that is none" 87 "FailbackWindowEnd 24 is out of range" \
	cl n1 group set G FailbackWindowEnd=24
expect_refused "half a failback window" 87 "both an hour (0-23) or both -1" \
	cl n1 group set G FailbackWindowStart=-1
expect_refused "failback without preferred owners" 87 "needs at least one preferred owner" \
	cl n1 group set G2 AutoFailbackType=1
expect_refused "removing the last preferred owner of a group that fails back" 87 \
	"set AutoFailbackType 0 before removing them all" cl n3 group set-owners G
expect_refused "a read-only group property" 87 "PersistentState is read-only" \
	cl n1 group set G PersistentState=1
expect_refused "a read-only node property" 87 "NodeName is read-only" \
	cl n1 node set n2 NodeName=x
expect_refused "an unknown cluster property" 87 "Bogus is not a common property" \
	cl n1 cluster set Bogus=1
expect_refused "a zero poll interval" 87 "LooksAlivePollInterval 0 is out of range" \
	cl n2 resource-type set Dummy LooksAlivePollInterval=0 "Description=x"
expect_rc 1 "a word for a number (usage error, nothing sent)" cl n1 group set G FailoverPeriod=six
grep -q "FailoverPeriod takes a number" "$E2E_TMP/err" || fail "FailoverPeriod=six: $(cat "$E2E_TMP/err")"
expect_error 5013 2 "no such group" cl n1 group set NoGroup Description=x
expect_error 5042 2 "no such node" cl n1 node set n9 Description=x
expect_error 5078 2 "a type no plugin provides" cl n1 resource-type set "No Such Type" Description=x
expect_error 5078 2 "SET_COMMON_PROPERTIES of a type no plugin provides" \
	cl n2 resource-type control "No Such Type" SET_COMMON_PROPERTIES --priv Description=x
# VALIDATE answers what SET would, and changes nothing
expect_error 87 10 "VALIDATE of FailoverPeriod 0" \
	cl n2 group control G VALIDATE_COMMON_PROPERTIES --priv FailoverPeriod=0
cl n2 group control G VALIDATE_COMMON_PROPERTIES --priv FailoverPeriod=7 >/dev/null ||
	fail "VALIDATE of FailoverPeriod 7"
expect_error 87 10 "VALIDATE of a node's read-only property" \
	cl n2 node control n1 VALIDATE_COMMON_PROPERTIES --priv NodeID=7
cl n2 resource-type control Dummy VALIDATE_COMMON_PROPERTIES --priv IsAlivePollInterval=1 \
	>/dev/null || fail "VALIDATE of a type's IsAlivePollInterval 1"
# a client outside the admin group reads, never writes
"$SB" exec n1 -- chmod 0666 /run/cluster-server/clusterd.sock
nobody() { "$SB" exec n1 -- setpriv --reuid=65534 --regid=65534 --clear-groups cluster "$@"; }
out_is 2 nobody group get G FailoverPeriod || fail "group get as nobody"
expect_error 5 4 "group set as nobody" nobody group set G FailoverPeriod=9
expect_error 5 4 "cluster set as nobody" nobody cluster set Description=x
check_all "after the refusals"
note "bad values, read-only and unknown names refused with clusterd's reason (87), the whole list with them; VALIDATE agrees; non-admin refused (5)"

# 4. power loss of every node, then back
for n in "${NODES[@]}"; do
	"$SB" kill "$n" >/dev/null
done
note "all three nodes killed"
for n in "${NODES[@]}"; do
	"$SB" start "$n" >/dev/null
done
for n in "${NODES[@]}"; do
	wait_for 30 "$n formed again" formed "$n"
done
check_all "after all nodes restarted"
for n in "${NODES[@]}"; do
	[[ $(log_count "$n" "does not match its digest") == 0 ]] ||
		fail "$n: its database failed its digest after the restart"
done
note "every value survived a restart of the whole cluster, on every node"
echo "$E2E_NAME: PASS"
