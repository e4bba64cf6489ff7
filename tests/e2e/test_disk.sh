#!/usr/bin/env bash
# End-to-end test: a Physical Disk resource on a real 3-node sandbox with
# shared disks (--disks 2: image files, a loop device per node, sanlock per
# node, doc/sandbox.md).
#   A. group GD with disk 0 (MBR signature 0x5ca1a000, one ext4 partition)
#      mounted at /run/d0 comes online on n1: the mount is in n1 only, the
#      disk's sanlock lease names node 1;
#   B. the storage control codes: STORAGE_GET_DISK_INFO from n2 (routed to
#      the owner) gives the signature first and the partition with its label,
#      read live (a label changed by e2label while online is in the next answer);
#      asked of n2 itself (not the owner) it is ERROR_HOST_NODE_NOT_RESOURCE_OWNER
#      (5015); IS_PATH_VALID on and off the mount; a Dummy resource answers
#      ERROR_INVALID_FUNCTION; GET_AVAILABLE_DISKS (a type control) on n2
#      lists disk 1 but not disk 0, which is a resource;
#   C. a clean move to n2: n1 unmounts and releases, n2 takes the lease and
#      mounts; a file n1 wrote (synced) is there;
#   D. power loss of the owner (cluster-sandbox kill: link down, ext4 shut
#      down without a journal flush, SIGKILL): a survivor takes the dead
#      node's lease over at once (it left the membership and was waited out),
#      replays the journal and mounts; the file written before is there; the
#      restarted node mounts nothing;
#   F. a process on the owner that keeps a file open on the disk and writes
#      + fdatasyncs every 50 ms (nothing in the group stops it) while the
#      owner is cut off: the owner's terminate finds the file system busy,
#      shuts it down and detaches it, so the holder's writes fail from then
#      on - before a survivor mounts the disk; the file system checks clean;
#   E. the disk was never mounted on two nodes in any sample of an observer
#      that looks at every node's mounts all the time.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_disk.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v sanlock >/dev/null || [[ ! -e $CLUSTER_BUILD_DIR/plugins/physical-disk/physical-disk.so ]]; then
	echo "$E2E_NAME: SKIP: needs sanlock and the Physical Disk plugin" >&2
	exit 77
fi

MNT=/run/d0
SIG=0x5ca1a000

# mounted_on NODE: true when NODE's mount namespace has the disk mounted at MNT.
mounted_on() {
	"$SB" exec "$1" -- findmnt -n "$MNT" >/dev/null 2>&1
}
mounts_now() {
	local n out=""
	for n in n1 n2 n3; do
		mounted_on "$n" && out+="$n "
	done
	echo "$out"
}
owner_of() {
	group_online_on "$1" GD
}

# The observer: every node's mounts, all the time, into a file.
MNT_OBS=$(mktemp)
MNT_OBS_PID=
observer() {
	while :; do
		echo "$(mounts_now)" >>"$MNT_OBS"
		sleep 0.1
	done
}
e2e_before_cleanup() {
	[[ -n $MNT_OBS_PID ]] && kill "$MNT_OBS_PID" 2>/dev/null
	rm -f "$MNT_OBS"
	return 0
}

"$SB" up 3 --token "${E2E_TOKEN:-500}" --disks 2 >/dev/null || fail "sandbox up --disks 2"
note "3 nodes up with 2 shared disks"

# ---- A ----
disk_group "$SIG" "$MNT"
observer &
MNT_OBS_PID=$!
t0=$(date +%s.%N)
cl n1 group online GD --to n1 --wait 60 >/dev/null || fail "A: group online GD on n1"
note "A: GD online on n1 after $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.1f", a-b}') s (the first online joins the disk's lockspace)"
for n in n1 n2 n3; do
	wait_for 20 "$n to see GD online on n1" is_eq owner_of "$n" -- n1
done
mounted_on n1 || fail "A: D is Online but $MNT is not mounted on n1"
mounted_on n2 && fail "A: $MNT mounted on n2 too"
dev1=$("$SB" exec n1 -- findmnt -n -o SOURCE "$MNT")
note "A: $MNT mounted on n1 from $dev1"
"$SB" exec n1 -- sh -c "echo before-move >$MNT/f1 && sync" || fail "A: write on n1"

# ---- B ----
info=$(cl n2 resource control D STORAGE_GET_DISK_INFO 2>&1) || fail "B: GET_DISK_INFO from n2 (routed): $info"
grep -qi "signature.*5ca1a000" <<<"${info,,}" || fail "B: no signature 0x5ca1a000 in: $info"
grep -q "d0p1" <<<"$info" || fail "B: no partition labelled d0p1 in: $info"
first=$(grep -v '^\s*$' <<<"$info" | head -1)
grep -qi "signature" <<<"$first" || fail "B: the signature is not the first value: $first"
out=$(cl n2 resource control D STORAGE_GET_DISK_INFO --node n2 2>&1) && fail "B: GET_DISK_INFO on the non-owner n2 succeeded: $out"
grep -q "5015" <<<"$out" || grep -qi "does not own the resource" <<<"$out" ||
	fail "B: the non-owner's answer is not ERROR_HOST_NODE_NOT_RESOURCE_OWNER: $out"
note "B: GET_DISK_INFO: owner answers (signature first, partition d0p1); non-owner n2: 5015"
# read live: a label changed on the owner while online is in the next answer
"$SB" exec n1 -- e2label "$dev1" d0relabel || fail "B: e2label $dev1 on n1"
info=$(cl n1 resource control D STORAGE_GET_DISK_INFO 2>&1) || fail "B: GET_DISK_INFO on n1: $info"
grep -q "d0relabel" <<<"$info" || fail "B: the new label d0relabel is not in the owner's answer: $info"
"$SB" exec n1 -- e2label "$dev1" d0p1 || fail "B: e2label $dev1 back to d0p1"
note "B: a label changed while online is in the owner's next GET_DISK_INFO (read live)"
out=$(cl n1 resource control D STORAGE_IS_PATH_VALID --in-string "$MNT/f1" 2>&1) ||
	fail "B: IS_PATH_VALID of $MNT/f1 on the owner: $out"
out=$(cl n1 resource control D STORAGE_IS_PATH_VALID --in-string /etc/hostname 2>&1) &&
	fail "B: IS_PATH_VALID of /etc/hostname (not on the disk) succeeded: $out"
grep -qi "not find\|(2)" <<<"$out" || fail "B: IS_PATH_VALID off the disk is not ERROR_FILE_NOT_FOUND: $out"
out=$(cl n1 resource control D STORAGE_GET_DISK_INFO --node n3 2>&1) && fail "B: GET_DISK_INFO on n3 succeeded"
grep -q "5015\|does not own" <<<"$out" || fail "B: n3's answer is not 5015: $out"
note "B: IS_PATH_VALID: on the mount yes, /etc/hostname no (2); n3: 5015"
cl n1 group create GX >/dev/null
cl n1 resource create X --type Dummy --group GX >/dev/null
out=$(cl n1 resource control X STORAGE_GET_DISK_INFO 2>&1) && fail "B: a Dummy resource answered GET_DISK_INFO: $out"
grep -q "invalid function\|(1)" <<<"${out,,}" || fail "B: a Dummy's GET_DISK_INFO is not ERROR_INVALID_FUNCTION: $out"
avail=$(cl n2 resource-type control "Physical Disk" STORAGE_GET_AVAILABLE_DISKS 2>&1) ||
	fail "B: GET_AVAILABLE_DISKS on n2: $avail"
grep -qi "5ca1a000" <<<"${avail,,}" && fail "B: GET_AVAILABLE_DISKS lists disk 0, which is a resource: $avail"
grep -qi "guid" <<<"${avail,,}" || fail "B: GET_AVAILABLE_DISKS does not list disk 1 (GPT): $avail"
note "B: GET_AVAILABLE_DISKS on n2 lists disk 1, not disk 0 (a resource)"

# ---- C ----
t0=$(date +%s.%N)
cl n1 group move GD --to n2 --wait 60 >/dev/null || fail "C: move GD to n2"
note "C: moved to n2 in $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.2f", a-b}') s"
mounted_on n1 && fail "C: $MNT still mounted on n1 after the move"
mounted_on n2 || fail "C: $MNT not mounted on n2 after the move"
expect_eq "$("$SB" exec n2 -- cat "$MNT/f1")" before-move "C: the file n1 wrote, read on n2"
"$SB" exec n2 -- sh -c "echo before-kill >$MNT/f2 && sync" || fail "C: write on n2"

# ---- D ----
t0=$(date +%s.%N)
"$SB" kill n2 >/dev/null
wait_for 60 "GD online on a survivor (asked on n1)" group_moved n1 GD n2
new=$(owner_of n1)
note "D: GD online on $new $(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN{printf "%.2f", a-b}') s after n2's power loss"
mounted_on "$new" || fail "D: $MNT not mounted on $new"
expect_eq "$("$SB" exec "$new" -- cat "$MNT/f2")" before-kill "D: the file written before the power loss"
log_has "$new" 1 "held by node 2, which left the cluster" ||
	fail "D: $new did not take the dead node's lease over (log)"
note "D: $new took the lease of the dead n2 over, replayed the journal, the file is there"
"$SB" start n2 >/dev/null || fail "D: cannot start n2 again"
wait_for 30 "n2 back" rejoined n2
sleep 2
mounted_on n2 && fail "D: the restarted n2 mounted the disk"
expect_eq "$(owner_of n2)" "$new" "D: GD's owner as n2 sees it"

# ---- F ----
owner=$(owner_of n1)
PROGRESS=$E2E_TMP/holder.progress
note "F: a process on $owner keeps a file open on the disk and writes; cut $owner"
"$SB" exec "$owner" -- python3 -c '
import os, sys, time
fd = os.open("/run/d0/held.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
i = 0
while True:
    try:
        os.write(fd, b"%d\n" % i)
        os.fdatasync(fd)
    except OSError:
        time.sleep(0.05)
        continue
    with open(sys.argv[1], "a") as p:
        p.write("%d %.3f\n" % (i, time.time()))
    i += 1
    time.sleep(0.05)
' "$PROGRESS" 2>/dev/null &
HOLDER_PID=$!
wait_for 10 "the holder writing" test -s "$PROGRESS"
"$SB" cut "$owner" >/dev/null
wait_for 60 "GD online on a survivor (asked on $(other_node "$owner"))" group_moved "$(other_node "$owner")" GD "$owner"
new=$(owner_of "$(other_node "$owner")")
mounted_at=$(date +%s.%N)
sleep 2
last=$(tail -1 "$PROGRESS" | cut -d' ' -f2)
note "F: GD online on $new; the holder's last durable write on $owner at $last, $(awk -v a="$mounted_at" -v b="$last" 'BEGIN{printf "%.2f", a-b}') s before the survivor reported it mounted"
awk -v a="$mounted_at" -v b="$last" 'BEGIN{exit !(b < a)}' ||
	fail "F: the holder on the cut-off $owner still wrote the disk after $new took it"
log_has "$owner" 1 "its file system was shut down" || fail "F: $owner did not shut the busy file system down"
kill "$HOLDER_PID" 2>/dev/null
"$SB" heal "$owner" >/dev/null
wait_for 30 "$owner back" rejoined "$owner"
cl "$new" group offline GD --wait 60 >/dev/null || fail "F: group offline GD"
dev=$(readlink "$CLUSTER_SANDBOX_DIR/$new/disks/disk0")p1
"$SB" exec "$new" -- blockdev --flushbufs "$dev"
out=$("$SB" exec "$new" -- e2fsck -fn "$dev" 2>&1) || fail "F: e2fsck -fn $dev after the holder: $out"
note "F: passed (the holder's writes stopped at the shutdown; e2fsck clean)"

# ---- E ----
kill "$MNT_OBS_PID" 2>/dev/null
wait "$MNT_OBS_PID" 2>/dev/null || true
MNT_OBS_PID=
samples=$(wc -l <"$MNT_OBS")
twice=$(awk 'NF > 1' "$MNT_OBS" | wc -l)
((samples > 20)) || fail "E: the observer took only $samples samples"
((twice == 0)) || fail "E: the disk was mounted on two nodes in $twice of $samples samples"
note "E: $samples samples of every node's mounts: never on two"
note "PASS"
