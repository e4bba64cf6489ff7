#!/usr/bin/env bash
# End-to-end test: a Physical Disk is never written by two nodes at once
# (DESIGN.md section 5), shown by the disk itself.  3 nodes, --disks 1, the
# sanlock back end; group GD (owners n1 n2 n3) with disk 0 mounted at /run/d0.
#
# A writer (tests/e2e/disk_writer.c) runs in EVERY node's namespaces all the
# time and appends a checksummed 512-byte record (node, incarnation, sequence
# number, CLOCK_REALTIME) with O_DIRECT|O_DSYNC to /run/d0/cswriters.dat every
# 20 ms whenever the disk is mounted in its own node, logging every outcome
# outside the disk.  A power loss kills it with the node; it is started again
# with the node.  Scenarios, each followed by a check of the file as the
# current owner reads it:
#   1. power loss of the owner (cluster-sandbox kill), then its restart;
#   2. the owner cut off, then healed;
#   3. a non-owner cut off, then healed (the disk must not move);
#   4. kill -9 of the owner's clusterd alone, then `start` (clusterd only);
#   5. a storm: 12 cut/heal in quick succession (the owner every other
#      time, others at random; cut for 0-3 s, shorter and longer than
#      corosync needs to notice), three of them with a second node cut for
#      a moment (no quorum anywhere);
#   6. a clean move, then `cluster node drain` of the new owner.
# The checker fails on a torn or foreign record, a sequence going backwards,
# time going backwards between records (two writers interleaved), a write its
# writer was told was durable missing from the file, or two writers' writes
# overlapping in time; it prints per scenario the owner sequence
# ("n1:512 -> n2:400") and each handover's gap as the disk saw it.  At the
# end: writers stopped, a final check, the group offline and `e2fsck -fn` of
# the file system through every node's own loop device.  All along, an
# observer reads every node's mount table every 10 ms: /run/d0 must never be
# mounted on two nodes in one sample.
#
# Every record is a journal commit and a flush of the loop device, which the
# host turns into an fsync of the image: 20 ms keeps that to ~40/s on a
# machine other sandboxes share (at 5 ms the host disk's flush latency
# stalled corosync and clusterd for tens of seconds here).
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_disk_writers.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DW=$CLUSTER_BUILD_DIR/tests/e2e/disk_writer
if ! command -v sanlock >/dev/null || [[ ! -e $CLUSTER_BUILD_DIR/plugins/physical-disk/physical-disk.so ]]; then
	echo "$E2E_NAME: SKIP: needs sanlock and the Physical Disk plugin" >&2
	exit 77
fi
[[ -x $DW ]] || fail "no $DW (build tests/e2e/disk_writer)"

MNT=/run/d0
FILE=$MNT/cswriters.dat
SIG=0x5ca1a000
ACKS=$E2E_TMP/acks
MARKS=$E2E_TMP/marks
STOP=$E2E_TMP/stop
MOUNTS=$E2E_TMP/mounts.log
KEEP=/tmp/$E2E_NAME.last   # the evidence of the last run: acks, checks, mounts
mkdir -p "$ACKS"
: >"$MARKS"

declare -A WPID=()
MOBS_PID=

# ---- the writers ----
start_writer() {
	"$SB" exec "$1" -- "$DW" write "${1#n}" "$FILE" "$ACKS" "$STOP" 20 \
		2>>"$E2E_TMP/writer.$1.err" &
	WPID[$1]=$!
}
writer_alive() {
	local s
	s=$(cat "/proc/${WPID[$1]}/stat" 2>/dev/null) || return 1
	s=${s##*) }
	[[ ${s:0:1} != Z ]]
}
# wrote_since NODE T_NS: NODE's writer has a durable record begun after T_NS.
wrote_since() {
	local f
	for f in "$ACKS/$1".*; do
		[[ -f $f ]] || continue
		tail -n 20 "$f" | awk -v t="$2" '$1 == "W" && $5 > t {found = 1} END {exit !found}' && return 0
	done
	return 1
}

# ---- where GD is ----
# owner_seen NODE: GD's owner in NODE's view if NODE is quorate and GD Online.
owner_seen() {
	jq_py "$1" "[g['owner'] for g in s['groups'] if g['name']=='GD' and g['state']=='Online' and s['quorate']][0]"
}
# current_owner: GD's owner as the first quorate node that answers sees it.
current_owner() {
	local n o
	for n in n1 n2 n3; do
		o=$(owner_seen "$n" 2>/dev/null) && [[ -n $o ]] && { echo "$o"; return 0; }
	done
	return 1
}
owner_is_not() {
	local o
	o=$(current_owner) && [[ $o != "$1" ]]
}
mark() {
	echo "$(date +%s%N) $1" >>"$MARKS"
	note "---- $1"
}

# settle: GD Online somewhere, every node's writer running, and the owner's
# writer has written a record since now.
OWNER=
settle() {
	local t n
	t=$(date +%s%N)
	wait_for 60 "GD Online on some node" current_owner
	OWNER=$(current_owner)
	for n in n1 n2 n3; do
		writer_alive "$n" || fail "the writer of $n died: $(tail -3 "$E2E_TMP/writer.$n.err")"
	done
	wait_for 30 "the writer on $OWNER to write" wrote_since "$OWNER" "$t"
	OWNER=$(current_owner)
}

# check_now [--final]: the checker, inside the owner, over the file as it sees it.
check_now() {
	local rc=0
	"$SB" exec "$OWNER" -- "$DW" check "$FILE" "$ACKS" "$MARKS" "$@" >"$E2E_TMP/check.out" 2>&1 || rc=$?
	cp "$E2E_TMP/check.out" "$KEEP.check.out" 2>/dev/null || true
	if ((rc != 0)); then
		cat "$E2E_TMP/check.out" >&2
		fail "the checker found signs of two writers (or could not read the file: exit $rc)"
	fi
	grep -E '^(/run|owner|scenario )' "$E2E_TMP/check.out" | tail -n 3 | sed "s/^/$E2E_NAME:   /"
	if grep -q '^TWICE' "$MOUNTS"; then
		grep '^TWICE' "$MOUNTS" | head >&2
		fail "the mount observer saw $MNT mounted on two nodes"
	fi
}
# scenario_field LABEL KEY: from the last check, a value of scenario LABEL.
scenario_field() {
	sed -n "s/^SCENARIO $1 .*\\b$2=\\([0-9]*\\).*/\\1/p" "$E2E_TMP/check.out"
}
expect_records() {
	local r
	r=$(scenario_field "$1" records)
	((${r:-0} > 0)) || fail "$1: no record written during the scenario"
}

e2e_before_cleanup() {
	touch "$STOP"
	[[ -n $MOBS_PID ]] && kill "$MOBS_PID" 2>/dev/null
	rm -rf "$KEEP.acks"
	cp -r "$ACKS" "$KEEP.acks" 2>/dev/null
	cp "$MOUNTS" "$KEEP.mounts" 2>/dev/null
	cp "$MARKS" "$KEEP.marks" 2>/dev/null
	rm -rf "$KEEP.logs"
	mkdir -p "$KEEP.logs"
	for n in n1 n2 n3; do
		cp "$CLUSTER_SANDBOX_DIR/$n/log/clusterd.log" "$KEEP.logs/$n.clusterd.log" 2>/dev/null
		cp "$CLUSTER_SANDBOX_DIR/$n/log/sanlock.log" "$KEEP.logs/$n.sanlock.log" 2>/dev/null
	done
	return 0
}

# ---- up ----
"$SB" up 3 --token "${E2E_TOKEN:-500}" --disks 1 >/dev/null || fail "sandbox up --disks 1"
note "3 nodes up with 1 shared disk"
disk_group "$SIG" "$MNT"
"$DW" observe "$CLUSTER_SANDBOX_DIR" "$MNT" "$MOUNTS" &
MOBS_PID=$!
for n in n1 n2 n3; do
	start_writer "$n"
done
mark 0-start
cl n1 group online GD --to n1 --wait 60 >/dev/null || fail "group online GD on n1"
settle
note "GD online on $OWNER, its writer writing"

# ---- 1: power loss of the owner ----
mark 1-kill-owner
old=$OWNER
"$SB" kill "$old" >/dev/null
wait_for 60 "GD online on a survivor" owner_is_not "$old"
note "1: GD online on $(current_owner) after $old's power loss"
"$SB" start "$old" >/dev/null || fail "1: start $old"
start_writer "$old"
wait_for 30 "$old back" rejoined "$old"
settle
check_now
expect_records 1-kill-owner
[[ $OWNER != "$old" ]] || fail "1: GD went back to the restarted $old"

# ---- 2: the owner cut off, then healed ----
mark 2-cut-owner
old=$OWNER
"$SB" cut "$old" >/dev/null
wait_for 60 "GD online on the majority" owner_is_not "$old"
note "2: GD online on $(current_owner) after the cut of $old"
"$SB" heal "$old" >/dev/null || fail "2: heal $old"
wait_for 30 "$old back" rejoined "$old"
settle
check_now
expect_records 2-cut-owner

# ---- 3: a non-owner cut off, then healed ----
mark 3-cut-nonowner
old=$OWNER
victim=$(other_node "$old")
"$SB" cut "$victim" >/dev/null
wait_for 20 "$victim to lose quorum" is_eq jq_py "$victim" "s['quorate']" -- false
sleep 3
"$SB" heal "$victim" >/dev/null || fail "3: heal $victim"
wait_for 30 "$victim back" rejoined "$victim"
settle
check_now
expect_records 3-cut-nonowner
[[ $OWNER == "$old" ]] || fail "3: the cut of the non-owner $victim moved GD from $old to $OWNER"
h=$(scenario_field 3-cut-nonowner handovers)
((h == 0)) || fail "3: the disk saw $h handover(s) while only the non-owner $victim was cut"

# ---- 4: kill -9 of the owner's clusterd alone ----
mark 4-kill-clusterd
old=$OWNER
pid=$(clusterd_pid "$old") || fail "4: no clusterd pid for $old"
kill -9 "$pid"
wait_for 60 "GD online elsewhere after $old's clusterd died" owner_is_not "$old"
note "4: GD online on $(current_owner) after kill -9 of $old's clusterd"
"$SB" start "$old" >/dev/null || fail "4: start (clusterd of) $old"
wait_for 30 "$old back" rejoined "$old"
writer_alive "$old" || fail "4: the writer of $old died with its clusterd"
settle
check_now
expect_records 4-kill-clusterd

# ---- 5: a heal/rejoin storm ----
mark 5-storm
for i in $(seq 1 12); do
	# the owner every other time; cuts both shorter and longer than the
	# time corosync needs to notice (token 500 + consensus 600 ms)
	r=n$((RANDOM % 3 + 1))
	((i % 2)) && r=$(current_owner 2>/dev/null || echo "$r")
	"$SB" cut "$r" >/dev/null
	sleep "$((RANDOM % 3)).$((RANDOM % 10))"
	if ((i % 4 == 3)); then
		# a second node for a moment: nobody has quorum
		s=$(other_node "$r")
		"$SB" cut "$s" >/dev/null
		sleep 0.$((RANDOM % 5 + 3))
		"$SB" heal "$s" >/dev/null || fail "5: heal $s"
	fi
	"$SB" heal "$r" >/dev/null || fail "5: heal $r"
done
for n in n1 n2 n3; do
	wait_for 30 "$n back after the storm" rejoined "$n"
done
settle
check_now
expect_records 5-storm

# ---- 6: a clean move, then a drain ----
mark 6-move
"$SB" wait --timeout 60 >/dev/null || fail "6: the membership did not settle after the storm"
old=$OWNER
to=$(other_node "$old")
# a change sent while the membership changes is refused with "try again"
# (ERROR_NOT_READY, doc/quorum.md): what an administrator does then
moved=0
for _ in 1 2 3 4 5; do
	if out=$(cl "$old" group move GD --to "$to" --wait 60 2>&1); then
		moved=1
		break
	fi
	grep -q "try again" <<<"$out" || fail "6: move GD to $to: $out"
	sleep 1
done
((moved)) || fail "6: move GD to $to: still refused: $out"
settle
[[ $OWNER == "$to" ]] || fail "6: GD on $OWNER after a move to $to"
mark 6-drain
cl "$to" node drain "$to" --wait 60 >"$E2E_TMP/drain.out" || fail "6: drain $to: $(cat "$E2E_TMP/drain.out")"
settle
[[ $OWNER != "$to" ]] || fail "6: GD still on the drained $to"
cl "$to" node resume "$to" >/dev/null || fail "6: resume $to"
check_now
expect_records 6-move
expect_records 6-drain
h=$(scenario_field 6-move handovers)
((h >= 1)) || fail "6: the disk saw no handover in the move"

# ---- the end: stop the writers, check, offline, fsck ----
mark 7-end
touch "$STOP"
for n in n1 n2 n3; do
	wait "${WPID[$n]}" 2>/dev/null || true
done
check_now --final
note "final check: $(grep -E '^/run' "$E2E_TMP/check.out")"
grep -E '^(owner sequence|   |  handover|scenario )' "$E2E_TMP/check.out" | sed "s/^/$E2E_NAME:   /"
cl n1 group offline GD --wait 60 >/dev/null || fail "group offline GD"
for n in n1 n2 n3; do
	dev=$(readlink "$CLUSTER_SANDBOX_DIR/$n/disks/disk0")p1
	"$SB" exec "$n" -- blockdev --flushbufs "$dev" || fail "flushbufs $dev on $n"
	"$SB" exec "$n" -- e2fsck -fn "$dev" >"$E2E_TMP/fsck.$n" 2>&1 ||
		{ cat "$E2E_TMP/fsck.$n" >&2; fail "e2fsck -fn on $n ($dev) found errors"; }
done
note "e2fsck -fn through every node's loop device: clean"

kill "$MOBS_PID" 2>/dev/null
wait "$MOBS_PID" 2>/dev/null || true
MOBS_PID=
end=$(grep '^END ' "$MOUNTS") || fail "the mount observer did not finish"
samples=$(sed -n 's/^END samples=\([0-9]*\) .*/\1/p' <<<"$end")
twice=$(sed -n 's/^END .*twice=\([0-9]*\)$/\1/p' <<<"$end")
((twice == 0)) || { grep TWICE "$MOUNTS" | head >&2; fail "$MNT was mounted on two nodes in $twice of $samples samples"; }
((samples > 1000)) || fail "the mount observer took only $samples samples"
note "mount observer: $samples samples of every node's mounts, never on two"
note "PASS"
