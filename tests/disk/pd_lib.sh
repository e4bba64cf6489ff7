# pd_lib.sh - sourced by test_pd_identity.sh and test_pd_two.sh: checks,
# loop devices, sanlock daemons and "node" sessions of test_pd_driver, each
# recorded so that the EXIT trap (pd_cleanup) stops and removes exactly what
# this script started: processes by PID, loop devices by name.
#
# The caller sets T (its temporary directory) and PD_DRIVER, PD_PLUGIN,
# SANLOCK_RLIMIT_SHIM (LD_PRELOAD for sanlock's daemon where setrlimit is
# refused), and may set NODE_WRAP (an array: a valgrind command line that
# each node session runs under).
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/disk/loops.sh
. "$(dirname "${BASH_SOURCE[0]}")/loops.sh"

LOOPS=()
DAEMONS=()
declare -A NODE_PID NODE_IN NODE_OUT
NODE_WRAP=()

FAILS=0
CHECKS=0
ok() { CHECKS=$((CHECKS + 1)); echo "ok   - $*"; }
bad() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL - $*"; }
# expect OUTPUT REGEX WHAT
expect() {
	if grep -Eq -- "$2" <<<"$1"; then ok "$3"; else bad "$3 (wanted /$2/)"; echo "$1" | sed 's/^/     | /'; fi
}
expect_not() {
	if grep -Eq -- "$2" <<<"$1"; then bad "$3 (unwanted /$2/)"; echo "$1" | sed 's/^/     | /'; else ok "$3"; fi
}
mounted() { grep -q " $1 " /proc/self/mountinfo; }

pd_cleanup() {
	local m
	stop_pids "${NODE_PID[@]}" "${DAEMONS[@]}"
	for m in $(awk -v t="$T" '$5 ~ "^"t {print $5}' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null
	done
	detach_loops "${LOOPS[@]}"
	rm -rf "$T"
}

# attach IMG NPARTS: the loop device in $L (not a subshell: LOOPS must grow
# here for the cleanup), its partition nodes made with partx and waited for
attach() {
	L=$(losetup -f --show "$1") || { echo "losetup failed"; exit 1; }
	LOOPS+=("$L")
	# partition nodes left over from an earlier user of this loop number
	# would keep that user's geometry (`partx -u` cannot move a start):
	# delete them, then add this table's
	partx -d "$L" 2>/dev/null
	partx -a "$L" 2>/dev/null
	for _ in $(seq 50); do
		if [ "$2" = 0 ] || [ -b "${L}p$2" ]; then
			# and drop what the kernel may still cache of them (a stale
			# root directory was seen once through a reused loop1p1)
			for p in "$L" "$L"p*; do
				[ -b "$p" ] && blockdev --flushbufs "$p" 2>/dev/null
			done
			return 0
		fi
		sleep 0.1
	done
	echo "no partition nodes for $L"
	exit 1
}

# start_sanlock NAME: a sanlock daemon for node NAME (host name NAME, no
# watchdog), its run directory $T/run-NAME, its log $T/NAME.sanlock.log
start_sanlock() {
	local name=$1 dir=$T/run-$1 pid
	mkdir -p "$dir"
	SANLOCK_RUN_DIR=$dir LD_PRELOAD=${SANLOCK_RLIMIT_SHIM:-} \
		sanlock daemon -D -w 0 -l 0 -U root -G root -e "$name" -L -1 -S -1 \
		>"$T/$name.sanlock.log" 2>&1 &
	pid=$!
	DAEMONS+=("$pid")
	for _ in $(seq 100); do
		[ -S "$dir/sanlock.sock" ] && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "sanlock daemon $name exited:"
			cat "$T/$name.sanlock.log"
			exit 1
		fi
		sleep 0.05
	done
	echo "sanlock daemon $name did not create its socket"
	exit 1
}

# lease DEV: who holds the disk's lease, as sanlock itself reads it from
# DEV: "free", "node N", or sanlock's complaint
lease() {
	sanlock direct dump "$1:2097152" 2>&1 |
		awk '$3 == "disk" { print ($4 + 0 == 0) ? "free" : "node " ($5 + 0); found = 1 }
		     END { if (!found) print "no lease" }'
}

# node_start NAME [VAR=VALUE...] -- PROP...: a test_pd_driver session (one
# resource open with PROPs, environment VAR=VALUE) talked to through two
# FIFOs; stderr in $T/NAME.err
node_start() {
	local n=$1 fi fo
	local envs=()
	shift
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	mkfifo "$T/$n.in" "$T/$n.out" || exit 1
	env "${envs[@]}" "${NODE_WRAP[@]}" "$PD_DRIVER" "$PD_PLUGIN" session -- "$@" \
		<"$T/$n.in" >"$T/$n.out" 2>"$T/$n.err" &
	NODE_PID[$n]=$!
	exec {fi}>"$T/$n.in"
	exec {fo}<"$T/$n.out"
	NODE_IN[$n]=$fi
	NODE_OUT[$n]=$fo
}

# ask NAME COMMAND...: send one session command, print its answer
ask() {
	local n=$1 line
	shift
	echo "$*" >&"${NODE_IN[$n]}"
	while IFS= read -r -t 180 line <&"${NODE_OUT[$n]}"; do
		[ "$line" = . ] && return 0
		echo "$line"
	done
	echo "(no answer from $n; its stderr:)"
	sed 's/^/  /' "$T/$n.err" | tail -20
	return 1
}

# node_stop NAME: quit the session; its exit status in $NODE_RC
node_stop() {
	local n=$1
	echo quit >&"${NODE_IN[$n]}"
	eval "exec ${NODE_IN[$n]}>&- ${NODE_OUT[$n]}<&-"
	wait "${NODE_PID[$n]}"
	NODE_RC=$?
	unset "NODE_PID[$n]"
}
