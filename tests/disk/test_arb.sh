#!/bin/bash
# test_arb.sh - sets up two "nodes" that share one disk, and runs test_arb.
#
# One 64 MiB image attached twice with losetup (two paths to one LUN, as two
# nodes see a SAN disk), one sanlock daemon per node (own SANLOCK_RUN_DIR,
# no watchdog, fixed host name), and a second image whose lease area holds
# other data.  Everything started here is stopped by PID and removed on
# exit, failure included.  Needs root and sanlock; otherwise skips (77).
#
# Environment: TEST_ARB (the program), SANLOCK_RLIMIT_SHIM (LD_PRELOAD for
# sanlock's daemon where setrlimit is refused), ARB_IO_TIMEOUT (1),
# ARB_VALGRIND (run test_arb under this valgrind), ARB_SLOW=1 (also time a
# plain sanlock takeover: over a minute).
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (loop devices, sanlock)"
	exit 77
fi
if ! command -v sanlock >/dev/null || ! command -v losetup >/dev/null; then
	echo "SKIP: sanlock or losetup missing"
	exit 77
fi
: "${TEST_ARB:?TEST_ARB must name the test_arb program}"
io=${ARB_IO_TIMEOUT:-1}

tmp=$(mktemp -d /tmp/cs-arb.XXXXXX) || exit 1
loops=()
daemons=()

# shellcheck source=tests/disk/loops.sh
. "$(dirname "$0")/loops.sh"
cleanup() {
	stop_pids "${daemons[@]}"
	detach_loops "${loops[@]}"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# attach IMAGE: a new loop device over IMAGE, in $attached (not a command
# substitution: the list of devices to detach must be this shell's).
attach() {
	attached=$(losetup -f --show "$1") || return 1
	loops+=("$attached")
	chgrp disk "$attached" && chmod 660 "$attached"
}

# start_daemon NAME: a sanlock daemon with its own run directory.
start_daemon() {
	local name=$1 dir=$tmp/run-$1 i
	mkdir -p "$dir"
	SANLOCK_RUN_DIR=$dir LD_PRELOAD=${SANLOCK_RLIMIT_SHIM:-} \
		sanlock daemon -D -w 0 -l 0 -U root -G root -e "$name" -L -1 -S -1 \
		>"$tmp/$name.log" 2>&1 &
	daemons+=("$!")
	for i in $(seq 100); do
		[ -S "$dir/sanlock.sock" ] && return 0
		if ! kill -0 "$!" 2>/dev/null; then
			echo "sanlock daemon $name exited:" >&2
			cat "$tmp/$name.log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "sanlock daemon $name did not create its socket" >&2
	return 1
}

truncate -s 64M "$tmp/shared.img" || exit 1
truncate -s 8M "$tmp/foreign.img" || exit 1
# Data where the lockspace goes: like a partition that starts at 1 MiB.
printf 'not a sanlock lease' | dd of="$tmp/foreign.img" bs=1 seek=$((1024 * 1024 + 1024)) \
	conv=notrunc status=none || exit 1

attach "$tmp/shared.img" || exit 1
dev1=$attached
attach "$tmp/shared.img" || exit 1
dev2=$attached
attach "$tmp/foreign.img" || exit 1
dev3=$attached
echo "shared disk: $dev1 (node1) and $dev2 (node2) over one image; foreign: $dev3"

start_daemon node1 || exit 1
start_daemon node2 || exit 1
daemon1=${daemons[0]}

wrap=()
if [ -n "${ARB_VALGRIND:-}" ]; then
	wrap=("$ARB_VALGRIND" --quiet --error-exitcode=99 --leak-check=full
	      --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
	      --trace-children=no)
	[ -n "${ARB_VALGRIND_SUPP:-}" ] && wrap+=("--suppressions=$ARB_VALGRIND_SUPP")
fi

"${wrap[@]}" "$TEST_ARB" "$dev1" "$dev2" "$tmp/run-node1" "$tmp/run-node2" "$daemon1" "$io" "$dev3"
rc=$?
if [ "$rc" -ne 0 ]; then
	for n in node1 node2; do
		echo "--- sanlock $n (last lines)"
		tail -n 30 "$tmp/$n.log"
	done
fi
exit "$rc"
