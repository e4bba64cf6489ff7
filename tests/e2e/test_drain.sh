#!/usr/bin/env bash
# End-to-end test: taking nodes out of service on a real 3-node sandbox
# (token 500).  Groups G1 (preferred n1 n2 n3) and G2 (preferred n1 n3 n2)
# hold Dummy resources R1 and R2 whose state files live in each node's
# private /run; observers (observe.py) look at every node ten times a second.
#   A. `node drain n1` (asked on n2), n1 owning both: G1 goes to n2, G2 to
#      n3 (their next preferred owners), both Online; n1 is Paused on every
#      node and runs nothing; the command reports both moves and exits 0;
#      `node resume` makes it Up; a drain of a node that owns nothing only
#      pauses it;
#   B. G2 may run only on n3 (possible owners): `node drain n3` reports that
#      no other node can own G2, exits non-zero, G2 stays Online on n3;
#   C. the observers saw R1 and R2 online on at most one node in every sample;
#   D. `node evict n3` while n3 is up: refused, 5009; n3 killed: refused while
#      a resource could run only there (5023, naming it); then accepted: n3
#      is gone from every node's status, node list and owner lists, also
#      after a restart of the whole cluster (corosync.conf still names it);
#      n3 started again joins as a new node, Up, in no owner list - its old
#      database did not bring the old configuration back;
#   E. SIGTERM to clusterd on the owner of both groups: they move to the other
#      nodes before it exits (its log says so, with the time), no survivor
#      waited for a lost node or placed the groups, each group was seen
#      online nowhere for less than 0.6 s (the move; a failover after a
#      clusterd left waits 0.95 s), never on two nodes;
#      the node comes back Up (not Paused);
#   F. a second SIGTERM while the shutdown drain waits for a slow offline
#      (OfflineDelayMs 20 s) stops clusterd at once.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_drain.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OBSERVE=$(dirname "${BASH_SOURCE[0]}")/observe.py
OBS_PIDS=()

stop_observers() {
	local p
	for p in "${OBS_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	OBS_PIDS=()
}
e2e_before_cleanup() {
	local f
	stop_observers
	for f in "$E2E_TMP"/*.R[12].log; do
		[[ -f $f ]] && cp "$f" "/tmp/$E2E_NAME.$(basename "$f" .log).observe.log"
	done
	return 0
}

# start_observers TAG: one observer per resource, logs $E2E_TMP/TAG.R1.log ...
start_observers() {
	local r
	for r in R1 R2; do
		CLUSTER_BUILD_DIR=$CLUSTER_BUILD_DIR /usr/bin/python3 "$OBSERVE" "$CLUSTER_SANDBOX_DIR" \
			"$r" "/run/cluster-server/$r.state" "$E2E_TMP/$1.$r.log" &
		OBS_PIDS+=($!)
	done
	for r in R1 R2; do
		wait_for 10 "the $r observer's first samples" \
			bash -c "(( \$(grep -c '^[0-9]' '$E2E_TMP/$1.$r.log' 2>/dev/null || echo 0) >= 3 ))"
	done
}

# check_observers TAG MIN: once each has taken MIN samples (it samples on
# after the steps it watched, which can be over in a second), stop them; no
# sample saw a resource's state file
# online on two nodes (where it runs), and no two samples in a row saw two
# nodes' status claim it online on themselves.  The nodes' status answers
# are asked one after another within a sample, so one sample may straddle a
# move of a few milliseconds (the old owner's answer before it, the new
# owner's after): a single such sample is counted and printed, not failed.
check_observers() {
	local r log samples files straddle longest
	for r in R1 R2; do
		wait_for 30 "$2 samples of the $r observer" \
			bash -c "(( \$(grep -c '^[0-9]' '$E2E_TMP/$1.$r.log' 2>/dev/null || echo 0) >= $2 ))"
	done
	stop_observers
	for r in R1 R2; do
		log=$E2E_TMP/$1.$r.log
		samples=$(sed -n 's/^END samples=\([0-9]*\) .*/\1/p' "$log")
		[[ -n $samples ]] || fail "the $r observer did not finish its log"
		read -r files straddle longest < <(/usr/bin/python3 -c '
import sys
lines = [l for l in open(sys.argv[1]) if l[:1].isdigit() or l.startswith("VIOLATION")]
files = straddle = run = longest = 0
for i, l in enumerate(lines):
    if l.startswith("VIOLATION"):
        on = l.split("online files: ")[1].split(";")[0]
        if "," in on:
            files += 1
        else:
            straddle += 1
        continue
    v = i + 1 < len(lines) and lines[i + 1].startswith("VIOLATION")
    run = run + 1 if v else 0
    longest = max(longest, run)
print(files, straddle, longest)' "$log")
		if ((files > 0)); then
			grep '^VIOLATION' "$log" | head -5 >&2
			fail "$1: $r's state file was online on two nodes in $files of $samples samples"
		fi
		((longest <= 1)) ||
			fail "$1: two nodes claimed $r online on themselves in $longest samples in a row"
		((samples >= $2)) || fail "$1: only $samples samples of $r"
		note "$1: $samples samples of $r on 3 nodes: never online on two ($straddle sample(s) whose status answers straddled a move)"
	done
}

# longest_gap TAG R: the longest time (s) between a sample where R's state
# file was online on some node and the next such sample.
longest_gap() {
	/usr/bin/python3 - "$E2E_TMP/$1.$2.log" <<'EOF'
import sys
last = None
gap = 0.0
for line in open(sys.argv[1]):
    f = line.split()
    if not f or not f[0][0].isdigit():
        continue
    if any(x.split("=")[1].startswith("on/") for x in f[1:]):
        t = float(f[0])
        if last is not None:
            gap = max(gap, t - last)
        last = t
print("%.3f" % gap)
EOF
}

file_on() { # NODE RES
	[[ $(cat "$CLUSTER_SANDBOX_DIR/$1/run/cluster-server/$2.state" 2>/dev/null) == online ]]
}

# online_on NODE GROUP: GROUP's owner in NODE's view, if it is Online there.
online_on() {
	group_online_on "$@"
}

# owned_elsewhere VIEWER GROUP OLD: VIEWER sees GROUP Online on a node that is not OLD.
owned_elsewhere() {
	group_moved "$@"
}

node_state() { # VIEWER NODE
	jq_py "$1" "([n['state'] for n in s['nodes'] if n['name']=='$2'] or ['absent'])[0]"
}

# nowhere_n3 NODE: n3 is in no node list, preferred owners or possible owners on NODE.
nowhere_n3() {
	jq_py "$1" "('n3' not in [n['name'] for n in s['nodes']] and
		not any('n3' in g['preferred_owners'] for g in s['groups']) and
		not any('n3' in r['possible_owners'] for r in s['resources']))"
}

# runs_nothing NODE: no resource state file on NODE says online.
runs_nothing() {
	! file_on "$1" R1 && ! file_on "$1" R2
}

secs_since() {
	awk -v a="$(date +%s.%N)" -v b="$1" 'BEGIN{printf "%.2f", a-b}'
}

sandbox_up 3
note "3 nodes up"
cl n1 group create G1 >/dev/null
cl n1 group create G2 >/dev/null
cl n1 group set-owners G1 n1 n2 n3 >/dev/null
cl n1 group set-owners G2 n1 n3 n2 >/dev/null
cl n1 resource create R1 --type Dummy --group G1 --priv StateFile=/run/cluster-server/R1.state >/dev/null
cl n1 resource create R2 --type Dummy --group G2 --priv StateFile=/run/cluster-server/R2.state >/dev/null
cl n1 group online G1 --to n1 --wait 20 >/dev/null
cl n1 group online G2 --to n1 --wait 20 >/dev/null
for n in n1 n2 n3; do
	wait_for 20 "$n to see G1 online on n1" is_eq online_on "$n" G1 -- n1
	wait_for 20 "$n to see G2 online on n1" is_eq online_on "$n" G2 -- n1
done
{ file_on n1 R1 && file_on n1 R2; } || fail "R1 and R2 are not online on n1"
note "G1 and G2 online on n1, seen by every node"
start_observers ab

# ---- A: drain the owner of both ----
note "A: cluster node drain n1 (asked on n2)"
t0=$(date +%s.%N)
expect_rc 0 "drain n1" cl n2 node drain n1 --wait 30
note "A: the drain answered after $(secs_since "$t0") s: $(tr '\n' '|' <"$E2E_TMP/out")"
grep -qx 'group G1: moved to n2 (Online)' "$E2E_TMP/out" || fail "A: the report does not say G1 went to n2"
grep -qx 'group G2: moved to n3 (Online)' "$E2E_TMP/out" || fail "A: the report does not say G2 went to n3"
grep -qx 'node n1 drained: paused, 2 group(s) moved' "$E2E_TMP/out" || fail "A: no summary line"
for n in n1 n2 n3; do
	wait_for 10 "$n to see n1 Paused" is_eq node_state "$n" n1 -- Paused
	expect_eq "$(online_on "$n" G1)" n2 "A: G1's owner on $n"
	expect_eq "$(online_on "$n" G2)" n3 "A: G2's owner on $n"
done
file_on n2 R1 || fail "A: R1 is not online on n2"
file_on n3 R2 || fail "A: R2 is not online on n3"
runs_nothing n1 || fail "A: the drained n1 still runs something"
# a paused node gets no new group: G3 goes elsewhere although n1 is preferred
cl n2 group create G3 >/dev/null
cl n2 group set-owners G3 n1 n2 >/dev/null
cl n2 group online G3 --wait 20 >/dev/null
expect_eq "$(online_on n2 G3)" n2 "A: a new group on the paused n1's cluster"
cl n2 group offline G3 --wait 20 >/dev/null
cl n2 group delete G3 >/dev/null
expect_rc 0 "resume n1" cl n3 node resume n1
for n in n1 n2 n3; do
	wait_for 10 "$n to see n1 Up" is_eq node_state "$n" n1 -- Up
done
# a node that owns nothing is only paused
expect_rc 0 "drain of n1, which owns nothing" cl n1 node drain n1
grep -qx 'node n1 drained: paused, 0 group(s) moved' "$E2E_TMP/out" || fail "A: drain of an empty node: $(cat "$E2E_TMP/out")"
wait_for 10 "n1 Paused" is_eq node_state n2 n1 -- Paused
cl n1 node resume n1 >/dev/null
wait_for 10 "n1 Up" is_eq node_state n2 n1 -- Up
expect_error 5042 2 "drain of no such node" cl n1 node drain n9
note "A: passed"

# ---- B: a group no other node may own ----
note "B: R2 may run only on n3; cluster node drain n3"
cl n1 resource owner-add R2 n3 >/dev/null
expect_rc 10 "drain n3 with G2 bound to it" cl n1 node drain n3 --wait 20
grep -q '^group G2: not moved (on n3, Online): .*may own it.*(5005)$' "$E2E_TMP/out" ||
	fail "B: the report does not say why G2 stayed: $(cat "$E2E_TMP/out")"
grep -q "1 of 1 group(s) not moved (5005)" "$E2E_TMP/err" || fail "B: no summary: $(cat "$E2E_TMP/err")"
expect_eq "$(online_on n2 G2)" n3 "B: G2's owner after the refused move"
file_on n3 R2 || fail "B: R2 is no longer online on n3"
expect_eq "$(node_state n2 n3)" Paused "B: n3 after the drain"
cl n1 node resume n3 >/dev/null
cl n1 resource owner-remove R2 n3 >/dev/null
cl n1 group move G2 --to n1 --wait 20 >/dev/null
wait_for 10 "G2 online on n1" is_eq online_on n2 G2 -- n1
note "B: passed"

# ---- C: the observers ----
check_observers ab 20

# ---- D: evict ----
note "D: evict n3"
cl n1 resource owner-add R1 n3 >/dev/null
cl n1 resource owner-add R1 n2 >/dev/null
cl n1 resource owner-add R1 n1 >/dev/null
rc=0
out=$(cl n1 node evict n3 2>&1) || rc=$?
[[ $rc -eq 10 && $out == *"only a node that is down can be evicted"*"(5009)"* ]] ||
	fail "D: evict of n3 while it is up: exit $rc: $out"
cl n1 resource owner-add R2 n3 >/dev/null   # R2 may run only on n3 again
"$SB" kill n3 >/dev/null
for n in n1 n2; do
	wait_for 20 "$n to see n3 Down" is_eq node_state "$n" n3 -- Down
done
out=$(cl n1 node evict n3 2>&1) && fail "D: evict accepted while R2 could run only on n3"
[[ $out == *"resource R2 may run only on n3"*"(5023)"* ]] || fail "D: refusal for R2: $out"
cl n1 resource owner-add R2 n1 >/dev/null
expect_rc 0 "evict of the down n3" cl n2 node evict n3
for n in n1 n2; do
	wait_for 10 "n3 gone from everything on $n" is_eq nowhere_n3 "$n" -- true
done
expect_rc 2 "node get of the evicted n3" cl n1 node get n3
expect_error 5042 2 "set-owners naming the evicted n3" cl n1 group set-owners G1 n3 n1
expect_eq "$(jq_py n1 "[r['possible_owners'] for r in s['resources'] if r['name']=='R1'][0]")" \
	"['n2', 'n1']" "D: R1's possible owners after the eviction"
note "D: evicted; restarting the whole cluster (corosync.conf still names n3)"
"$SB" kill n1 >/dev/null
"$SB" kill n2 >/dev/null
"$SB" start n1 --no-wait >/dev/null
"$SB" start n2 >/dev/null
for n in n1 n2; do
	wait_for 20 "$n quorate and synced" is_eq jq_py "$n" "s['quorate'] and s['synced']" -- true
	expect_eq "$(nowhere_n3 "$n")" true "D: n3 anywhere on $n after the restart"
done
wait_for 20 "G1 online again" owned_elsewhere n1 G1 n3
note "D: n3 still evicted after the restart; starting n3 again"
"$SB" start n3 >/dev/null
for n in n1 n2 n3; do
	wait_for 20 "$n to see n3 Up" is_eq node_state "$n" n3 -- Up
	expect_eq "$(jq_py "$n" "(any('n3' in g['preferred_owners'] for g in s['groups']) or
		any('n3' in r['possible_owners'] for r in s['resources']))")" false \
		"D: n3 in an owner list on $n after it came back"
done
log_has n1 1 "node n3 was evicted and has joined again" || log_has n2 1 "node n3 was evicted and has joined again" ||
	fail "D: no node logged n3's return"
note "D: passed"

# ---- E: SIGTERM on the owner ----
cl n1 resource owner-remove R2 n1 >/dev/null   # any node again
cl n1 group move G1 --to n2 --wait 20 >/dev/null
cl n1 group move G2 --to n2 --wait 20 >/dev/null
for n in n1 n2 n3; do
	wait_for 20 "$n to see G1 on n2" is_eq online_on "$n" G1 -- n2
	wait_for 20 "$n to see G2 on n2" is_eq online_on "$n" G2 -- n2
done
{ file_on n2 R1 && file_on n2 R2; } || fail "E: R1 and R2 not online on n2"
start_observers e
before1=$(log_count n1 "waiting .* ms for a lost node|placing group G[12]")
before3=$(log_count n3 "waiting .* ms for a lost node|placing group G[12]")
pid=$(clusterd_pid n2)
st=$(e2e_start_time "$pid")
note "E: SIGTERM to clusterd on n2 (pid $pid), the owner of G1 and G2"
t0=$(date +%s.%N)
kill -TERM "$pid"
end=$(($(date +%s) + 40))
while e2e_alive "$pid" "$st"; do
	(($(date +%s) < end)) || fail "E: clusterd on n2 did not exit within 40 s"
	sleep 0.05
done
took=$(secs_since "$t0")
for g in G1 G2; do
	wait_for 10 "$g online elsewhere" owned_elsewhere n1 "$g" n2
done
sleep 0.5
check_observers e 8
gap1=$(longest_gap e R1)
gap2=$(longest_gap e R2)
note "E: clusterd on n2 exited $took s after SIGTERM; R1 online nowhere for at most $gap1 s, R2 for $gap2 s"
awk -v a="$gap1" -v b="$gap2" 'BEGIN{exit !(a < 0.6 && b < 0.6)}' ||
	fail "E: a group was online nowhere for ${gap1}/${gap2} s (a failover, not a move?)"
awk -v t="$took" 'BEGIN{exit !(t < 5.0)}' || fail "E: clusterd took $took s to stop"
(($(log_count n1 "waiting .* ms for a lost node|placing group G[12]") == before1)) ||
	fail "E: n1 waited for a lost node or placed G1/G2: $(grep -E "waiting .* ms for a lost node|placing group G[12]" "$CLUSTER_SANDBOX_DIR/n1/log/clusterd.log" | tail -2)"
(($(log_count n3 "waiting .* ms for a lost node|placing group G[12]") == before3)) ||
	fail "E: n3 waited for a lost node or placed G1/G2"
grep -E "shutdown: draining this node first: 2 group\(s\)" "$CLUSTER_SANDBOX_DIR/n2/log/clusterd.log" >/dev/null ||
	fail "E: n2's log does not say it drained first"
moved=$(grep -E "drain of n2: 2 of 2 group\(s\) moved in [0-9]+ ms" "$CLUSTER_SANDBOX_DIR/n2/log/clusterd.log" | tail -1)
[[ -n $moved ]] || fail "E: n2's log does not say both groups moved"
note "E: n2's log: ${moved#* notice: }"
runs_nothing n2 || fail "E: n2 still runs something after its clusterd exited"
"$SB" start n2 >/dev/null
for n in n1 n2 n3; do
	wait_for 20 "$n to see n2 Up (its shutdown pause taken back)" is_eq node_state "$n" n2 -- Up
done
note "E: passed"

# ---- F: a second SIGTERM stops at once ----
cl n1 group create G4 >/dev/null
cl n1 resource create R4 --type Dummy --group G4 --priv OfflineDelayMs=20000 >/dev/null
cl n1 group online G4 --to n2 --wait 20 >/dev/null
pid=$(clusterd_pid n2)
st=$(e2e_start_time "$pid")
n0=$(log_count n2 "shutdown: draining this node first")
kill -TERM "$pid"
wait_for 5 "n2 to begin its shutdown drain" log_has n2 $((n0 + 1)) "shutdown: draining this node first"
sleep 1
e2e_alive "$pid" "$st" || fail "F: clusterd on n2 did not wait for its slow offline"
t0=$(date +%s.%N)
kill -TERM "$pid"
end=$(($(date +%s) + 10))
while e2e_alive "$pid" "$st"; do
	(($(date +%s) < end)) || fail "F: clusterd on n2 did not stop within 10 s of a second SIGTERM"
	sleep 0.05
done
note "F: clusterd on n2 stopped $(secs_since "$t0") s after the second SIGTERM"
log_has n2 1 "signal 15 again: stopping at once" || fail "F: n2's log does not say it stopped at once"
note "F: passed"

e2e_down_checked
note "PASS"
