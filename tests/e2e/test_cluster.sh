#!/usr/bin/env bash
# End-to-end test of the cluster itself, on a real 3-node sandbox (corosync,
# clusterd, the resource host and the Dummy plugin):
#   1. the 3 nodes form a quorate cluster and stay so;
#   2. configuration made on any node (group on n1, resources on n2,
#      dependency and owners on n3) is the same on every node, private
#      properties included;
#   3. a node that was down while the configuration changed (create, rename,
#      delete, private properties) catches up on exactly the new configuration;
#   4. a power loss of all nodes keeps the configuration, and a group that was
#      online comes back online (PersistentState), its resources really running;
#   5. without quorum, changes are refused (exit 4), status says quorate false,
#      the survivor stops what it ran; after the others return, nothing of the
#      refused changes exists and changes work again;
#   6. the sandbox's teardown leaves no process, namespace or mount behind.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_cluster.sh
# Exit status: 0 pass, 1 fail, 77 skip.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The system python: a python3 earlier on PATH may be a wrapper (a pyenv
# shim costs ~0.4 s a call); this also serves lib.sh's jq_py.
if [[ -x /usr/bin/python3 ]]; then
	python3() { /usr/bin/python3 "$@"; }
fi

NODES=(n1 n2 n3)
CHK=$E2E_TMP/check.py

# The views of a node's `cluster status --json` that the test compares.
#   cfg: the configuration (names, types, groups, dependencies, possible and
#        preferred owners), sorted by name;
#   rt:  the runtime state (quorum, node states, group and resource states
#        and owners), sorted by name;
#   canon LITERAL: a Python literal in cfg's shape, printed as cfg prints it.
cat >"$CHK" <<'EOF'
import ast, json, sys

def cfg(s):
    return {
        "groups": sorted([g["name"], g["preferred_owners"]] for g in s["groups"]),
        "resources": sorted([r["name"], r["type"], r["group"], sorted(r["dependencies"]),
                             r["possible_owners"]] for r in s["resources"]),
    }

def rt(s):
    return {
        "quorate": s["quorate"],
        "nodes": sorted([n["name"], n["state"]] for n in s["nodes"]),
        "groups": sorted([g["name"], g["state"], g["owner"]] for g in s["groups"]),
        "resources": sorted([r["name"], r["state"], r["owner"]] for r in s["resources"]),
    }

what = sys.argv[1]
if what == "canon":
    v = ast.literal_eval(sys.argv[2])
    v = {"groups": sorted(v["groups"]), "resources": sorted(v["resources"])}
else:
    v = {"cfg": cfg, "rt": rt}[what](json.load(sys.stdin))
print(json.dumps(v, sort_keys=True))
EOF

cfg_of() { status_json "$1" | python3 "$CHK" cfg; }
rt_of() { status_json "$1" | python3 "$CHK" rt; }
canon() { python3 "$CHK" canon "$1"; }

# cfg_is NODE WANT: NODE's configuration is exactly WANT (a canon string).
cfg_is() { [[ $(cfg_of "$1") == "$2" ]]; }

# expect_cfg NODE WANT WHAT: fail with both views unless they are equal.
expect_cfg() {
	local got
	got=$(cfg_of "$1") || fail "$3: no status from $1"
	[[ $got == "$2" ]] || fail "$3: $1 has configuration
  $got
expected
  $2"
}

# rt_same: every node reports the same runtime state.
rt_same() {
	local a b
	a=$(rt_of n1) || return 1
	for n in n2 n3; do
		b=$(rt_of "$n") || return 1
		[[ $a == "$b" ]] || return 1
	done
}

# formed NODE: NODE is quorate, is itself, and sees n1..n3 Up.
formed() {
	is_eq jq_py "$1" "s['quorate'] is True and s['local_node']['name'] == '$1' and sorted((n['name'], n['state']) for n in s['nodes']) == [('n1', 'Up'), ('n2', 'Up'), ('n3', 'Up')]" -- true
}

# priv_has NODE RES EXPECTED_JSON_OBJECT: GET_PRIVATE_PROPERTIES of RES, carried
# out on NODE (asked on NODE), has at least these name/value pairs.
priv_has() {
	local out
	out=$(cl "$1" resource control "$2" GET_PRIVATE_PROPERTIES --json --node "$1") || return 1
	python3 -c '
import json, sys
got, want = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.exit(0 if all(got.get(k) == v for k, v in want.items()) else 1)' "$out" "$3"
}

expect_priv() {
	priv_has "$1" "$2" "$3" ||
		fail "private properties of $2 on $1: want $3, got: $(cl "$1" resource control "$2" GET_PRIVATE_PROPERTIES --json --node "$1" 2>&1)"
}

file_says() { [[ -f $1 && $(cat "$1") == "$2" ]]; }

# start_all_online NODE...: start the NODEs one after the other, then wait
# until every node has formed again and sees web Online, and all agree.
start_all_online() {
	local n
	for n in "$@"; do
		"$SB" start "$n" >/dev/null
	done
	for n in "${NODES[@]}"; do
		wait_for 20 "$n formed again" formed "$n"
		wait_for 20 "web Online again as $n sees it" is_eq group_field "$n" web state -- Online
	done
	wait_for 10 "all nodes agree on the runtime state" rt_same
}

# ---------------------------------------------------------------------------
note "bringing up 3 nodes"
sandbox_up 3

# 1. formed and quorate on every node, and still so ~5 s later (checked
#    continuously: every node, every round).
for n in "${NODES[@]}"; do
	formed "$n" || fail "$n does not see a quorate cluster of n1..n3 Up: $(status_json "$n")"
done
# (the last round starts after the 5 s)
now_us() { echo "${EPOCHREALTIME/[.,]/}"; }
end=$(($(now_us) + 5000000))
rounds=0
while :; do
	last=$(($(now_us) >= end))
	for n in "${NODES[@]}"; do
		formed "$n" || fail "$n lost the quorate 3-node view after $rounds rounds: $(status_json "$n")"
	done
	rounds=$((rounds + 1))
	((last == 0)) || break
done
note "formed: quorate, 3 nodes Up on every node, and so in each of $rounds rounds over 5 s"

# 2. configuration from three different nodes, seen on all.
cl n1 group create web
cl n1 group create db
cl n2 resource create web-ip --type Dummy --group web \
	--priv OnlineDelayMs=100 --priv "StateFile=$E2E_TMP/web-ip.state"
cl n2 resource create web-app --type Dummy --group web \
	--priv OfflineDelayMs=100 --priv "StateFile=$E2E_TMP/web-app.state"
cl n2 resource create db-disk --type Dummy --group db --priv "StateFile=$E2E_TMP/db-disk.state"
cl n3 resource depend web-app --on web-ip
cl n3 resource owner-add web-ip n1
cl n3 resource owner-add web-ip n2
cl n3 group set-owners web n2 n1
expect_rc 7 "a second dependency web-app -> web-ip" cl n1 resource depend web-app --on web-ip

CFG1=$(canon "{'groups': [['web', ['n2', 'n1']], ['db', []]],
  'resources': [['web-ip', 'Dummy', 'web', [], ['n1', 'n2']],
                ['web-app', 'Dummy', 'web', ['web-ip'], []],
                ['db-disk', 'Dummy', 'db', [], []]]}")
for n in "${NODES[@]}"; do
	wait_for 10 "the configuration on $n" cfg_is "$n" "$CFG1"
	expect_cfg "$n" "$CFG1" "configuration made on n1, n2, n3"
	expect_priv "$n" web-ip "{\"OnlineDelayMs\": 100, \"StateFile\": \"$E2E_TMP/web-ip.state\"}"
	expect_priv "$n" web-app "{\"OfflineDelayMs\": 100, \"StateFile\": \"$E2E_TMP/web-app.state\"}"
	expect_priv "$n" db-disk "{\"StateFile\": \"$E2E_TMP/db-disk.state\"}"
done
note "configuration made on n1, n2 and n3 is identical on all three, private properties included"

# Online: the preferred owner n2 (which web-ip may run on) gets it.
cl n1 group online web --wait 20 || fail "group online web failed"
for n in "${NODES[@]}"; do
	wait_for 10 "web Online on n2 as $n sees it" is_eq group_field "$n" web owner -- n2
	wait_for 10 "web Online as $n sees it" is_eq group_field "$n" web state -- Online
done
file_says "$E2E_TMP/web-ip.state" online || fail "web-ip's state file does not say online"
file_says "$E2E_TMP/web-app.state" online || fail "web-app's state file does not say online"
# on the owner the plugin itself answers (it returns every property it has)
expect_priv n2 web-ip "{\"OnlineDelayMs\": 100, \"OfflineDelayMs\": 0, \"FailOnline\": 0, \"StateFile\": \"$E2E_TMP/web-ip.state\"}"
note "group web online on its preferred owner n2; every node agrees"

# 3. n3 misses create, rename, delete and a private property change.
"$SB" kill n3 >/dev/null
for n in n1 n2; do
	wait_for 15 "n3 Down as $n sees it" is_eq jq_py "$n" "[x['state'] for x in s['nodes'] if x['name'] == 'n3'][0]" -- Down
done
cl n1 group create batch
cl n1 resource create job --type Dummy --group batch --priv "StateFile=$E2E_TMP/job.state" --priv FailAfterSeconds=3600
cl n1 resource rename web-ip web-addr
cl n1 group rename db old-db
cl n1 resource delete db-disk
cl n1 group delete old-db
cl n1 resource control web-app SET_PRIVATE_PROPERTIES --priv OfflineDelayMs=150 >/dev/null
CFG2=$(canon "{'groups': [['web', ['n2', 'n1']], ['batch', []]],
  'resources': [['web-addr', 'Dummy', 'web', [], ['n1', 'n2']],
                ['web-app', 'Dummy', 'web', ['web-addr'], []],
                ['job', 'Dummy', 'batch', [], []]]}")
expect_cfg n1 "$CFG2" "changes made while n3 was down"
wait_for 10 "n2 has the changes" cfg_is n2 "$CFG2"
"$SB" start n3 >/dev/null
wait_for 15 "n3 caught up" cfg_is n3 "$CFG2"
wait_for 10 "all nodes agree on the runtime state" rt_same
for n in "${NODES[@]}"; do
	expect_cfg "$n" "$CFG2" "after n3 rejoined"
	formed "$n" || fail "$n: not a quorate 3-node view after n3 rejoined"
	is_eq group_field "$n" web state -- Online || fail "$n: web is not Online after n3 rejoined"
	is_eq group_field "$n" web owner -- n2 || fail "$n: web moved when n3 rejoined"
	is_eq group_field "$n" batch state -- Offline || fail "$n: batch is not Offline"
	expect_priv "$n" web-addr "{\"OnlineDelayMs\": 100, \"StateFile\": \"$E2E_TMP/web-ip.state\"}"
	expect_priv "$n" web-app "{\"OfflineDelayMs\": 150, \"StateFile\": \"$E2E_TMP/web-app.state\"}"
	expect_priv "$n" job "{\"FailAfterSeconds\": 3600, \"StateFile\": \"$E2E_TMP/job.state\"}"
	expect_rc 2 "$n: the deleted resource db-disk" cl "$n" resource control db-disk GET_PRIVATE_PROPERTIES --node "$n"
	expect_rc 2 "$n: the renamed resource web-ip" cl "$n" resource control web-ip GET_PRIVATE_PROPERTIES --node "$n"
done
note "n3, down during create/rename/delete/set-private, caught up on exactly the new configuration"

# 4. power loss of every node.
for n in "${NODES[@]}"; do
	"$SB" kill "$n" >/dev/null
done
# the files of the dead incarnation still say online: remove them, so that
# "online" below is written by resources that really run again
rm -f "$E2E_TMP"/*.state
note "all three nodes killed (power loss)"
# power comes back: the nodes boot one after the other (`start` waits for
# each node's corosync before its clusterd)
start_all_online "${NODES[@]}"
OWNER=$(group_field n1 web owner)
[[ $OWNER == n1 || $OWNER == n2 ]] || fail "web came back on $OWNER, which web-addr may not run on"
for n in "${NODES[@]}"; do
	expect_cfg "$n" "$CFG2" "after a power loss of all nodes"
	is_eq group_field "$n" batch state -- Offline || fail "$n: batch (never online) is not Offline after the restart"
	expect_priv "$n" web-app "{\"OfflineDelayMs\": 150, \"StateFile\": \"$E2E_TMP/web-app.state\"}"
done
wait_for 10 "web-addr's state file says online again" file_says "$E2E_TMP/web-ip.state" online
wait_for 10 "web-app's state file says online again" file_says "$E2E_TMP/web-app.state" online
[[ ! -e $E2E_TMP/job.state ]] || fail "job (never online) ran after the restart"
note "after the power loss: same configuration on all nodes, web Online again on $OWNER"

# 5. no quorum: the owner of web survives alone.
SURV=$OWNER
OTHERS=()
for n in "${NODES[@]}"; do
	[[ $n == "$SURV" ]] || OTHERS+=("$n")
done
for n in "${OTHERS[@]}"; do
	"$SB" kill "$n" >/dev/null
done
# (its resource host stops everything, and clusterd counts quorum as
# unconfirmed, as soon as it reaches no majority - before corosync reports
# the others gone: wait for that report too)
wait_for 15 "$SURV loses quorum and sees the others down" is_eq jq_py "$SURV" \
	"s['quorate'] is False and sum(n['state'] == 'Down' for n in s['nodes']) == 2" -- true
expect_rc 0 "status without quorum" cl "$SURV" status --json
python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
surv = sys.argv[2]
assert s["quorate"] is False, "quorate"
st = {n["name"]: n["state"] for n in s["nodes"]}
assert st[surv] == "Up" and all(v == "Down" for k, v in st.items() if k != surv), st
' "$E2E_TMP/out" "$SURV" || fail "$SURV without quorum: $(cat "$E2E_TMP/out")"
expect_rc 4 "group create without quorum" cl "$SURV" group create nq
grep -qi quorum "$E2E_TMP/err" || fail "the refusal does not say why: $(cat "$E2E_TMP/err")"
expect_rc 4 "resource create without quorum" cl "$SURV" resource create nq-res --type Dummy --group web
expect_rc 4 "group offline without quorum" cl "$SURV" group offline web
expect_rc 4 "resource rename without quorum" cl "$SURV" resource rename web-app nq-app
expect_rc 4 "set-owners without quorum" cl "$SURV" group set-owners web n3
expect_rc 4 "SET_PRIVATE_PROPERTIES without quorum" cl "$SURV" resource control web-app SET_PRIVATE_PROPERTIES --priv OfflineDelayMs=1
expect_cfg "$SURV" "$CFG2" "the survivor's configuration after refused changes"
# and the survivor stops what it ran (DESIGN: no quorum -> offline)
wait_for 15 "web-addr stopped on the survivor" file_says "$E2E_TMP/web-ip.state" offline
wait_for 15 "web-app stopped on the survivor" file_says "$E2E_TMP/web-app.state" offline
note "without quorum on $SURV: status says quorate false, 6 kinds of change refused (exit 4), resources stopped"

start_all_online "${OTHERS[@]}"
for n in "${NODES[@]}"; do
	expect_cfg "$n" "$CFG2" "after quorum came back (nothing refused may exist)"
	expect_priv "$n" web-app "{\"OfflineDelayMs\": 150}"
done
cl n3 group create after-quorum || fail "a change after quorum came back failed"
for n in "${NODES[@]}"; do
	wait_for 10 "after-quorum on $n" is_eq jq_py "$n" "'after-quorum' in [g['name'] for g in s['groups']]" -- true
done
note "quorum back: the refused changes exist nowhere, changes work again"

e2e_down_checked
note "PASS"
