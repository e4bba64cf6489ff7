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

one_node_group_online
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

# Rights follow the group as it is at each request: nobody put in group
# haclient may change things; taken out again, may not.  (The node's own
# /etc/group: a copy bind-mounted in n1's mount namespace.)
grp=$E2E_TMP/group
grep -v '^haclient:' /etc/group >"$grp"
echo 'haclient:x:4242:nobody' >>"$grp"
"$SB" exec n1 -- mount --bind "$grp" /etc/group || fail "cannot give n1 its own /etc/group"
# One connection across the change (rights were once fixed at connect):
# GROUP_CREATE frames (clientproto.h) sent by hand on a socket held open.
cat >"$E2E_TMP/hold.py" <<'PY'
import os, socket, struct, sys, time
def plist_name(name):
    def sz(syntax, s):
        d = (s + "\0").encode("utf-16-le")
        return struct.pack("<II", syntax, len(d)) + d + b"\0" * ((4 - len(d) % 4) % 4)
    return struct.pack("<I", 1) + sz(0x00040003, "Name") + sz(0x00010003, name) + struct.pack("<I", 0)
def create(s, rid, name):
    p = plist_name(name)
    s.sendall(struct.pack("<IHHIII", 0x43535031, 2, 2, rid, 0, len(p)) + p)
    h = b""
    while len(h) < 20:
        h += s.recv(20 - len(h))
    magic, ver, op, got_id, status, length = struct.unpack("<IHHIII", h)
    while length:
        length -= len(s.recv(length))
    print(status, flush=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/cluster-server/clusterd.sock")
create(s, 1, "G2")
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
create(s, 2, "G3")
PY
chmod 0755 "$E2E_TMP" # nobody reads the script and touches nothing else
chmod 0644 "$E2E_TMP/hold.py"
"$SB" exec n1 -- setpriv --reuid=65534 --regid=65534 --clear-groups \
	/usr/bin/python3 "$E2E_TMP/hold.py" "$E2E_TMP/flag" >"$E2E_TMP/hold.out" 2>&1 &
hold=$!
wait_for 20 "the first change on the held connection" grep -q . "$E2E_TMP/hold.out"
[[ $(sed -n 1p "$E2E_TMP/hold.out") == 0 ]] ||
	fail "nobody, in group haclient, could not create a group: $(cat "$E2E_TMP/hold.out")"
grep -v '^haclient:' /etc/group >"$grp.new"
echo 'haclient:x:4242:' >>"$grp.new"
cat "$grp.new" >"$grp" # in place: the bind mount keeps the same file
touch "$E2E_TMP/flag"
wait "$hold" || fail "the held connection's client failed: $(cat "$E2E_TMP/hold.out")"
[[ $(sed -n 2p "$E2E_TMP/hold.out") == 5 ]] ||
	fail "a change on a connection opened while in haclient was not refused after leaving it: $(cat "$E2E_TMP/hold.out")"
expect_denied "group create after leaving haclient" as_nobody n1 group create G4
"$SB" exec n1 -- umount /etc/group
note "rights checked at each request, on a connection opened before too: in haclient, nobody changes things; out of it, not"
note "PASS"
