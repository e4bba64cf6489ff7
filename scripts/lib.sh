# shellcheck shell=bash
# scripts/lib.sh - what scripts/test-all and scripts/demo share: the Debian
# packages the project needs, and how a build directory is configured.
# Sourced, not run.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

# Every Debian 12 package that building, testing and demonstrating Cluster
# Server needs.  Later work adds to this one list.
CS_APT_PACKAGES="
	build-essential meson ninja-build pkg-config python3
	clang libclang-rt-14-dev
	libcmocka-dev valgrind
	corosync libcorosync-common-dev libcpg-dev libvotequorum-dev libquorum-dev libcmap-dev
	libqb-dev libsqlite3-dev libblkid-dev libmount-dev nettle-dev zlib1g-dev
	iproute2 util-linux procps git
	sanlock libsanlock-dev fdisk e2fsprogs
"

# Install CS_APT_PACKAGES (as root), unless CS_SKIP_APT=1.
cs_install_packages() {
	if [ "${CS_SKIP_APT:-0}" = 1 ]; then
		echo "CS_SKIP_APT=1: not installing packages"
		return 0
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "installing packages needs root (or set CS_SKIP_APT=1 if they are installed)" >&2
		return 1
	fi
	local try
	export DEBIAN_FRONTEND=noninteractive
	for try in 1 2 3; do
		# shellcheck disable=SC2086 # the list is split on purpose
		if apt-get update -q && apt-get install -y -q --no-install-recommends $CS_APT_PACKAGES; then
			return 0
		fi
		echo "apt-get failed (try $try of 3)" >&2
		sleep $((try * 5))
	done
	return 1
}

# cs_setup DIR CC [meson options...]: configure DIR with compiler CC, or
# reconfigure it with these options if it exists; start afresh if it cannot
# be reconfigured (made by another compiler or another meson).
cs_setup() {
	local dir=$1 cc=$2
	shift 2
	local made_by
	# shellcheck disable=SC2016 # $ARGS and $in are ninja's, literally
	made_by=$(sed -n 's/^ command = \([^ ]*\) $ARGS -MD .* -c $in$/\1/p' "$dir/build.ninja" 2>/dev/null |
		  head -n 1)
	if [ -f "$dir/meson-private/coredata.dat" ] && [ "$made_by" = "$cc" ]; then
		if meson setup --reconfigure "$dir" "$@"; then
			return 0
		fi
	fi
	rm -rf "$dir"
	CC=$cc meson setup "$dir" "$@"
}
