#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh [JSON]
#
# Run our KUnit suites built into a UML kernel with kunit.py.  This
# checkout is linked into the prepared tree as drivers/nsmods (never copied),
# the build directory is cached per config, and the debug fragment is added
# to kunit/.kunitconfig.  The whole kernel log stays in BUILD_DIR/test.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

json=${1:-/dev/null}
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
# The build directory is shared by checkouts (it is keyed by config only),
# and make trusts mtimes: objects another checkout built after this one's
# sources last changed would be taken as up to date.  When the checkout
# changes, drop our objects (ccache makes their rebuild cheap).
if [ "$(cat "$bdir/.nsmods-checkout" 2>/dev/null)" != "$NSMODS_ROOT" ]; then
	rm -rf "$bdir/drivers/nsmods"
	echo "$NSMODS_ROOT" >"$bdir/.nsmods-checkout"
fi
cd "$src"
python3 tools/testing/kunit/kunit.py run --arch=um --build_dir="$bdir" \
	--kunitconfig="$NSMODS_ROOT/kunit/.kunitconfig" \
	--kunitconfig="$NSMODS_ROOT/scripts/config/um-debug.config" \
	--make_options="CC=ccache gcc" --jobs="$NSMODS_JOBS" \
	--timeout=600 --json="$json"
