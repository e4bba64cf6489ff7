#!/bin/bash
# test_pd_two.sh - the Physical Disk plugin on two "nodes" sharing one disk:
# one image attached twice with losetup (two paths to one LUN), one sanlock
# daemon per node, and one test_pd_driver session per node with that node's
# CS_NODE_ID, SANLOCK_RUN_DIR and CS_DISK_DEVICES (its own loop device only).
#
#   node 1 online (mounts, writes a file) -> node 2 online fails with
#   ERROR_SHARING_VIOLATION (32) after its join and mounts nothing, and its
#   GET_AVAILABLE_DISKS (the read-only owner query) leaves the disk out ->
#   node 1 offline -> node 2 lists the disk again, brings it online and
#   reads node 1's file; then the same the other way round.
#
# Needs root, losetup, partx, sfdisk, mkfs.ext4, sanlock; skips (77)
# otherwise.  Env: PD_DRIVER, PD_PLUGIN, SANLOCK_RLIMIT_SHIM (meson sets
# them); CS_TEST_VALGRIND (+ CS_TEST_VALGRIND_SUPP): run both sessions under
# valgrind, which must report no error and 0 bytes definitely/indirectly
# lost.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (loop devices, mount, sanlock)"
for t in losetup partx sfdisk mkfs.ext4 sanlock; do
	command -v "$t" >/dev/null || skip "$t not found"
done
: "${PD_DRIVER:?}" "${PD_PLUGIN:?}"

T=$(mktemp -d /tmp/test_pd2.XXXXXX)
# shellcheck source=tests/disk/pd_lib.sh
. "$(dirname "$0")/pd_lib.sh"
trap pd_cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${CS_TEST_VALGRIND:-}" ]; then
	NODE_WRAP=("$CS_TEST_VALGRIND" -q --leak-check=full --show-leak-kinds=definite,indirect
		   --errors-for-leak-kinds=definite,indirect --error-exitcode=99
		   --keep-debuginfo=yes "--suppressions=$(dirname "$0")/pd.supp")
	[ -n "${CS_TEST_VALGRIND_SUPP:-}" ] && NODE_WRAP+=("--suppressions=$CS_TEST_VALGRIND_SUPP")
	echo "both sessions under valgrind"
fi

SIG=7e57d15c
truncate -s 64M "$T/shared.img" || exit 1
sfdisk -q "$T/shared.img" <<EOF2 || exit 1
label: dos
label-id: 0x$SIG
start=4MiB, type=83
EOF2
attach "$T/shared.img" 1; D1=$L
mkfs.ext4 -q -L shared "${D1}p1" || exit 1
attach "$T/shared.img" 1; D2=$L
echo "shared disk $SIG: $D1 (node 1) and $D2 (node 2) over one image"

start_sanlock node1
start_sanlock node2
unset SANLOCK_RUN_DIR CS_NODE_ID CS_DISK_DEVICES
PROPS=(DiskSignature=dw:0x$SIG LeaseIoTimeout=dw:1)
node_start n1 CS_NODE_ID=1 SANLOCK_RUN_DIR="$T/run-node1" CS_DISK_DEVICES="$D1" -- \
	"${PROPS[@]}" "MountPoints=msz:1=$T/n1"
node_start n2 CS_NODE_ID=2 SANLOCK_RUN_DIR="$T/run-node2" CS_DISK_DEVICES="$D2" -- \
	"${PROPS[@]}" "MountPoints=msz:1=$T/n2"

out=$(ask n2 available)
expect "$out" "^SIGNATURE $SIG$" "node 2 offers the disk before anyone arbitrated it"
expect "$out" "^DISKS 1$" "... the only disk in its scope"
# the identity node 2 remembers is checked against the disk's first bytes:
# a signature rewritten through node 1's path is what node 2 lists next
sfdisk -q --disk-id "$D1" 0x7e57d15d >/dev/null 2>&1
expect "$(ask n2 available)" "^SIGNATURE 7e57d15d$" "node 2 lists the signature rewritten by node 1 (read from the disk)"
sfdisk -q --disk-id "$D1" "0x$SIG" >/dev/null 2>&1
expect "$(ask n2 available)" "^SIGNATURE $SIG$" "... and the original again once restored"

# node 1 takes the disk
expect "$(ask n1 online)" "^online -> 0$" "node 1: online"
mounted "$T/n1" && ok "node 1: mounted" || bad "node 1: mounted"
echo "written by node 1" >"$T/n1/hello" && ok "node 1 writes a file" || bad "node 1 writes a file"
# the owner's GET_DISK_INFO_EX, read live: free bytes where it mounted the
# partition; a label set on the mounted file system is in the next answer
out=$(ask n1 infoex)
expect "$out" "^PARTEX .* free=[1-9][0-9]* .*partnum=1 " "node 1 (owner): partition 1's free bytes, where it is mounted"
dev=$(findmnt -n -o SOURCE "$T/n1")
e2label "$dev" relabelled
expect "$(ask n1 infoex)" "^PARTEX .*label=relabelled .*partnum=1 " "node 1: a label set while online is in the next answer (read live)"
expect "$(lease "$D2")" "^node 1$" "the lease names node 1, read through node 2's path"
out=$(ask n2 available)
expect "$out" "^DISKS 0$" "node 2's GET_AVAILABLE_DISKS leaves out the disk node 1 holds"
expect_not "$out" "^SIGNATURE $SIG$" "... (not listed)"
expect "$(ask n1 available)" "^DISKS 0$" "node 1's own list leaves it out (held here)"

out=$(ask n2 online)
expect "$out" "^online -> 32: .*held by node 1" "node 2: online fails with ERROR_SHARING_VIOLATION after the join, naming node 1"
mounted "$T/n2" && bad "node 2 mounted nothing" || ok "node 2 mounted nothing"
grep -q " ${D2}p1 " /proc/self/mountinfo 2>/dev/null &&
	bad "node 2's partition not mounted anywhere" || ok "node 2's partition not mounted anywhere"
expect "$(lease "$D1")" "^node 1$" "node 1 still holds the lease"
expect "$(ask n1 alive)" "^is_alive -> 1$" "node 1 still alive"

# node 1 lets go; node 2 takes over
expect "$(ask n1 offline)" "^offline -> 0$" "node 1: offline"
mounted "$T/n1" && bad "node 1: unmounted" || ok "node 1: unmounted"
expect "$(lease "$D2")" "^free$" "the lease is free"
out=$(ask n2 available)
expect "$out" "^SIGNATURE $SIG$" "node 2 lists the disk again once it is released"
expect "$out" "^DISKS 1$" "... (one disk)"
expect "$(ask n2 online)" "^online -> 0$" "node 2: online after node 1's offline"
mounted "$T/n2" && ok "node 2: mounted" || bad "node 2: mounted"
got=$(cat "$T/n2/hello" 2>&1)
[ "$got" = "written by node 1" ] && ok "node 2 reads node 1's file" || bad "node 2 reads node 1's file (got: $got)"
expect "$(lease "$D1")" "^node 2$" "the lease names node 2, read through node 1's path"
expect "$(ask n2 alive)" "^is_alive -> 1$" "node 2: is_alive"
expect "$(ask n1 available)" "^DISKS 0$" "node 1's GET_AVAILABLE_DISKS leaves out the disk node 2 holds"

# and the other way round: node 1 is refused while node 2 holds it
out=$(ask n1 online)
expect "$out" "^online -> 32: .*held by node 2" "node 1: online refused while node 2 holds the disk"
mounted "$T/n1" && bad "node 1 mounted nothing" || ok "node 1 mounted nothing"
echo "node 2 was here" >>"$T/n2/hello"
expect "$(ask n2 offline)" "^offline -> 0$" "node 2: offline"
expect "$(lease "$D1")" "^free$" "the lease is free again"
expect "$(ask n1 online)" "^online -> 0$" "node 1: online again"
expect "$(tail -1 "$T/n1/hello" 2>&1)" "^node 2 was here$" "node 1 reads what node 2 appended"
expect "$(ask n1 offline)" "^offline -> 0$" "node 1: offline"

for n in n1 n2; do
	node_stop "$n"
	if [ "$NODE_RC" = 0 ]; then
		ok "$n: session exits 0${CS_TEST_VALGRIND:+ (valgrind: no errors, 0 bytes lost)}"
	else
		bad "$n: session exit status $NODE_RC"
		sed 's/^/     | /' "$T/$n.err" | tail -60
	fi
done

echo "$CHECKS checks, $FAILS failed"
[ "$FAILS" = 0 ]
