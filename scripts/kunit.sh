#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh [JSON [GLOB]]
#
# Run our KUnit suites built into a UML kernel with kunit.py.  This
# checkout is linked into the prepared tree as drivers/nsmods (never copied),
# the build directory is cached per config, and the debug fragment is added
# to kunit/.kunitconfig.  The whole kernel log stays in BUILD_DIR/test.log.
# GLOB (kunit.py's filter_glob, e.g. "nsmods_pipefs*") runs only the
# suites it matches.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

json=${1:-/dev/null}
glob=${2:-}
mkdir -p "$NSMODS_CACHE/build"
# The tree's drivers/nsmods link and the build directory serve one run at a
# time: a second run waits here.
exec 9>"$NSMODS_CACHE/build/um-kunit.lock"
flock 9
"$NSMODS_ROOT/scripts/prepare-kernel.sh" source
src=$(nsmods_srcdir)
bdir=$(nsmods_kunit_builddir)

# In-tree builds see this checkout as drivers/nsmods.
ln -sfn "$NSMODS_ROOT" "$src/drivers/nsmods"
grep -q 'drivers/nsmods/Kconfig' "$src/drivers/Kconfig" ||
	sed -i '$ i source "drivers/nsmods/Kconfig"' "$src/drivers/Kconfig"
grep -q 'nsmods/' "$src/drivers/Makefile" ||
	echo 'obj-$(CONFIG_NSMODS) += nsmods/' >>"$src/drivers/Makefile"

# kunit.py builds with O=, where VPATH would pick up objects that an
# in-place `make` left in this checkout: refuse them.
stray=$(find "$NSMODS_ROOT" -path "$NSMODS_ROOT/.git" -prune -o \
	\( -name '*.o' -o -name '*.ko' \) -print | head -n1)
[ -z "$stray" ] || die "build objects in the checkout ($stray): run 'make clean'"

mkdir -p "$bdir"
# Another checkout may have been linked in last: make never rebuilds an
# object whose source is older than it, so ours are always rebuilt (ccache
# makes that cheap) and never taken from the other checkout's build.
rm -rf "$bdir/drivers/nsmods"
cd "$src"
python3 tools/testing/kunit/kunit.py run --arch=um --build_dir="$bdir" \
	--kunitconfig="$NSMODS_ROOT/kunit/.kunitconfig" \
	--kunitconfig="$NSMODS_ROOT/scripts/config/um-debug.config" \
	--make_options="CC=ccache gcc" --jobs="$NSMODS_JOBS" \
	--timeout=600 --json="$json" ${glob:+"$glob"}
