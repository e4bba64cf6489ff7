#!/usr/bin/env bash
# test_access.sh - who may change the cluster: a client that is neither root
# nor in group haclient may read (status, read-only control codes) but every
# change op and every control code that writes (CLUS_ACCESS_WRITE or the
# modify bit) is refused with ERROR_ACCESS_DENIED, and internal control
# codes (CLUSCTL_RESOURCE_DELETE, ...) are refused from every client, root
# included - nothing reaches the plugin: the resource host is not restarted
# and the resources stay online.
#
# The socket is made world-writable inside the node, as a site might do to
# let monitoring read: reaching the socket must never be enough to write.
#
# Run as root: CLUSTER_BUILD_DIR=$PWD/build bash tests/e2e/test_access.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v setpriv >/dev/null || fail "setpriv (util-linux) not installed"

# as_nobody NODE ARGS...: the cluster CLI in NODE as uid/gid 65534, no groups.
as_nobody() {
	local node=$1
	shift
	"$SB" exec "$node" -- setpriv --reuid=65534 --regid=65534 --clear-groups cluster "$@"
}

# expect_denied WHAT CMD...: CMD fails with exit status 4, ERROR_ACCESS_DENIED (5).
expect_denied() { expect_error 5 4 "$@"; }

sandbox_up 1
note "1 node up"
cl n1 group create G >/dev/null
cl n1 resource create R --type Dummy --group G >/dev/null
cl n1 group online G --wait 20 >/dev/null
wait_for 20 "R Online" is_eq res_field n1 R state -- Online
host=$(host_pid n1) || fail "no resource host"
"$SB" exec n1 -- chmod 0666 /run/cluster-server/clusterd.sock

# reading works for anyone who reaches the socket
out=$(as_nobody n1 status --json) || fail "status as nobody: $out"
out_is R as_nobody n1 resource control R GET_NAME || fail "GET_NAME as nobody"
as_nobody n1 resource control R GET_COMMON_PROPERTIES >/dev/null ||
	fail "GET_COMMON_PROPERTIES as nobody"
note "a non-admin client reads status and read-only control codes"

# every kind of change op is refused
expect_denied "group create" as_nobody n1 group create G2
expect_denied "group offline" as_nobody n1 group offline G
expect_denied "resource delete" as_nobody n1 resource delete R
expect_denied "node pause" as_nobody n1 node pause n1
# write control codes, by name and by number
expect_denied "SET_COMMON_PROPERTIES" as_nobody n1 resource control R SET_COMMON_PROPERTIES \
	--priv RestartThreshold=9
expect_denied "SET_PRIVATE_PROPERTIES" as_nobody n1 resource control R SET_PRIVATE_PROPERTIES \
	--priv OnlineDelayMs=9
# a plugin-bound code with the write access bit (function 3000, made up): the
# plugin never sees it
expect_denied "a write code (0x0100BB82)" as_nobody n1 resource control R 0x0100BB82
expect_denied "a modify code (0x0140BB81)" as_nobody n1 resource control R 0x0140BB81
note "a non-admin client: change ops and writing control codes refused (access denied)"

# internal codes: refused from every client, root too
expect_denied "CLUSCTL_RESOURCE_DELETE as nobody" as_nobody n1 resource control R 0x01500006
expect_denied "CLUSCTL_RESOURCE_DELETE as root" cl n1 resource control R 0x01500006
expect_denied "an internal type code as root" cl n1 resource-type control Dummy 0x02500006
note "internal control codes refused from every client"

# nothing reached the plugin or changed anything
[[ $(host_pid n1) == "$host" ]] || fail "the resource host was restarted"
is_eq res_field n1 R state -- Online || fail "R is no longer Online"
[[ $(jq_py n1 "len(s['groups'])") == 1 ]] || fail "a group was created"
[[ $(jq_py n1 "[n['state'] for n in s['nodes']][0]") == Up ]] || fail "n1 is no longer Up"
# threshold LINE: the RestartThreshold value as GET_COMMON_PROPERTIES prints it
threshold() {
	cl n1 resource control R GET_COMMON_PROPERTIES | awk '$1 == "RestartThreshold" {print $3}'
}
[[ $(threshold) == 3 ]] || fail "RestartThreshold changed: $(threshold)"
note "host not restarted, R Online, configuration unchanged"

# root still changes things
cl n1 resource control R SET_COMMON_PROPERTIES --priv RestartThreshold=4 >/dev/null ||
	fail "root cannot set common properties"
[[ $(threshold) == 4 ]] || fail "root's RestartThreshold=4 not applied: $(threshold)"
note "PASS"
