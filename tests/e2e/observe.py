#!/usr/bin/python3
# tests/e2e/observe.py - watch where a resource runs, on every node, all the
# time, and say when it was ever seen online on two nodes at once.
#
#   observe.py SANDBOX_DIR RESOURCE STATEFILE OUT [--every SECONDS]
#
# Every --every seconds (default 0.1) it looks at each node nK of the sandbox
# twice:
#   - the resource's state file in the node's private /run (STATEFILE is its
#     path inside the node, under /run): what the Dummy plugin last did there;
#   - the node's own `cluster status --json`, asked through the node's socket
#     from outside (a unix socket is a file: no namespace needed), with a
#     short timeout (a stopped clusterd does not answer: "-").
# It writes one line per sample to OUT:
#   TIME n1=FILE/CLAIM n2=... ...
# where FILE is "on", "off" or "-" (no file) - "dead" when no resource host
# runs in the node's network namespace at all (the node was killed: a state
# file left "online" by a process that is gone runs nothing) - and CLAIM is
# "self" when that node's status says the resource is Online with itself as
# owner, "no" when not, "-" when it did not answer (the nodes are asked at
# once).  A sample where more than one file says "on", or where more than one
# node claims it Online on itself in this sample and the one before (a
# replicated view may lag another by milliseconds during a move), is a
# violation: a line "VIOLATION ..." is written as well.  Stops on SIGTERM or SIGINT and
# then writes "END samples=N violations=N".
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import glob
import json
import os
import signal
import subprocess
import sys
import time

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


def node_dirs(sandbox):
    nodes = []
    for d in sorted(glob.glob(os.path.join(sandbox, "n[0-9]*"))):
        name = os.path.basename(d)
        if name[1:].isdigit():
            nodes.append(name)
    return sorted(nodes, key=lambda n: int(n[1:]))


def sandbox_id(sandbox):
    try:
        with open(os.path.join(sandbox, "sandbox.conf")) as f:
            for line in f:
                if line.startswith("id="):
                    return line.strip()[3:]
    except OSError:
        pass
    return None


def hosts_alive(sandbox):
    """The nodes in whose network namespace a cluster-reshost process runs."""
    sid = sandbox_id(sandbox)
    if not sid:
        return None
    inodes = {}
    for node in node_dirs(sandbox):
        try:
            inodes[os.stat("/run/netns/cs-%s-%s" % (sid, node)).st_ino] = node
        except OSError:
            pass
    alive = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % pid) as f:
                st = f.read()
            if "(cluster-reshost" not in st or st.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                continue
            node = inodes.get(os.stat("/proc/%s/ns/net" % pid).st_ino)
        except OSError:
            continue
        if node:
            alive.add(node)
    return alive


def file_state(sandbox, node, statefile):
    path = os.path.join(sandbox, node, statefile.lstrip("/"))
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return "-"
    return "on" if text == "online" else "off"


def claim_start(cli, sandbox, node):
    sock = os.path.join(sandbox, node, "run/cluster-server/clusterd.sock")
    return subprocess.Popen([cli, "--socket", sock, "--timeout", "0.3", "status", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def claim_end(proc, resource):
    try:
        out, _ = proc.communicate(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return "-"
    if proc.returncode != 0:
        return "-"
    try:
        s = json.loads(out)
    except ValueError:
        return "-"
    local = s["local_node"]["name"]
    for r in s["resources"]:
        if r["name"] == resource:
            return "self" if r["state"] == "Online" and r["owner"] == local else "no"
    return "no"


def main():
    args = sys.argv[1:]
    every = 0.1
    if "--every" in args:
        i = args.index("--every")
        every = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 4:
        sys.stderr.write(__doc__ if __doc__ else "usage: observe.py SANDBOX RESOURCE STATEFILE OUT\n")
        return 2
    sandbox, resource, statefile, out_path = args
    cli = os.path.join(os.environ["CLUSTER_BUILD_DIR"], "cli/cluster")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    samples = violations = prev_claims = 0
    with open(out_path, "w", buffering=1) as out:
        while not stop:
            t = time.time()
            nodes = node_dirs(sandbox)
            alive = hosts_alive(sandbox)
            files = {n: file_state(sandbox, n, statefile) for n in nodes}
            # every node is asked at once: their answers are of one moment
            procs = {n: claim_start(cli, sandbox, n) for n in nodes}
            claims = {n: claim_end(procs[n], resource) for n in nodes}
            # the files once more, after the status round: a file that said
            # "on" both times was on across the whole sample
            files2 = {n: file_state(sandbox, n, statefile) for n in nodes}
            alive2 = hosts_alive(sandbox)
            for n in nodes:
                if alive is not None and n not in alive and n not in alive2:
                    files2[n] = "dead"
            on = [n for n in nodes if files[n] == "on" and files2[n] == "on"]
            selfs = [n for n in nodes if claims[n] == "self"]
            # a claim is a node's replicated view: during a quick move the old
            # owner's view may lag the new owner's by a few milliseconds, so
            # two nodes claiming it count only in two samples in a row (the
            # state files, the truth of what runs, count at once)
            two_claims = len(selfs) > 1 and prev_claims > 1
            prev_claims = len(selfs)
            samples += 1
            out.write("%.3f %s\n" % (t, " ".join("%s=%s/%s" % (n, files2[n], claims[n])
                                                for n in nodes)))
            if len(on) > 1 or two_claims:
                violations += 1
                out.write("VIOLATION %.3f online files: %s; claims online on itself: %s\n"
                          % (t, ",".join(on) or "-", ",".join(selfs) or "-"))
            rest = every - (time.time() - t)
            if rest > 0 and not stop:
                time.sleep(rest)
        out.write("END samples=%d violations=%d\n" % (samples, violations))
    return 0


if __name__ == "__main__":
    sys.exit(main())
