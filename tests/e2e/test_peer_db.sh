#!/usr/bin/env bash
# test_peer_db.sh - one node's database must never wipe the cluster's.
#
# n3 is powered off; the others make changes, acknowledged to their client.
# Then n3's database file is tampered with while it is down - rows of five
# objects deleted, its version raised to 1000000000 - and n3 is started.
# Three ways, each of which made n3 the state-transfer leader before (only
# "the highest version wins" decided) and lost the five objects on every node:
#   1. as is: its content no longer matches its digest, so it may not lead;
#   2. with its digest row gone too (as a database written before digests):
#      it was away while n1 and n2 went on in a quorate view, so its epoch
#      is older and a version number alone cannot outrank them;
#   3. a copy that says it belongs to another cluster (and has no digest):
#      taken as distrusted;
#   4. the file replaced by garbage: it is moved aside (kept), n3 starts
#      empty, takes the cluster's copy, and says so in its log and status.
# After each, every node - n3 included - has every acknowledged object.
# Last, a replica that diverges while running (fault injection:
# CS_FAULT_DIVERGE makes n2 change a setting in memory without an op) is
# found by the members' digest check, logged, and resynced.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_peer_db.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY=/usr/bin/python3
NODES=(n1 n2 n3)
DB3=$CLUSTER_SANDBOX_DIR/n3/var/lib/cluster-server/cluster.db

# names NODE: the sorted group and resource names NODE reports.
names() {
	jq_py "$1" "' '.join(sorted([g['name'] for g in s['groups']] + [r['name'] for r in s['resources']]))"
}

# all_have WANT: every node reports exactly the objects WANT.
all_have() {
	local n
	for n in "${NODES[@]}"; do
		[[ $(names "$n") == "$1" ]] || return 1
	done
}

# tamper MODE: edit n3's stopped database: delete 5 resource rows, raise the
# version; MODE nodigest also deletes the digest row; garbage overwrites it.
tamper() {
	"$PY" - "$DB3" "$1" <<'EOF'
import sqlite3, sys
path, mode = sys.argv[1], sys.argv[2]
if mode == "garbage":
    import os
    for suffix in ("-wal", "-shm"):  # the WAL would shadow the damaged file
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    open(path, "wb").write(b"this is not a database, it is what a bad disk left\n" * 100)
    sys.exit(0)
db = sqlite3.connect(path)
rows = db.execute("SELECT name FROM objects WHERE kind = 2 ORDER BY rowid DESC LIMIT 5").fetchall()
assert len(rows) == 5, rows
for (name,) in rows:
    db.execute("DELETE FROM objects WHERE kind = 2 AND name = ?", (name,))
db.execute("UPDATE meta SET value = 1000000000 WHERE key = 'version'")
if mode in ("nodigest", "othercluster"):
    db.execute("DELETE FROM meta WHERE key = 'digest'")
if mode == "othercluster":
    db.execute("INSERT OR REPLACE INTO meta VALUES ('cluster', 'another-cluster')")
db.commit()
db.close()
EOF
}

sandbox_up 3
note "3 nodes up"
cl n1 group create G >/dev/null
for i in 1 2 3 4 5 6; do
	cl n1 resource create "r$i" --type Dummy --group G >/dev/null
done
cl n1 group online G --wait 20 >/dev/null
owner=$(group_field n1 G owner)
round=0
for mode in digest nodigest othercluster garbage; do
	round=$((round + 1))
	"$SB" kill n3 >/dev/null
	for n in n1 n2; do
		wait_for 15 "n3 Down as $n sees it" is_eq jq_py "$n" \
			"[x['state'] for x in s['nodes'] if x['name'] == 'n3'][0]" -- Down
	done
	# acknowledged while n3 is away
	for i in 1 2; do
		cl n1 resource create "new$round-$i" --type Dummy --group G >/dev/null ||
			fail "round $round: create new$round-$i not acknowledged"
	done
	want=$(names n1)
	tamper "$mode"
	"$SB" start n3 >/dev/null
	wait_for 20 "round $round ($mode): every node has every acknowledged object" all_have "$want"
	sleep 2 # let any later state transfer happen: nothing may be lost after it either
	all_have "$want" || fail "round $round ($mode): objects lost after n3 rejoined: n1 has $(names n1)"
	for n in "${NODES[@]}"; do
		is_eq res_field "$n" r1 state -- Online || fail "round $round: r1 is not Online as $n sees it"
		is_eq group_field "$n" G owner -- "$owner" || fail "round $round: G moved from $owner"
	done
	note "round $round ($mode): nothing lost; every node has: $want"
done
log3=$CLUSTER_SANDBOX_DIR/n3/log/clusterd.log
grep -q "does not match its digest" "$log3" || fail "n3 did not log the digest mismatch"
grep -q "moved aside" "$log3" || fail "n3 did not log that its database was moved aside"
grep -q "belongs to cluster 'another-cluster'" "$log3" || fail "n3 did not log the other cluster's database"
ls "$(dirname "$DB3")"/cluster.db.bad-* >/dev/null 2>&1 || fail "the damaged database was not kept"
notice=$(jq_py n3 "s.get('notice') or ''")
[[ $notice == *"moved aside"* ]] || fail "cluster status on n3 does not say the database was moved aside: '$notice'"
note "n3 logged the digest mismatch and the file moved aside (kept); its status says so"

# a replica that diverges while it runs
period() { cl n1 group control G GET_COMMON_PROPERTIES --node "$1" | awk '$1 == "FailoverPeriod" {print $3}'; }
want=$(period n1)
"$SB" kill n2 >/dev/null
CLUSTER_SANDBOX_WRAP="env CS_FAULT_DIVERGE=1" "$SB" start n2 >/dev/null
log2=$CLUSTER_SANDBOX_DIR/n2/log/clusterd.log
wait_for 20 "n2 found its copy diverged" grep -q "DIVERGED" "$log2"
grep -q "fault injection (CS_FAULT_DIVERGE)" "$log2" || fail "the fault was not injected on n2"
wait_for 20 "n2 resynced: G's FailoverPeriod as on n1 ($want)" is_eq period n2 -- "$want"
grep -q "diverged" "$CLUSTER_SANDBOX_DIR/n1/log/clusterd.log" || fail "n1 did not log n2's divergence"
all_have "$(names n1)" || fail "objects differ after the resync"
note "a replica diverged in memory: found by the digest check, logged on both sides, resynced"

# a state transfer that cannot complete (its leader's snapshot is lost:
# fault injection CS_FAULT_SKIP_SNAPSHOT=3: the first snapshot it would
# send to a view of 3) is logged and begun again.  n1 restarts with the
# fault (n2 leads that transfer); n3 then restarts, and n1 - newest epoch,
# lowest id - leads the transfer that n3's return starts.
"$SB" kill n1 >/dev/null
CLUSTER_SANDBOX_WRAP="env CS_FAULT_SKIP_SNAPSHOT=3" "$SB" start n1 >/dev/null
sleep 1
"$SB" kill n3 >/dev/null
"$SB" start n3 >/dev/null
log1=$CLUSTER_SANDBOX_DIR/n1/log/clusterd.log
wait_for 30 "n1 skipped a snapshot" grep -q "CS_FAULT_SKIP_SNAPSHOT" "$log1"
wait_for 30 "the stalled transfer begun again" grep -qh "has not completed in" \
	"$CLUSTER_SANDBOX_DIR"/n[123]/log/clusterd.log
want=$(names n2)
wait_for 30 "every node synced and agrees after the retry" all_have "$want"
for n in "${NODES[@]}"; do
	is_eq jq_py "$n" "s['synced']" -- true || fail "$n is not synced after the retry"
done
note "a lost snapshot: the transfer was logged as stalled and begun again; every node synced"
note "PASS"
