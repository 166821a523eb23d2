# SPDX-License-Identifier: GPL-2.0
#
# nsmods: namespace designs as loadable modules.
#
#   make                  build the modules against $(KDIR)
#   make modules_install  install them into $(KDIR)'s module tree (INSTALL_MOD_PATH)
#   make test             every check and test (scripts/test.sh)
#   make run              boot the test kernel with the modules loaded (demo)
#   make shell            interactive shell in the test kernel
#   make clean

# The convention: the running kernel's build tree.  Where there is none
# (these machines), the x86_64 tree that scripts/prepare-kernel.sh builds.
ifeq ($(origin KDIR),undefined)
KDIR := $(wildcard /lib/modules/$(shell uname -r)/build)
ifeq ($(KDIR),)
KDIR := $(shell bash -c '. $(CURDIR)/scripts/lib.sh && nsmods_x86_builddir' 2>/dev/null)
endif
endif

all: modules

modules modules_install clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

test:
	scripts/test.sh

run:
	scripts/vm.sh demo

shell:
	scripts/vm.sh shell

.PHONY: all modules modules_install clean test run shell
