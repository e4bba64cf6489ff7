#!/bin/bash
# test_pd_identity.sh - the Physical Disk plugin against real loop devices:
# identity (MBR signature, GPT GUID), GET_DISK_INFO(_EX) decoded and its
# buffer contract, IS_PATH_VALID, VALIDATE_PRIVATE_PROPERTIES errors,
# GET_AVAILABLE_DISKS in and out of scope, and online/offline for real: the
# plugin's own sanlock arbitration against a sanlock daemon started here
# (the lease on the disk read back with `sanlock direct dump`), mounts,
# MaintenanceMode while online, a busy offline and a forced terminate.
# Then the driver once more under valgrind.  Two nodes: test_pd_two.sh.
#
# Needs root, losetup, partx, sfdisk, mkfs.ext4, sanlock.  Exit 77 (skip)
# otherwise.  Env: PD_DRIVER, PD_PLUGIN, SANLOCK_RLIMIT_SHIM (meson sets
# them), CS_TEST_VALGRIND(_SUPP).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (loop devices, mount)"
for t in losetup partx sfdisk mkfs.ext4 sanlock; do
	command -v "$t" >/dev/null || skip "$t not found"
done
: "${PD_DRIVER:?}" "${PD_PLUGIN:?}"

T=$(mktemp -d /tmp/test_pd.XXXXXX)
# shellcheck source=tests/disk/pd_lib.sh
. "$(dirname "$0")/pd_lib.sh"
trap pd_cleanup EXIT
trap 'exit 130' INT TERM

drv() { "$PD_DRIVER" "$PD_PLUGIN" "$@" 2>&1; }

# partition device of loop $1, number $2
pdev() { echo "${1}p$2"; }

SIG=5ca1ab1e
GUID1=0f5e6c2a-1b2c-4d3e-8f90-a1b2c3d4e5f6
GUID4=d44e4b8d-ead2-4221-b709-ccbb4ef70fd1

# ---- the disks ----
truncate -s 64M "$T/mbr.img" "$T/gpt1.img" "$T/gpt4.img" "$T/blank.img"
sfdisk -q "$T/mbr.img" <<EOF2 || exit 1
label: dos
label-id: 0x$SIG
start=4MiB, size=24MiB, type=83
start=28MiB, type=83
EOF2
sfdisk -q "$T/gpt1.img" <<EOF2 || exit 1
label: gpt
label-id: $GUID1
start=4MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4
EOF2
sfdisk -q "$T/gpt4.img" <<EOF2 || exit 1
label: gpt
label-id: $GUID4
start=4MiB, size=12MiB
size=12MiB
size=12MiB
size=12MiB
EOF2
attach "$T/mbr.img" 2; L1=$L
attach "$T/gpt1.img" 1; L2=$L
attach "$T/gpt4.img" 4; L3=$L
attach "$T/blank.img" 0; L4=$L
mkfs.ext4 -q -L data "$(pdev "$L1" 1)" && mkfs.ext4 -q -L logs "$(pdev "$L1" 2)" &&
	mkfs.ext4 -q -L gdata "$(pdev "$L2" 1)" || exit 1
for i in 1 2 3 4; do mkfs.ext4 -q -L "g$i" "$(pdev "$L3" $i)" || exit 1; done
echo "disks: MBR $L1 ($SIG), GPT $L2 ($GUID1), GPT $L3 ($GUID4, 4 partitions), blank $L4"
export CS_DISK_DEVICES="$L1 $L2 $L3 $L4"
UUID1=$(blkid -p -s UUID -o value "$(pdev "$L1" 1)")
SERIAL1=$(echo "$UUID1" | tr -d - | cut -c1-8)

# ---- identity and GET_DISK_INFO ----
out=$(drv info -- DiskSignature=dw:0x$SIG)
expect "$out" "^info -> 0 " "GET_DISK_INFO by MBR signature succeeds"
expect "$out" "^SIGNATURE $SIG$" "DISK_SIGNATURE first, the MBR signature"
expect_not "$out" "^SCSI" "no SCSI_ADDRESS for a loop device"
expect "$out" "^SIZE 67108864$" "DISK_SIZE is the image size"
expect "$out" "^NUMBER [0-9]+$" "DISK_NUMBER present"
expect "$out" "^PART dev=$(pdev "$L1" 1) label=data fs=ext4 serial=$SERIAL1 flags=4 " \
	"partition 1: device, label, ext4, serial from the UUID ($SERIAL1), USABLE"
expect "$out" "^PART dev=$(pdev "$L1" 2) label=logs fs=ext4 .* len=1120$" "partition 2: 1120-byte CLUS_PARTITION_INFO"
expect "$out" "^contract: NULL buffer -> 234, needs [1-9]" "NULL buffer: 234 and the size"
expect "$out" "^contract: short buffer \(([0-9]+)\) -> 234, needs [0-9]+, untouched$" "short buffer: 234, size, nothing written"
expect "$out" "^contract: exact buffer -> 0, wrote ([0-9]+) of \1$" "exact buffer: written in full"
n=$(grep -c '^PART ' <<<"$out"); [ "$n" = 2 ] && ok "two partitions" || bad "two partitions (got $n)"

out=$(drv info -- DiskIdGuid=sz:"{$GUID4}")
expect "$out" "^GUID \{$(echo $GUID4 | tr a-f A-F)\}$" "DISK_GUID for a GPT disk, {UPPER} form"
n=$(grep -c '^PART .*fs=ext4' <<<"$out"); [ "$n" = 4 ] && ok "GPT disk: four ext4 partitions" || bad "four partitions (got $n)"
expect "$out" "label=g3 fs=ext4" "GPT partition labels"
out=$(drv info -- DiskIdType=dw:1 DiskIdGuid=sz:$GUID1)
expect "$out" "^GUID \{$(echo $GUID1 | tr a-f A-F)\}$" "GUID without braces accepted"

out=$(drv infoex -- DiskSignature=dw:0x$SIG)
expect "$out" "^PARTEX dev=$(pdev "$L1" 1) label=data fs=ext4 serial=$SERIAL1 flags=4 total=25165824 free=0 devnum=[0-9]+ partnum=1 guid0=$SERIAL1 len=1160$" \
	"GET_DISK_INFO_EX: 1160-byte PARTITION_INFO_EX, size, free 0 unmounted, volume GUID from UUID"

out=$(drv info -- DiskSignature=dw:0x12345678)
expect "$out" "^info -> 55 " "a signature no disk in scope carries: ERROR_DEV_NOT_EXIST"
out=$(CS_DISK_DEVICES="$L2" drv info -- DiskSignature=dw:0x$SIG)
expect "$out" "^info -> 55 " "a disk outside CS_DISK_DEVICES is not found"
ln -s "$L1" "$T/disk-link"
out=$(CS_DISK_DEVICES="$T/disk-l*" drv info -- DiskSignature=dw:0x$SIG)
expect "$out" "^SIGNATURE $SIG$" "CS_DISK_DEVICES globs and symlinks"

# ---- class, characteristics, not-mine codes ----
out=$(drv class -- DiskSignature=dw:0x$SIG)
expect "$out" "^class -> 0 00000001 80000000$" "GET_CLASS_INFO: storage, shared"
expect "$out" "^characteristics -> 0 00000003$" "GET_CHARACTERISTICS: quorum | delete requires all nodes"
expect "$out" "^GET_NAME -> 1$" "other codes: ERROR_INVALID_FUNCTION (clusterd answers)"

# ---- VALIDATE_PRIVATE_PROPERTIES ----
v() { drv validate -- "$@"; }
expect "$(v DiskSignature=dw:0x$SIG "MountPoints=msz:1=/mnt/a;2=/mnt/b:noatime,ro")" "^validate -> 0: ok" "a valid set"
expect "$(v DiskSignature=dw:0x$SIG DiskIdGuid=sz:$GUID1)" "^validate -> 87: .*both set" "DiskSignature and DiskIdGuid both: refused"
expect "$(v DiskIdGuid=sz:not-a-guid)" "^validate -> 87: .*not a GUID" "bad GUID text"
expect "$(v DiskIdType=dw:0 DiskIdGuid=sz:$GUID1)" "^validate -> 87: .*DiskIdType is 0" "DiskIdType contradicting the identity"
expect "$(v DiskIdType=dw:2)" "^validate -> 87: .*DiskIdType 2" "DiskIdType 2"
expect "$(v MaintenanceMode=dw:4)" "^validate -> 87: .*MaintenanceMode 4" "MaintenanceMode 4"
expect "$(v MountPoints=msz:1=mnt/a)" "^validate -> 87: .*absolute" "relative mount point"
expect "$(v "MountPoints=msz:1=/a;1=/b")" "^validate -> 87: .*partition 1 is listed twice" "duplicate partition"
expect "$(v "MountPoints=msz:1=/a;2=/a/")" "^validate -> 87: .*/a is listed twice" "duplicate mount point (normalised)"
expect "$(v MountPoints=msz:x=/a)" "^validate -> 87: .*not a number" "partition number not a number"
expect "$(v MountPoints=msz:1=/a/../b)" "^validate -> 87: .*'\.\.'" "'..' in a mount point"
expect "$(v MountPoints=msz:1=/a:)" "^validate -> 87: .*empty options" "empty options"
expect "$(v Arbitration=sz:scsi)" "^validate -> 87: .*sanlock.*pr" "unknown arbitration"
expect "$(v LeaseIoTimeout=dw:0)" "^validate -> 87: .*LeaseIoTimeout" "LeaseIoTimeout 0"
expect "$(v DiskSignatur=dw:1)" "^validate -> 87: .*no such Physical Disk property" "unknown property (a typo) refused"
expect "$(v DiskSignature=sz:1)" "^validate -> 87: .*must be a DWORD" "wrong syntax"
out=$(drv getprops -- DiskIdGuid=sz:"{$GUID1}" MountPoints=msz:1=/srv/x)
expect "$out" "^PROP DiskIdType=1$" "GET_PRIVATE_PROPERTIES: DiskIdType inferred 1"
expect "$out" "^PROP MountPoints=1=/srv/x$" "GET_PRIVATE_PROPERTIES: MountPoints"
expect "$out" "^PROP Arbitration=sanlock$" "GET_PRIVATE_PROPERTIES: default arbitration"
expect "$out" "^PROP LeaseIoTimeout=10$" "GET_PRIVATE_PROPERTIES: default LeaseIoTimeout"

# ---- GET_AVAILABLE_DISKS ----
out=$(drv available)
expect "$out" "^available -> 0 " "GET_AVAILABLE_DISKS succeeds"
expect "$out" "^DISKS 3$" "three disks with an identity in scope (the blank one is not offered)"
expect "$out" "^SIGNATURE $SIG$" "the MBR disk listed"
expect "$out" "^contract: short buffer .* untouched$" "GET_AVAILABLE_DISKS short buffer: untouched"
out=$(CS_DISK_DEVICES="" drv available)
expect "$out" "^available -> 0 \(4 bytes\)$" "empty scope: ENDMARK only (4 bytes)"
out=$(CS_DISK_DEVICES="/nonexistent/dev*" drv available)
expect "$out" "^DISKS 0$" "a pattern matching nothing: no disks"

# ---- IS_PATH_VALID ----
mkdir -p "$T/pv"
mount "$(pdev "$L1" 2)" "$T/pv" || exit 1
mkdir -p "$T/pv/sub"
out=$(drv path "$T/pv" "$T/pv/sub/file" "$T/pv/sub/../x" "$T" / "$T/pv/../pv2" "rel/path" -- DiskSignature=dw:0x$SIG)
expect "$out" "^path $T/pv -> 0$" "IS_PATH_VALID: the mount point itself"
expect "$out" "^path $T/pv/sub/file -> 0$" "IS_PATH_VALID: a (not yet existing) file on it"
expect "$out" "^path $T/pv/sub/../x -> 0$" "IS_PATH_VALID: '..' staying on it"
expect "$out" "^path $T -> 2$" "IS_PATH_VALID: a path off the disk: ERROR_FILE_NOT_FOUND"
expect "$out" "^path $T/pv/../pv2 -> 2$" "IS_PATH_VALID: '..' leaving it"
expect "$out" "^path rel/path -> 87$" "IS_PATH_VALID: a relative path: ERROR_INVALID_PARAMETER"
expect "$(drv pathraw 2f0061 -- DiskSignature=dw:0x$SIG)" "-> 87$" "IS_PATH_VALID: odd length"
expect "$(drv pathraw 2f006100 -- DiskSignature=dw:0x$SIG)" "-> 87$" "IS_PATH_VALID: no NUL"
expect "$(drv pathraw 2f0000006100000 -- DiskSignature=dw:0x$SIG)" "-> 87$" "IS_PATH_VALID: an embedded NUL"
out=$(drv infoex -- DiskSignature=dw:0x$SIG)
expect "$out" "^PARTEX dev=$(pdev "$L1" 2) .* free=[1-9][0-9]* " "GET_DISK_INFO_EX: free bytes of a mounted partition"
umount "$T/pv"

# ---- online / offline, for real: the plugin's sanlock arbitration ----
# One sanlock daemon for this node; LeaseIoTimeout 1 s makes a lockspace
# join take about 3 s.  CS_NODE_ID: no corosync runs here.
start_sanlock node1
export SANLOCK_RUN_DIR=$T/run-node1 CS_NODE_ID=1
IOT=LeaseIoTimeout=dw:1
MP="MountPoints=msz:1=$T/m1;2=$T/m2:noatime"
expect "$(lease "$L1")" "^no lease$" "before the first online the disk has no lease"
out=$(drv cycle -- DiskSignature=dw:0x$SIG "$MP" $IOT)
expect "$out" "^online -> 0$" "online: arbitrated, checked, mounted"
expect "$out" "^is_alive -> 1$" "is_alive: O_DIRECT read, mounts, arbitration"
expect "$out" "^looks_alive -> 1$" "looks_alive"
expect "$out" "^offline -> 0$" "offline: unmounted, released"
mounted "$T/m1" || mounted "$T/m2" && bad "nothing left mounted" || ok "nothing left mounted"
expect "$(lease "$L1")" "^free$" "the lease area initialised by the first online, the lease free"

# one process kept running: what its lease is between the steps
node_start n1 -- DiskSignature=dw:0x$SIG "$MP" $IOT
out=$(ask n1 online)
expect "$out" "^online -> 0$" "session: online"
expect "$(lease "$L1")" "^node 1$" "after online the lease on disk names node 1"
mounted "$T/m1" && mounted "$T/m2" && ok "both partitions mounted" || bad "both partitions mounted"
expect "$(ask n1 alive)" "^is_alive -> 1$" "is_alive while online"
out=$(ask n1 offline)
expect "$out" "^offline -> 0$" "session: offline"
expect "$(lease "$L1")" "^free$" "after offline the lease is free (the process still runs)"
mounted "$T/m1" && bad "offline unmounted" || ok "offline unmounted"
expect "$(ask n1 alive)" "^is_alive -> 0$" "is_alive 0 while offline"

# a failed online undoes its arbitration
expect "$(ask n1 set MountPoints=msz:3=$T/m3)" "^set -> 0$" "SET MountPoints to a missing partition"
out=$(ask n1 online)
expect "$out" "^online -> 87: .*has no partition 3" "a mount of a partition that does not exist: clear error"
expect "$(lease "$L1")" "^free$" "... and the arbitration is undone (lease free)"

# MaintenanceMode while online: 2 unmounts, 3 releases, 0 takes both back
expect "$(ask n1 set "$MP")" "^set -> 0$" "SET MountPoints back"
expect "$(ask n1 online)" "^online -> 0$" "online again"
expect "$(ask n1 set MaintenanceMode=dw:2)" "^set -> 0$" "MaintenanceMode 2 while online"
mounted "$T/m1" && bad "MaintenanceMode 2: unmounted" || ok "MaintenanceMode 2: unmounted"
expect "$(lease "$L1")" "^node 1$" "MaintenanceMode 2: the lease kept"
out=$(ask n1 alive)
expect "$out" "^is_alive -> 1$" "MaintenanceMode 2: health checks ignored (is_alive)"
expect "$out" "^looks_alive -> 1$" "MaintenanceMode 2: health checks ignored (looks_alive)"
expect "$(ask n1 set MaintenanceMode=dw:3)" "^set -> 0$" "MaintenanceMode 3 while online"
expect "$(lease "$L1")" "^free$" "MaintenanceMode 3: the lease released"
expect "$(ask n1 set MaintenanceMode=dw:0)" "^set -> 0$" "MaintenanceMode 0 while online"
expect "$(lease "$L1")" "^node 1$" "MaintenanceMode 0: the lease taken again"
mounted "$T/m1" && mounted "$T/m2" && ok "MaintenanceMode 0: remounted" || bad "MaintenanceMode 0: remounted"
expect "$(ask n1 alive)" "^is_alive -> 1$" "MaintenanceMode 0: is_alive checks for real again"

# busy offline: a file held open on the mount
expect "$(ask n1 hold "$T/m1/busy")" "^holding .* yes$" "a file held open on $T/m1"
out=$(ask n1 offline)
expect "$out" "^offline -> 170: .*cannot unmount $T/m1: .*busy" "busy offline: ERROR_BUSY after the wait, naming the mount point"
expect "$(lease "$L1")" "^node 1$" "busy offline: the disk stays arbitrated under the mounted file system"
expect "$(ask n1 terminate)" "^terminate done$" "terminate after it returns"
mounted "$T/m1" && bad "terminate: lazily detached" || ok "terminate: lazily detached (logged)"
expect "$(lease "$L1")" "^free$" "terminate: the lease released"
ask n1 unhold >/dev/null
node_stop n1
[ "$NODE_RC" = 0 ] && ok "session exits 0" || bad "session exits 0 (got $NODE_RC)"
# a detached ext4 lets go of its device a moment after its last file closes
for _ in $(seq 50); do
	e2fsck -n "$(pdev "$L1" 1)" >/dev/null 2>&1 && break
	sleep 0.1
done

out=$(PD_DRIVER_VERBOSE=1 drv online -- DiskSignature=dw:0x$SIG "$MP" MaintenanceMode=dw:2 $IOT)
expect "$out" "^online -> 0$" "MaintenanceMode 2: online..."
expect "$out" "online on .* \(0 file system\(s\) mounted\)" "... without mounting"

# ---- the C side under valgrind ----
if [ -n "${CS_TEST_VALGRIND:-}" ]; then
	for args in "info -- DiskSignature=dw:0x$SIG" "infoex -- DiskIdGuid=sz:$GUID4" "available" \
		    "validate -- MountPoints=msz:1=/a;1=/b" "path $T/x -- DiskSignature=dw:0x$SIG" \
		    "getprops -- DiskSignature=dw:1 MountPoints=msz:1=/a"; do
		# shellcheck disable=SC2086
		if "$CS_TEST_VALGRIND" -q --leak-check=full --show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			--suppressions="$CS_TEST_VALGRIND_SUPP" "$PD_DRIVER" "$PD_PLUGIN" $args \
			>"$T/vg.out" 2>&1; then
			ok "valgrind clean: $args"
		else
			bad "valgrind: $args"
			sed 's/^/     | /' "$T/vg.out" | head -40
		fi
	done
	if "$CS_TEST_VALGRIND" -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --suppressions="$CS_TEST_VALGRIND_SUPP" "$PD_DRIVER" \
		"$PD_PLUGIN" cycle -- DiskSignature=dw:0x$SIG "$MP" $IOT >"$T/vg.out" 2>&1 &&
	   grep -q '^offline -> 0$' "$T/vg.out"; then
		ok "valgrind clean: online/offline cycle"
	else
		bad "valgrind: online/offline cycle"
		sed 's/^/     | /' "$T/vg.out" | head -40
	fi
fi

echo "$CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
