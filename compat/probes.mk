# SPDX-License-Identifier: GPL-2.0
# Probes of the target kernel's headers for the APIs compat/compat.h
# supplies when missing: each found one defines NSMODS_HAVE_<NAME>.
# Read by the top Kbuild; $(srctree) is the kernel's source (for Debian's
# split header packages, the -common one).

comma := ,

# $(call nsmods_probe,NAME,header under include/,extended regex)
nsmods_probe = $(if $(shell grep -Eqs -- '$(3)' $(srctree)/include/$(2) && echo y),-DNSMODS_HAVE_$(1))

nsmods_compat_flags := \
	$(call nsmods_probe,QSTR,linux/dcache.h,define QSTR[^_]) \
	$(call nsmods_probe,INODE_TS_HELPERS,linux/fs.h,inode_set_mtime_to_ts) \
	$(call nsmods_probe,SIMPLE_INODE_INIT_TS,linux/fs.h,simple_inode_init_ts) \
	$(call nsmods_probe,MNT_IDMAP,linux/mnt_idmapping.h,nop_mnt_idmap) \
	$(call nsmods_probe,SK_NET_REFCNT_UPGRADE,net/sock.h,sk_net_refcnt_upgrade) \
	$(call nsmods_probe,FSNOTIFY_ADD_MARK_OBJ,linux/fsnotify_backend.h,^int fsnotify_add_mark.struct fsnotify_mark .mark$(comma) void .obj) \
	$(call nsmods_probe,PIDFS,uapi/linux/magic.h,PID_FS_MAGIC) \
	$(call nsmods_probe,FILE_CLOSE_FD,linux/fdtable.h,struct file .file_close_fd)

ifeq ($(wildcard $(srctree)/include/linux/unaligned.h),)
nsmods_compat_flags += -I$(nsmods_top)/compat/include
endif
