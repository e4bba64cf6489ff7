#!/usr/bin/env bash
# tests/install/test_install.sh - install libclusapi as a packager would and
# use it as a client would.
#
# Configures a scratch build with --prefix=/opt/cluster-server --libdir=lib,
# runs `meson install --destdir`, and checks that
#   - the library, its SONAME link and dev link, the public headers and the
#     pkg-config file are where they belong, and nothing lands outside the prefix;
#   - the library's SONAME is libclusapi.so.0 and it exports only cluster_*
#     and clusprop_* symbols, each with a CLUSAPI_x.y version (lib/libclusapi.map,
#     doc/ABI.md), cluster_library_version among them at CLUSAPI_0.1;
#   - examples/disk_info.c compiles out of tree with only
#     `pkg-config --cflags --libs libclusapi` against the destdir, and runs
#     against the installed library.
# Prints "ok: ..." lines; exits non-zero at the first failed check.
# Everything is made in a temporary directory, removed at exit.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cs-install.XXXXXX")
trap 'rm -rf "$work"' EXIT

prefix=/opt/cluster-server
dest=$work/destdir
inst=$dest$prefix
cc=${CC:-cc}

die() {
	echo "FAILED: $*" >&2
	exit 1
}
ok() {
	echo "ok: $*"
}

meson setup "$work/build" "$root" --prefix="$prefix" --libdir=lib \
	-Db_sanitize=none -Dfuzz=false >"$work/setup.log" 2>&1 ||
	{ cat "$work/setup.log"; die "meson setup"; }
meson install -C "$work/build" --destdir "$dest" >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log"; die "meson install --destdir"; }
ok "meson install --destdir $dest (prefix $prefix)"

# ---- files ----
# libclusapi.so.0 -> libclusapi.so.0.MINOR.PATCH (the file), as ldconfig expects.
real=$(readlink "$inst/lib/libclusapi.so.0" || true)
[[ $real =~ ^libclusapi\.so\.0\.[0-9]+\.[0-9]+$ ]] ||
	die "lib/libclusapi.so.0 is not a link to libclusapi.so.0.MINOR.PATCH (it is '$real')"
lib=$inst/lib/$real
if [ ! -f "$lib" ] || [ -L "$lib" ]; then
	die "no lib/$real"
fi
[ -L "$inst/lib/libclusapi.so" ] || die "no lib/libclusapi.so development link"
for h in clusapi.h clusctl.h clusprop.h errors.h proplist.h; do
	[ -f "$inst/include/clusapi/$h" ] || die "no include/clusapi/$h"
done
[ -f "$inst/lib/pkgconfig/libclusapi.pc" ] || die "no lib/pkgconfig/libclusapi.pc"
ok "library, headers and pkg-config file installed under $prefix"

outside=$(find "$dest" \( -type f -o -type l \) ! -path "$inst/*")
[ -z "$outside" ] || die "installed outside the prefix: $outside"
if grep -q "$work" "$inst/lib/pkgconfig/libclusapi.pc"; then
	die "libclusapi.pc names the build or staging directory"
fi
ok "nothing installed outside the prefix; libclusapi.pc is relocatable by sysroot"

# ---- ABI: SONAME and exported symbols ----
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libclusapi.so.0 ] || die "SONAME is '$soname', not libclusapi.so.0"
# Defined dynamic symbols, as NAME@@VERSION (the version nodes, absolute
# symbols named after themselves, aside).
exports=$(readelf --dyn-syms -W "$lib" |
	  awk '$7 != "UND" && $7 != "ABS" && ($5 == "GLOBAL" || $5 == "WEAK") { print $8 }')
[ -n "$exports" ] || die "the library exports nothing"
bad=$(echo "$exports" | grep -E -v '^(cluster|clusprop)_[A-Za-z0-9_]*@@CLUSAPI_[0-9]+\.[0-9]+$' || true)
[ -z "$bad" ] || die "exported outside the symbol map or unversioned: ${bad//$'\n'/ }"
echo "$exports" | grep -q '^cluster_library_version@@CLUSAPI_0.1$' ||
	die "cluster_library_version is not exported"
ok "SONAME libclusapi.so.0; $(echo "$exports" | wc -l) symbols, all cluster_*/clusprop_* with a CLUSAPI_x.y version"

# ---- a client built out of tree with pkg-config alone ----
export PKG_CONFIG_PATH=$inst/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$dest
flags=$(pkg-config --cflags --libs libclusapi) || die "pkg-config --cflags --libs libclusapi"
version=$(meson introspect --projectinfo "$work/build" |
	  /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
[ "$(pkg-config --modversion libclusapi)" = "$version" ] ||
	die "pkg-config --modversion is not the project's version $version"
mkdir "$work/client"
cp "$root/examples/disk_info.c" "$work/client/"
# shellcheck disable=SC2086 # pkg-config output is a list of flags
(cd "$work/client" && "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -o disk_info disk_info.c $flags) ||
	die "compiling examples/disk_info.c with: $cc $flags"
ok "examples/disk_info.c built out of tree with: $cc $flags"

readelf -d "$work/client/disk_info" | grep -q 'NEEDED.*\[libclusapi\.so\.0\]' ||
	die "the client does not link libclusapi.so.0"
resolved=$(LD_LIBRARY_PATH=$inst/lib ldd "$work/client/disk_info" | sed -n 's/.*libclusapi\.so\.0 => \([^ ]*\).*/\1/p')
[ "$resolved" = "$inst/lib/libclusapi.so.0" ] || die "the client loads libclusapi from '$resolved'"
LD_LIBRARY_PATH=$inst/lib "$work/client/disk_info" >"$work/client/out.txt" ||
	{ cat "$work/client/out.txt"; die "the out-of-tree client failed"; }
grep -q 'PARTITION_INFO *\/dev\/sdb1' "$work/client/out.txt" || die "unexpected output from the client"
ok "the client runs against the installed library"
