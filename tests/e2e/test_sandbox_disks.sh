#!/usr/bin/env bash
# End-to-end test of the sandbox's shared disks (tools/cluster-sandbox up --disks K):
# every node reaches each disk through a loop device of its own, with the partition
# tables, signatures/GUIDs and ext4 labels the sandbox promises; one sanlock daemon per
# node answers; `kill NODE` is a power loss (a file written with sync survives, the
# journal is replayed by the next owner); `start NODE` brings the node back with its
# disks and sanlock; `down` leaves no loop device, partition device, image, process or
# /dev/shm file behind.
#
# Run as root: bash tests/e2e/test_sandbox_disks.sh   (exit 0 pass, 1 fail, 77 skip)
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
shopt -s nullglob

for t in sanlock sfdisk partx losetup blkid e2fsck mkfs.ext4; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "$E2E_NAME: SKIP ($t not installed: apt-get install -y sanlock fdisk e2fsprogs util-linux)"
		exit 77
	fi
done
for f in tools/cs-sanlock-rlimit.so tools/cs-ext4-shutdown; do
	[[ -e $CLUSTER_BUILD_DIR/$f ]] || fail "no $CLUSTER_BUILD_DIR/$f (ninja -C $CLUSTER_BUILD_DIR)"
done

D=$CLUSTER_SANDBOX_DIR
DISKS=3
MNT=$E2E_TMP/mnt
mkdir -p "$MNT"
# What the sandbox promises (tools/cluster-sandbox, disk_layout): disk I has an MBR
# with signature 0x5ca1a000 + I when I is even, a GPT with GUID
# 5ca1ab1e-0000-4000-8000-<I in 12 hex digits> when I is odd, 1 + I % 4 partitions,
# an ext4 file system labelled dIpJ in partition J.  Written out, not computed.
WANT_PTTYPE=(dos gpt dos)
WANT_PTUUID=(5ca1a000 5ca1ab1e-0000-4000-8000-000000000001 5ca1a002)
WANT_PARTS=(1 2 3)

# dev NODE I: NODE's loop device for disk I.
dev() {
	readlink "$D/$1/disks/disk$2"
}

# blkid_val NODE DEVICE KEY: a value of `blkid -p -o export` run inside NODE.
blkid_val() {
	"$SB" exec "$1" -- blkid -p -o export "$2" | sed -n "s/^$3=//p"
}

# sanlock_up NODE: the node's sanlock daemon answers, and calls itself NODE.
sanlock_up() {
	local out
	out=$(SANLOCK_RUN_DIR=$D/$1/sanlock timeout 5 sanlock client status 2>&1) || return 1
	[[ $out == *"daemon $1"* ]]
}

# backing DEVICE: the file a loop device serves ("" when detached).
backing() {
	cat "/sys/block/${1#/dev/}/loop/backing_file" 2>/dev/null || true
}

before_shm=$(ls /dev/shm)

note "up 2 --disks $DISKS"
"$SB" up 2 --disks "$DISKS" --token "${E2E_TOKEN:-500}" >/dev/null || fail "up 2 --disks $DISKS failed"
"$SB" disks >"$E2E_TMP/disks.out" || fail "cluster-sandbox disks failed"
[[ $(grep -c '^disk[0-9]' "$E2E_TMP/disks.out") == "$DISKS" ]] || fail "disks lists: $(cat "$E2E_TMP/disks.out")"

# ---- every node sees every disk through its own path ----
declare -A DEV=()
for n in n1 n2; do
	for ((i = 0; i < DISKS; i++)); do
		d=$(dev "$n" "$i") || fail "$n has no $D/$n/disks/disk$i"
		[[ $d =~ ^/dev/loop[0-9]+$ ]] || fail "$n's disk$i is $d, not a loop device"
		DEV[$n.$i]=$d
		[[ $(backing "$d") == "$D/disks/disk$i.img" ]] ||
			fail "$n's disk$i ($d) serves '$(backing "$d")', not $D/disks/disk$i.img"
		[[ $(stat -c '%G %a' "$d") == "disk 660" ]] || fail "$d is $(stat -c '%G %a' "$d"), want group disk, mode 660"
		got=$(blkid_val "$n" "$d" PTTYPE)
		expect_eq "$got" "${WANT_PTTYPE[$i]}" "$n: partition table of disk$i ($d)"
		got=$(blkid_val "$n" "$d" PTUUID)
		expect_eq "$got" "${WANT_PTUUID[$i]}" "$n: signature/GUID of disk$i ($d)"
		parts=("$d"p*)
		expect_eq "${#parts[@]}" "${WANT_PARTS[$i]}" "$n: partition devices of disk$i ($d)"
		for ((j = 1; j <= WANT_PARTS[i]; j++)); do
			p=${d}p$j
			[[ -b $p ]] || fail "$n: no partition device $p"
			[[ $(stat -c '%G %a' "$p") == "disk 660" ]] || fail "$p is $(stat -c '%G %a' "$p"), want disk 660"
			expect_eq "$(blkid_val "$n" "$p" LABEL)" "d${i}p$j" "$n: label of $p"
			expect_eq "$(blkid_val "$n" "$p" TYPE)" ext4 "$n: file system of $p"
		done
		expect_eq "$(blkid_val "$n" "${d}p1" PART_ENTRY_OFFSET)" 8192 "$n: first sector of disk$i's first partition (4 MiB)"
	done
done
WANT_ID=(SIG:5ca1a000 GUID:5ca1ab1e-0000-4000-8000-000000000001 SIG:5ca1a002)
WANT_LABELS=(d0p1 "d1p1,d1p2" "d2p1,d2p2,d2p3")
for ((i = 0; i < DISKS; i++)); do
	[[ ${DEV[n1.$i]} != "${DEV[n2.$i]}" ]] || fail "n1 and n2 share ${DEV[n1.$i]} for disk$i"
	expect_eq "$(grep "^disk$i " "$E2E_TMP/disks.out")" \
		"disk$i $D/disks/disk$i.img ${WANT_PTTYPE[$i]} ${WANT_ID[$i]} ${WANT_LABELS[$i]} ${DEV[n1.$i]} ${DEV[n2.$i]}" \
		"'cluster-sandbox disks' on disk$i"
done
note "n1 and n2 reach $DISKS disks through their own loop devices (n1: ${DEV[n1.0]} ${DEV[n1.1]} ${DEV[n1.2]}; n2: ${DEV[n2.0]} ${DEV[n2.1]} ${DEV[n2.2]}): MBR/GPT, signatures, partitions from 4 MiB, labels, group disk 660"

# ---- clusterd's environment and sanlock ----
for n in n1 n2; do
	env_of=$(tr '\0' '\n' <"/proc/$(clusterd_pid "$n")/environ")
	grep -qxF "CS_DISK_DEVICES=$D/$n/disks/*" <<<"$env_of" || fail "$n's clusterd has no CS_DISK_DEVICES=$D/$n/disks/*"
	grep -qxF "SANLOCK_RUN_DIR=$D/$n/sanlock" <<<"$env_of" || fail "$n's clusterd has no SANLOCK_RUN_DIR=$D/$n/sanlock"
	sanlock_up "$n" || fail "$n's sanlock does not answer in $D/$n/sanlock"
	# shellcheck disable=SC2016
	out=$("$SB" exec "$n" -- sh -c 'sanlock client status') || fail "sanlock client status inside $n failed"
	[[ $out == *"daemon $n"* ]] || fail "inside $n, sanlock client status said: $out"
done
note "clusterd has CS_DISK_DEVICES and SANLOCK_RUN_DIR; each node's sanlock answers (host names n1, n2)"

# ---- power loss with a mounted file system ----
P1=${DEV[n1.1]}p2 P2=${DEV[n2.1]}p2
"$SB" exec n1 -- sh -c "mount '$P1' '$MNT' && echo synced-data >'$MNT/synced' && sync &&
	echo unsynced-data >'$MNT/unsynced'" || fail "mount $P1 and write in n1 failed"
! mountpoint -q "$MNT" || fail "n1's mount of $P1 is visible on the host"
[[ -e /proc/fs/ext4/${P1#/dev/} ]] || fail "no ext4 superblock on $P1 after the mount in n1"
sl_pid=$(cut -d' ' -f1 "$D/n1/pids/sanlock")
note "n1 mounted $P1 (d1p2) on $MNT, wrote 'synced' with sync and 'unsynced' without"

"$SB" kill n1 >/dev/null || fail "kill n1 failed"
[[ ! -e /proc/fs/ext4/${P1#/dev/} ]] || fail "the ext4 superblock on $P1 outlived n1's power loss"
grep -qs " $(cat "/sys/class/block/${P1#/dev/}/dev") " /proc/[0-9]*/mountinfo &&
	fail "$P1 is still mounted somewhere after kill n1"
e2e_alive "$sl_pid" "$(cut -d' ' -f2 "$D/n1/pids/sanlock")" && fail "n1's sanlock ($sl_pid) survived kill"
! sanlock_up n1 || fail "n1's sanlock still answers after kill"
for ((i = 0; i < DISKS; i++)); do
	[[ $(backing "${DEV[n1.$i]}") == "$D/disks/disk$i.img" ]] || fail "kill n1 detached ${DEV[n1.$i]}"
done
[[ -b $P1 ]] || fail "kill n1 removed the partition device $P1"
note "kill n1: superblock gone, no mount left, sanlock dead, n1's loop devices still attached"

rc=0
out=$("$SB" exec n2 -- e2fsck -p "$P2" 2>&1) || rc=$?
((rc <= 1)) || fail "e2fsck -p $P2 on n2 exited ${rc}: $out"
[[ $out == *"recovering journal"* ]] || fail "e2fsck -p $P2 on n2 did not replay a journal: $out"
got=$("$SB" exec n2 -- sh -c "mount '$P2' '$MNT' && cat '$MNT/synced'; ls '$MNT'; umount '$MNT'") ||
	fail "mounting $P2 on n2 failed: $got"
[[ $(head -n 1 <<<"$got") == synced-data ]] || fail "n2 does not see the synced file on $P2: $got"
unsynced=lost
grep -qx unsynced <<<"$got" && unsynced="survived (written back before the kill)"
note "n2: e2fsck replayed d1p2's journal through $P2; the synced file is there; the unsynced one $unsynced"

# ---- n1 boots with its disks and sanlock ----
"$SB" start n1 >/dev/null || fail "start n1 failed"
for ((i = 0; i < DISKS; i++)); do
	expect_eq "$(dev n1 "$i")" "${DEV[n1.$i]}" "n1's disk$i after start (the same path)"
done
sanlock_up n1 || fail "n1's sanlock does not answer after start"
got=$("$SB" exec n1 -- sh -c "mount '$P1' '$MNT' && cat '$MNT/synced'; umount '$MNT'") ||
	fail "mounting $P1 on n1 after start failed: $got"
expect_eq "$got" synced-data "n1 reading d1p2 after n2 replayed its journal"
env_of=$(tr '\0' '\n' <"/proc/$(clusterd_pid n1)/environ")
grep -qxF "CS_DISK_DEVICES=$D/n1/disks/*" <<<"$env_of" || fail "n1's restarted clusterd has no CS_DISK_DEVICES"
note "start n1: same loop devices, sanlock answers, d1p2 reads what n2 recovered"

# ---- down leaves nothing ----
pids=()
for n in n1 n2; do
	pids+=("$(cut -d' ' -f1 "$D/$n/pids/sanlock")")
done
e2e_down_checked
left=$(losetup -a | grep -F "$D/disks/" || true)
[[ -z $left ]] || fail "loop devices left on the images: $left"
for k in "${!DEV[@]}"; do
	d=${DEV[$k]}
	[[ $(backing "$d") != "$D/disks/"* ]] || fail "$d still serves an image of the sandbox"
	# (a loop device free again may already serve another program: check only unused ones)
	if [[ -z $(backing "$d") ]]; then
		p=("$d"p*)
		((${#p[@]} == 0)) || fail "partition devices left: ${p[*]}"
	fi
done
for f in /dev/shm/*; do
	[[ $before_shm == *"${f##*/}"* ]] && continue
	for pid in "${pids[@]}"; do
		[[ $f != *"$pid"* && $f != *sanlock* ]] || fail "$f left in /dev/shm"
	done
done
note "down: no loop device, partition device, image, process, mount or /dev/shm file left"
note "PASS"
