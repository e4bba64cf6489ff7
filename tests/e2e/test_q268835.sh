#!/usr/bin/env bash
# test_q268835.sh - Microsoft KB Q268835 must not happen here: asking a node
# that does not own the shared disks for CLUSCTL_RESOURCE_STORAGE_GET_DISK_INFO
# leaked memory in MSCS's cluster service at every call.
#
# 2 nodes with 4 shared disks (--disks 4), clusterd and every resource host
# under valgrind memcheck (CLUSTER_SANDBOX_WRAP, CS_RESHOST_WRAPPER, as in
# test_valgrind.sh); groups GD0..GD3, one Physical Disk D0..D3 each
# (LeaseIoTimeout 1, nothing mounted), all online on n2.  Then, inside n1:
#   A. examples/q268835 --node n1: every disk answers 5015
#      (ERROR_HOST_NODE_NOT_RESOURCE_OWNER); examples/q268835 (routed to the
#      owner): every disk's identity (D0: MBR signature 0x5ca1a000, D1: its
#      GPT GUID), size and partitions; --available: a valid, empty list
#      (every disk is a resource);
#   B. bench/disk_info_driver: 1,000 GET_DISK_INFO calls, in turn asked of
#      n1 itself (each must be 5015) and routed to n2 (each a valid list
#      starting with the disk's signature or GUID; every 16th routed call
#      first with a 16-byte buffer: ERROR_MORE_DATA and the size), then
#      100 GET_AVAILABLE_DISKS on n1 (each a valid list);
#   C. `down` (clusterd exits on SIGTERM and stops its host; valgrind
#      writes its reports): every log of clusterd and of every resource host
#      on both nodes must say 0 bytes definitely and indirectly lost and
#      "ERROR SUMMARY: 0 errors".
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_q268835.sh
# Exit status: 0 pass, 1 fail, 77 skip (no valgrind, sanlock or plugin).
# E2E_VALGRIND_KEEP=DIR keeps the logs.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "$E2E_NAME: SKIP (valgrind not installed)"
	exit 77
fi
if ! command -v sanlock >/dev/null || [[ ! -e $CLUSTER_BUILD_DIR/plugins/physical-disk/physical-disk.so ]]; then
	echo "$E2E_NAME: SKIP: needs sanlock and the Physical Disk plugin" >&2
	exit 77
fi
Q=$CLUSTER_BUILD_DIR/examples/q268835
DRIVER=$CLUSTER_BUILD_DIR/bench/disk_info_driver
[[ -x $Q && -x $DRIVER ]] || fail "no $Q or $DRIVER (build them)"

DISKS=4
VG=$E2E_TMP/vg
mkdir -p "$VG"
vg_opts="--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
 --error-exitcode=99 --child-silent-after-fork=yes --num-callers=30
 --suppressions=$E2E_REPO/tests/valgrind.supp"
vg_opts=${vg_opts//$'\n'/}
export CLUSTER_SANDBOX_WRAP="valgrind $vg_opts --log-file=$VG/clusterd-%q{CLUSTER_SANDBOX_NODE}-%p.log"
export CS_RESHOST_WRAPPER="valgrind $vg_opts --log-file=$VG/reshost-%q{CLUSTER_SANDBOX_NODE}-%p.log"
export CLUSTER_SANDBOX_STOP_TIMEOUT=120

"$SB" up 2 --token "${E2E_TOKEN:-500}" --disks "$DISKS" --timeout 240 >/dev/null ||
	fail "sandbox up 2 --disks $DISKS"
note "2 nodes up with $DISKS shared disks, clusterd and the hosts under valgrind"

for ((i = 0; i < DISKS; i++)); do
	if ((i % 2 == 0)); then
		id=$(printf 'DiskSignature:dword=0x%08x' $((0x5ca1a000 + i)))
	else
		id=$(printf 'DiskIdGuid:sz=5ca1ab1e-0000-4000-8000-%012x' "$i")
	fi
	cl n1 group create "GD$i" >/dev/null || fail "create GD$i"
	cl n1 resource create "D$i" --type "Physical Disk" --group "GD$i" \
		--priv "$id" --priv LeaseIoTimeout:dword=1 >/dev/null || fail "create D$i"
done
for ((i = 0; i < DISKS; i++)); do
	cl n1 group online "GD$i" --to n2 >/dev/null || fail "GD$i online request"
done
online_on_n2() {
	local i
	for ((i = 0; i < DISKS; i++)); do
		[[ $(group_field n1 "GD$i" owner) == n2 && $(group_field n1 "GD$i" state) == Online ]] || return 1
	done
}
wait_for 180 "all $DISKS disk groups Online on n2" online_on_n2
note "GD0..GD$((DISKS - 1)) online on n2"

# ---- A ----
out=$("$SB" exec n1 -- "$Q" --node n1 2>&1) || fail "A: q268835 --node n1: $out"
expect_eq "$(grep -c 'error 5015 (ERROR_HOST_NODE_NOT_RESOURCE_OWNER)' <<<"$out")" "$DISKS" \
	"A: disks answered 5015 by the non-owner n1"
grep -q "disk:" <<<"$out" && fail "A: the non-owner n1 described a disk: $out"
out=$("$SB" exec n1 -- "$Q" 2>&1) || fail "A: q268835 routed to the owner: $out"
expect_eq "$(grep -c '^  disk: ' <<<"$out")" "$DISKS" "A: disks described by the owner"
grep -q "disk: MBR signature 0x5ca1a000" <<<"$out" || fail "A: no signature 0x5ca1a000 for D0: $out"
grep -qi "disk: GPT GUID {5CA1AB1E-0000-4000-8000-000000000001}" <<<"$out" ||
	fail "A: no GUID for D1: $out"
grep -q 'label "d0p1", file system ext4' <<<"$out" || fail "A: no partition d0p1 (ext4) for D0: $out"
grep -q 'label "d3p4", file system ext4' <<<"$out" || fail "A: no partition d3p4 (ext4) for D3: $out"
grep -q "5015" <<<"$out" && fail "A: a routed call answered 5015: $out"
out=$("$SB" exec n1 -- "$Q" --available --node n1 2>&1) || fail "A: q268835 --available: $out"
grep -q "0 disk(s) available" <<<"$out" || fail "A: GET_AVAILABLE_DISKS lists disks that are resources: $out"
note "A: q268835: 5015 from n1 for each disk; routed: signature/GUID, size, partitions; none available"

# ---- B ----
out=$("$SB" exec n1 -- "$DRIVER" --mode nonowner --self n1 --owner n2 --count "$DISKS" \
	-n 1000 --warmup 0 --routed-every 2 --avail-every 0 --rtt-every 0 2>&1) ||
	fail "B: 1,000 GET_DISK_INFO on n1 (itself and routed): $out"
grep -q "latency self .*n=500 " <<<"$out" || fail "B: not 500 calls answered by n1 itself: $out"
grep -q "latency routed .*n=469 " <<<"$out" || fail "B: not 469 routed calls: $out"
grep -q "latency routed-short .*n=31 " <<<"$out" || fail "B: not 31 short-buffer routed calls: $out"
grep -q "every answer was right" <<<"$out" || fail "B: wrong answers: $out"
note "B: 1,000 GET_DISK_INFO: 500 x 5015 from n1, 469 lists + 31 ERROR_MORE_DATA from n2; all right"
out=$("$SB" exec n1 -- "$DRIVER" --mode nonowner --self n1 --owner n2 --count "$DISKS" \
	-n 100 --warmup 0 --routed-every 0 --avail-every 1 --rtt-every 0 2>&1) ||
	fail "B: 100 GET_AVAILABLE_DISKS on n1: $out"
grep -q "latency available .*n=100 " <<<"$out" || fail "B: not 100 GET_AVAILABLE_DISKS: $out"
grep -q "every answer was right" <<<"$out" || fail "B: wrong answers: $out"
note "B: 100 GET_AVAILABLE_DISKS on n1: all valid lists"

# ---- C ----
"$SB" down >/dev/null || fail "C: cluster-sandbox down"
note "C: sandbox down"
bad=0 n_cd=0 n_rh=0
if [[ -n ${E2E_VALGRIND_KEEP:-} ]]; then
	mkdir -p "$E2E_VALGRIND_KEEP" && cp -- "$VG"/*.log "$E2E_VALGRIND_KEEP"/
fi
for f in "$VG"/*.log; do
	[[ -e $f ]] || continue
	case ${f##*/} in
	clusterd-*) n_cd=$((n_cd + 1)) ;;
	reshost-*) n_rh=$((n_rh + 1)) ;;
	esac
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$f" ||
		! { grep -q 'All heap blocks were freed' "$f" ||
			{ grep -q 'definitely lost: 0 bytes' "$f" && grep -q 'indirectly lost: 0 bytes' "$f"; }; }; then
		echo "---- $f ----" >&2
		cat "$f" >&2
		bad=$((bad + 1))
	fi
done
note "C: valgrind logs: $n_cd of clusterd, $n_rh of resource hosts, $bad bad"
((n_cd == 2)) || fail "C: expected 2 clusterd valgrind logs, found $n_cd"
((n_rh >= 2)) || fail "C: expected a resource host valgrind log on each node, found $n_rh"
for n in n1 n2; do
	ls "$VG"/reshost-"$n"-*.log >/dev/null 2>&1 || fail "C: no resource host log of $n"
done
((bad == 0)) || fail "C: $bad valgrind log(s) show errors, leaks or no summary (above)"
note "PASS"
