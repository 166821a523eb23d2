#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-modules.sh KDIR [make args...]
#
# Build the module set (and the test programs under tests/) against KDIR in
# a symlink farm under the cache, so that no object file lands in this
# checkout: the checkout is also linked into the kernel tree for kunit.py,
# whose O= build must see a clean source directory.  Prints the farm.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=${1:?usage: build-modules.sh KDIR [make args...]}
shift
[ -f "$kdir/Module.symvers" ] || die "$kdir is not a prepared kernel build tree"
# One farm per kernel and per checkout, so that two checkouts never share.
farm="$NSMODS_CACHE/modbuild/$(basename "$kdir")-$(echo "$NSMODS_ROOT" | sha256sum | cut -c1-8)"
mkdir -p "$farm"

# Mirror the checkout as symlinks; keep objects, drop links to removed files.
for f in "$NSMODS_ROOT"/*; do
	cp -as --remove-destination "$f" "$farm/"
done
find "$farm" -xtype l -delete

make -s -C "$kdir" M="$farm" CC="ccache gcc" -j"$NSMODS_JOBS" NSMODS_TESTS=1 "$@" modules >&2

# Userspace programs (tests/, and the user CLI in tools/): plain C, built
# for the host's userland, which the guest shares.
for dir in tests tools; do
	mkdir -p "$farm/$dir/bin"
	for c in "$NSMODS_ROOT/$dir"/*.c; do
		[ -e "$c" ] || continue
		b="$farm/$dir/bin/$(basename "$c" .c)"
		[ "$b" -nt "$c" ] && [ "$b" -nt "$NSMODS_ROOT/include/uapi" ] && continue
		gcc -O2 -Wall -Wextra -Werror -I"$NSMODS_ROOT/include/uapi" -o "$b" "$c" -lpthread ||
			die "cannot build $c"
	done
done
echo "$farm"
