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
# for the host's userland, which the guest shares.  A program is one file,
# DIR/NAME.c, or a directory, DIR/NAME/ with a main.c, of which every .c
# is linked in; the test programs also get the library tests/lib/.  One
# is built again when a source or header it uses is newer than it.
for dir in tests tools; do
	mkdir -p "$farm/$dir/bin"
	libdir=() libsrc=()
	if [ "$dir" = tests ]; then
		libdir=("$NSMODS_ROOT/tests/lib")
		libsrc=("$NSMODS_ROOT/tests/lib"/*.c)
	fi
	for p in "$NSMODS_ROOT/$dir"/*.c "$NSMODS_ROOT/$dir"/*/main.c; do
		[ -e "$p" ] || continue
		[ "${p##*/}" = main.c ] && p=${p%/main.c}
		b="$farm/$dir/bin/$(basename "$p" .c)"
		[ -e "$b" ] && [ -z "$(find "$p" "${libdir[@]}" "$NSMODS_ROOT/include/uapi" \
			\( -type d -o -name '*.[ch]' \) -newer "$b" -print -quit)" ] && continue
		if [ -d "$p" ]; then srcs=("$p"/*.c); else srcs=("$p"); fi
		gcc -O2 -Wall -Wextra -Werror -I"$NSMODS_ROOT/include/uapi" "${libdir[@]/#/-I}" \
			-o "$b" "${srcs[@]}" "${libsrc[@]}" -lpthread || die "cannot build $b"
	done
done
echo "$farm"
