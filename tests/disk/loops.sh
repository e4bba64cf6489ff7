# shellcheck shell=bash
# tests/disk/loops.sh - sourced by the disk tests' cleanups (pd_lib.sh,
# test_arb.sh): stop what they started and give back their loop devices.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# stop_pids PID...: kill -9 each and reap it
stop_pids() {
	local pid
	for pid in "$@"; do
		kill -9 "$pid" 2>/dev/null
		{ wait "$pid"; } 2>/dev/null
	done
}

# detach_loops DEV...: drop each device's partition nodes and detach it.  A
# device still open somewhere (udev's probe) is only marked for detach:
# retry until losetup no longer lists it.
detach_loops() {
	local dev
	for dev in "$@"; do
		partx -d "$dev" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			losetup -d "$dev" 2>/dev/null
			losetup -a | grep -q "^$dev:" || break
			sleep 0.2
		done
	done
}
