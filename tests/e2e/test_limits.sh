#!/usr/bin/env bash
# test_limits.sh - the size limits of the cluster database, enforced where a
# change enters: a resource's private property list is at most 1 MiB
# (given at create, or grown by SET_PRIVATE_PROPERTIES), the whole
# configuration at most 24 MiB; past either the change is refused with
# ERROR_NOT_ENOUGH_QUOTA (1816), nothing changes, and the cluster goes on
# (a node that joins later still gets the whole database in one transfer).
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_limits.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A value of 120,000 characters: 240,000 bytes in UTF-16.
BIG=$(head -c 120000 /dev/zero | tr '\0' x)

# privs N: N --priv arguments of 240 kB each (Big1=..., Big2=...).
privs() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf -- '--priv\0Big%d=%s\0' "$i" "$BIG"
	done
}

# expect_quota WHAT CMD...: CMD fails with ERROR_NOT_ENOUGH_QUOTA (1816).
expect_quota() { expect_error 1816 - "$@"; }

sandbox_up 3
note "3 nodes up"
cl n1 group create G >/dev/null

# 1. a private list over 1 MiB at create
mapfile -d '' five < <(privs 5)
expect_quota "create with 1.2 MB of private properties" cl n1 resource create fat --type Dummy --group G "${five[@]}"
expect_rc 2 "the refused resource" cl n1 resource control fat GET_NAME
note "a resource created with 1.2 MB of private properties: refused"

# 2. grown past 1 MiB by SET_PRIVATE_PROPERTIES
mapfile -d '' three < <(privs 3)
cl n1 resource create r0 --type Dummy --group G "${three[@]}" >/dev/null
size0=$(cl n1 resource control r0 GET_PRIVATE_PROPERTIES --raw | wc -c)
mapfile -d '' two < <(printf -- '--priv\0More1=%s\0--priv\0More2=%s\0' "$BIG" "$BIG")
expect_quota "SET_PRIVATE_PROPERTIES to 1.2 MB" cl n1 resource control r0 SET_PRIVATE_PROPERTIES "${two[@]}"
[[ $(cl n2 resource control r0 GET_PRIVATE_PROPERTIES --raw | wc -c) == "$size0" ]] ||
	fail "r0's private properties changed after the refused set"
note "private properties grown past 1 MiB: refused, r0 unchanged on every node"

# 3. the whole configuration past 24 MiB
mapfile -d '' four < <(privs 4)
made=0
for i in $(seq 1 30); do
	out=$(cl n1 resource create "r$i" --type Dummy --group G "${four[@]}" 2>&1) && { made=$((made + 1)); continue; }
	[[ $out == *"(1816)"* ]] || fail "create r$i failed otherwise: ${out:0:300}"
	break
done
((made >= 20 && made < 30)) || fail "the database limit came after $made resources of ~1 MB, not at ~24 MiB"
note "the database took $made more resources of ~1 MB, then refused the next (1816)"

# 4. the cluster goes on: a change that fits is taken, deleting makes room,
# a node that comes back gets the whole database in one transfer
cl n1 resource create small --type Dummy --group G >/dev/null || fail "a small change that fits"
cl n1 resource delete "r$made" >/dev/null || fail "cannot delete a resource at the limit"
cl n1 resource create "again" --type Dummy --group G "${four[@]}" >/dev/null ||
	fail "a ~1 MB resource after making room"
"$SB" kill n3 >/dev/null
"$SB" start n3 >/dev/null
count() { jq_py "$1" "len(s['resources'])"; }
want=$(count n1)
wait_for 30 "n3 has all $want resources after it came back" is_eq count n3 -- "$want"
note "n3 restarted and got the whole ~24 MiB database; PASS"
