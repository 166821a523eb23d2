#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checks.sh KDIR FARM
#
# Static checks of the module set, each printed as "ok check-NAME" or
# "not ok check-NAME" followed by what it found:
#   w1          W=1 build, warnings are errors
#   sparse      C=2 (every file), any sparse message fails
#   checkpatch  checkpatch.pl --strict --no-tree on every .c and .h
#   coccicheck  make coccicheck MODE=report on the module directory
#   kernel-doc  kernel-doc -Wall clean, and every exported symbol documented
#   spdx        every tracked file but Markdown starts with an SPDX line
#   pr_fmt      every module source defines pr_fmt with KBUILD_MODNAME
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: checks.sh KDIR FARM}
farm=${2:?usage: checks.sh KDIR FARM}
src=$(nsmods_srcdir)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$NSMODS_ROOT"
mapfile -t csrc < <(git ls-files '*.c' '*.h')
mapfile -t kfiles < <(git ls-files '*.c' '*.h' | grep -v -e '^tests/' -e '^tools/')

kmake() {
	make -C "$kdir" M="$farm" CC="ccache gcc" -j"$NSMODS_JOBS" "$@"
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

check_pr_fmt() {
	local f bad=0
	for f in "${kfiles[@]}"; do
		case "$f" in *.c) ;; *) continue ;; esac
		grep -q '^#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt' "$f" ||
			{ echo "$f: no pr_fmt with KBUILD_MODNAME"; bad=1; }
	done
	return $bad
}

run_check w1 check_w1
run_check sparse check_sparse
run_check checkpatch check_checkpatch
run_check coccicheck check_coccicheck
run_check kernel-doc check_kernel_doc
run_check spdx check_spdx
run_check pr_fmt check_pr_fmt
