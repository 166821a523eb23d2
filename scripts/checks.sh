#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checks.sh KDIR FARM [MOD]
#
# Static checks of the module set, each printed as "ok check-NAME" or
# "not ok check-NAME" followed by what it found:
#   w1          W=1 build, warnings are errors
#   sparse      C=2 (every file), any sparse message fails
#   checkpatch  checkpatch.pl --strict --no-tree on every .c and .h
#   coccicheck  make coccicheck MODE=report on the module directory
#   kernel-doc  kernel-doc -Wall clean, and every exported symbol documented
#   spdx        every tracked file but Markdown starts with an SPDX line
#   build-6.1   the modules build against Debian 12's 6.1 headers (and
#               nsmods_pipefs picks nsmods_rpc_pipefs there: CONFIG_SUNRPC=m)
#   install     make modules_install against Debian's 6.12 headers, staged:
#               the four modules only, signed with a configured key, depmod
#   no-posix-mqueue  a kernel without CONFIG_POSIX_MQUEUE gets no
#               nsmods_mqueue_ns, and the build says why
#   pr_fmt      no file defines pr_fmt (Kbuild does), and every message
#               format in a built module starts with the module's name
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: checks.sh KDIR FARM [MOD]}
farm=${2:?usage: checks.sh KDIR FARM [MOD]}
# MOD (the one-module loop): the per-file checks look at MOD's files only,
# its directory and the files and directories named after it (KUnit suite,
# headers, test programs such as tests/MOD_test/).
only=${3:-}
src=$(nsmods_srcdir)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$NSMODS_ROOT"
ours() {
	if [ -n "$only" ]; then
		grep -e "^$only/" -e "$only[^/]*$" -e "/$only[^/]*/"
	else
		cat
	fi
}
mapfile -t csrc < <(git ls-files '*.c' '*.h' | ours)
# Kernel code: the modules, the KUnit suites and the test-only modules.
mapfile -t kfiles < <(git ls-files '*.c' '*.h' | grep -v -e '^tests/[^/]*$' -e '^tools/' | ours)

kmake() {
	make -C "$kdir" M="$farm" CC="ccache gcc" -j"$NSMODS_JOBS" NSMODS_TESTS=1 "$@"
}

# A copy of the tracked files for the builds against other kernels or
# configurations, at a fixed place under the cache with the files' times
# kept, so that a second run rebuilds only what changed (a fresh directory
# each time would miss ccache: the paths are in every command line).
tree_copy() {
	local copy=$NSMODS_CACHE/checks/$1-$(echo "$NSMODS_ROOT" | sha256sum | cut -c1-8)
	mkdir -p "$copy" &&
		git ls-files -z | xargs -0 cp -p --parents -t "$copy" &&
		echo "$copy"
}

run_check() {
	local name=$1; shift
	if "$@" >"$tmp/$name.log" 2>&1; then
		echo "ok check-$name"
	else
		echo "not ok check-$name"
		sed 's/^/    /' "$tmp/$name.log" | head -n 60
	fi
}

check_w1() {
	kmake clean >/dev/null &&
	kmake W=1 KCFLAGS=-Werror modules
}

check_sparse() {
	kmake C=2 CHECK=sparse modules 2>&1 | grep -E '(warning|error):' && return 1
	return 0
}

check_checkpatch() {
	local f bad=0
	for f in "${csrc[@]}"; do
		"$src/scripts/checkpatch.pl" --strict --no-tree --terse --show-types \
			--no-summary -f "$f" || bad=1
	done
	return $bad
}

check_coccicheck() {
	kmake coccicheck MODE=report J="$NSMODS_JOBS" >"$tmp/cocci.out" 2>&1 ||
		{ cat "$tmp/cocci.out"; return 1; }
	grep -E '\.[ch]:[0-9]+' "$tmp/cocci.out" && return 1
	return 0
}

check_kernel_doc() {
	local f sym bad=0
	"$src/scripts/kernel-doc" -none -Wall "${kfiles[@]}" 2>&1 | grep . && bad=1
	for f in "${kfiles[@]}"; do
		for sym in $(sed -n 's/^EXPORT_SYMBOL[A-Z_]*(\([a-z0-9_]*\).*/\1/p' "$f"); do
			grep -q "^ \* $sym() - " "${kfiles[@]}" ||
				{ echo "$f: $sym exported without kernel-doc"; bad=1; }
		done
	done
	return $bad
}

check_spdx() {
	local f bad=0
	for f in $(git ls-files); do
		case "$f" in *.md | .gitignore) continue ;; esac
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' ||
			{ echo "$f: no SPDX line"; bad=1; }
	done
	return $bad
}

# pr_fmt comes from Kbuild alone.  What is checked is the result: in every
# module the farm built (KUnit modules aside: KUnit's own macros print
# without it), each printk format with a log level (KERN_SOH) must go on
# with the module's name and ": ", pr_cont's KERN_CONT aside.
check_pr_fmt() {
	local bad=0 ko
	git grep -n '^#define pr_fmt' -- '*.c' '*.h' && bad=1
	for ko in $(find "$farm" -name '*.ko' ! -name '*_kunit.ko'); do
		python3 - "$ko" <<-'PY' || bad=1
		import re, struct, sys
		path = sys.argv[1]
		name = re.sub(r"\.ko$", "", path.rsplit("/", 1)[1]).replace("-", "_")
		data = open(path, "rb").read()
		# The read-only data (ELF64 sections .rodata*): a printk format
		# there is a whole printable string after a NUL, KERN_SOH first.
		shoff, = struct.unpack_from("<Q", data, 0x28)
		shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
		def sect(i):
		    return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
		names = sect(shstrndx)[4]
		bad = 0
		for i in range(shnum):
		    nm, _, _, _, off, size = sect(i)
		    nm = data[names + nm:data.index(b"\0", names + nm)]
		    if not nm.startswith(b".rodata"):
		        continue
		    for m in re.finditer(rb"(?:(?<=\x00)|^)\x01([0-7])([\t\n\x20-\x7e]+)\x00",
		                         data[off:off + size]):
		        if not m.group(2).startswith(name.encode() + b": "):
		            print(f"{path}: logs without '{name}: ': {m.group(2)[:60]!r}")
		            bad = 1
		sys.exit(bad)
		PY
	done
	return $bad
}

# Debian 12's default kernel (6.1): the tree must build against its headers
# (linux-headers-amd64), in a copy, warnings as errors; nsmods_mqueue_ns is
# not built there (Documentation/install.rst), the other three are.
check_build_6_1() {
	local kd copy ko
	kd=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$kd" ] || { echo "no linux-headers-6.1.*-amd64 installed"; return 1; }
	copy=$(tree_copy build-6.1) &&
	make -C "$kd" M="$copy" CC="ccache gcc" -j"$NSMODS_JOBS" \
		KCFLAGS=-Werror modules || return 1
	ko=$(cd "$copy" && find . -name '*.ko' -printf '%f\n' | sort | tr '\n' ' ')
	echo "built against $kd: $ko"
	[ "$ko" = "nsmods_nsfs.ko nsmods_pipefs.ko nsmods_sunrpc_ns.ko " ] || return 1
	# That kernel has its own sunrpc (CONFIG_SUNRPC=m): the filesystem's
	# default name must not be rpc_pipefs (Documentation/pipefs.rst).
	grep -qx 'CONFIG_SUNRPC=[ym]' "$kd/.config" || { echo "no CONFIG_SUNRPC in $kd"; return 1; }
	modinfo -F parm "$copy/pipefs/nsmods_pipefs.ko" |
		grep -q '^fsname:.*(default nsmods_rpc_pipefs)' || {
		echo "nsmods_pipefs built for a kernel with sunrpc does not default to nsmods_rpc_pipefs"
		return 1
	}
}

# `make modules_install` as a user runs it (issue 14), against Debian's
# stock 6.12 headers, staged with INSTALL_MOD_PATH, in a copy: exactly the
# four production modules, each signed with the key given (a throwaway
# one), and depmod's index lists them.
check_install() {
	local rel copy stage ko f
	rel=$(nsmods_stock_release)
	[ -n "$rel" ] || { echo "linux-image-6.12-amd64 not installed"; return 1; }
	copy=$(tree_copy install) || return 1
	stage=$tmp/stage
	openssl req -new -nodes -utf8 -sha256 -days 1 -batch -x509 \
		-subj "/CN=nsmods check key/" -outform DER -out "$tmp/key.der" \
		-keyout "$tmp/key.pem" >/dev/null 2>&1 || { echo "openssl failed"; return 1; }
	make -C "$copy" KERNELRELEASE="$rel" CC="ccache gcc" -j"$NSMODS_JOBS" \
		INSTALL_MOD_PATH="$stage" SIGN_KEY="$tmp/key.pem" \
		SIGN_CERT="$tmp/key.der" modules_install 2>&1 | grep -v -e '^depmod: WARNING' ||
		return 1
	ko=$(cd "$stage" && find . -name '*.ko*' -printf '%f\n' | sort | tr '\n' ' ')
	echo "installed: $ko"
	[ "$ko" = "nsmods_mqueue_ns.ko.xz nsmods_nsfs.ko.xz nsmods_pipefs.ko.xz nsmods_sunrpc_ns.ko.xz " ] ||
		return 1
	for f in $(find "$stage" -name '*.ko.xz'); do
		xz -dc "$f" >"$tmp/m.ko"
		[ "$(modinfo -F signer "$tmp/m.ko")" = "nsmods check key" ] ||
			{ echo "$f: not signed with the key given"; return 1; }
	done
	grep -q 'updates/sunrpc_ns/nsmods_sunrpc_ns.ko.xz: .*nsmods_pipefs.ko.xz' \
		"$stage/lib/modules/$rel/modules.dep" ||
		{ echo "modules.dep lacks them"; return 1; }
}

# A kernel without POSIX message queues: mqueue_ns would find no mqueue
# mount to watch (issue 12).  The configuration is the test kernel's with
# CONFIG_POSIX_MQUEUE taken away on make's command line, which overrides
# what Kbuild reads from include/config/auto.conf.
check_no_posix_mqueue() {
	local copy ko
	copy=$(tree_copy no-posix-mqueue) &&
	make -C "$kdir" M="$copy" CC="ccache gcc" -j"$NSMODS_JOBS" \
		CONFIG_POSIX_MQUEUE= modules >"$tmp/npm.out" 2>&1 ||
		{ cat "$tmp/npm.out"; return 1; }
	grep 'nsmods_mqueue_ns is not built: it needs CONFIG_POSIX_MQUEUE' "$tmp/npm.out" ||
		{ echo "no warning that nsmods_mqueue_ns is not built"; return 1; }
	ko=$(cd "$copy" && find . -name '*.ko' -printf '%f\n' | sort | tr '\n' ' ')
	echo "built without CONFIG_POSIX_MQUEUE: $ko"
	[ "$ko" = "nsmods_nsfs.ko nsmods_pipefs.ko nsmods_sunrpc_ns.ko " ]
}

run_check w1 check_w1
run_check sparse check_sparse
run_check checkpatch check_checkpatch
run_check coccicheck check_coccicheck
run_check kernel-doc check_kernel_doc
run_check spdx check_spdx
run_check pr_fmt check_pr_fmt
run_check build-6.1 check_build_6_1
run_check install check_install
run_check no-posix-mqueue check_no_posix_mqueue
