#!/usr/bin/env bash
# End-to-end test: a configuration change is acknowledged to its client only
# once a majority of the configured nodes have applied and written it (their
# MSG_APPLIED), never on the word of the node that sent it alone (corosync
# delivers a sender's own message to it before the others have it).
#   A. 3 nodes, all confirming: a change made on n1 succeeds.
#   B. n2 and n3 restarted with CS_FAULT_NO_APPLIED=1 (they apply others'
#      changes but do not confirm them): a change made on n1 is applied
#      everywhere but its client is told ERROR_RETRY (1237) after 10 s - "it
#      may or may not have been applied" - not "done".
#   C. n2 confirming again: changes made on n1 succeed (a majority, n1 + n2).
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_acks.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

has_group() { # NODE GROUP
	[[ $(jq_py "$1" "'$2' in [g['name'] for g in s['groups']]") == true ]]
}

sandbox_up 3
note "3 nodes up"
cl n1 group create GA >/dev/null || fail "A: a change with every node confirming"
note "A: passed"

for n in n2 n3; do
	"$SB" kill "$n" >/dev/null
	CLUSTER_SANDBOX_WRAP="env CS_FAULT_NO_APPLIED=1" "$SB" start "$n" >/dev/null
done
wait_for 20 "n1 quorate with 3 members" is_eq jq_py n1 "s['quorate'] and s['synced'] and sum(1 for x in s['nodes'] if x['state']=='Up')==3" -- true
t0=$(date +%s)
expect_error 1237 10 "B: a change only n1 confirmed" cl n1 --timeout 60 group create GB
took=$(($(date +%s) - t0))
((took >= 9)) || fail "B: answered after ${took}s, before the 10 s wait for confirmations"
grep -q 'may or may not have been applied' <<<"$(cl n1 --timeout 60 group create GB2 2>&1 || true)" ||
	fail "B: the message does not say the change may or may not have been applied"
for n in n1 n2 n3; do
	wait_for 5 "GB applied on $n" has_group "$n" GB
done
log_has n2 1 'fault injection \(CS_FAULT_NO_APPLIED\)' || fail "B: n2 did not use the fault injection"
note "B: passed (applied everywhere, but not acknowledged: ERROR_RETRY after ${took}s)"

"$SB" kill n2 >/dev/null
"$SB" start n2 >/dev/null
wait_for 20 "n2 back, confirming" is_eq jq_py n1 "s['quorate'] and sum(1 for x in s['nodes'] if x['state']=='Up')==3" -- true
cl n1 group create GC >/dev/null || fail "C: a change confirmed by n1 and n2"
note "C: passed"

e2e_down_checked
note "PASS"
