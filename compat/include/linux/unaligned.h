/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Before 6.12 the unaligned accessors live in <asm/unaligned.h>; this
 * directory is on the include path only when the kernel lacks
 * <linux/unaligned.h> (compat/probes.mk).
 */
#ifndef _NSMODS_COMPAT_LINUX_UNALIGNED_H
#define _NSMODS_COMPAT_LINUX_UNALIGNED_H
#include <asm/unaligned.h>
#endif
