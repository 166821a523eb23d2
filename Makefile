# SPDX-License-Identifier: GPL-2.0
#
# nsmods: namespace designs as loadable modules.
#
#   make                  build the four modules against $(KDIR)
#   make modules_install  install them (INSTALL_MOD_PATH=DIR to stage) under
#                         lib/modules/<release>/updates/ and run depmod
#   make NSMODS_TESTS=1   also the test-only modules (KUnit suites,
#                         tests/modules/); installed only with it too
#   make test             every check and test (scripts/test.sh)
#   make test ONLY=MOD    one module's loop (MOD: sunrpc_ns, pipefs,
#                         mqueue_ns or nsfs; scripts/test.sh --only)
#   make run              boot the test kernel with the modules loaded (demo)
#   make shell            interactive shell in the test kernel
#   make clean

# The convention (DKMS's too): KDIR is the build tree of KERNELRELEASE,
# the running kernel unless told.  Where there is none (these machines),
# the x86_64 tree that scripts/prepare-kernel.sh builds.
ifeq ($(origin KDIR),undefined)
KERNELRELEASE ?= $(shell uname -r)
KDIR := $(wildcard /lib/modules/$(KERNELRELEASE)/build)
ifeq ($(KDIR),)
KDIR := $(shell bash -c '. $(CURDIR)/scripts/lib.sh && nsmods_x86_builddir' 2>/dev/null)
endif
endif

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

# Built again first, so that modules.order lists what this make was asked
# for (a test build before must not get its test modules installed).
# Signing: kbuild signs external modules only with the kernel's own key
# (certs/signing_key.x509 in KDIR), which a distribution's headers do not
# ship, and prints an error per module.  Here a module is signed when a key
# is configured, SIGN_KEY and SIGN_CERT (DER or PEM), by default DKMS's
# Machine Owner Key when the machine has one (Documentation/install.rst);
# else it is installed unsigned, quietly.
# depmod: kbuild runs it only when the tree has a System.map; run it here
# for the release the modules were built for, under INSTALL_MOD_PATH.
KRELEASE = $(shell $(MAKE) -s -C $(KDIR) kernelrelease)
SIGN_KEY ?= $(wildcard /var/lib/dkms/mok.key)
SIGN_CERT ?= $(wildcard /var/lib/dkms/mok.pub)
SIGN_HASH ?= sha256
nsmods_sign = $(if $(and $(SIGN_KEY),$(SIGN_CERT)),$(KDIR)/scripts/sign-file $(SIGN_HASH) $(abspath $(SIGN_KEY)) $(abspath $(SIGN_CERT)) $$@,:)
modules_install: modules
	@echo "nsmods: modules_install for $(KRELEASE): $(if $(and $(SIGN_KEY),$(SIGN_CERT)),signing with $(SIGN_KEY),unsigned (no SIGN_KEY/SIGN_CERT))"
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates \
		'cmd_sign=$(nsmods_sign)' 'quiet_cmd_sign=SIGN    $$@' 'cmd_depmod=:' $@
	depmod -b "$(or $(INSTALL_MOD_PATH),/)" -a $(KRELEASE)

test:
	scripts/test.sh $(if $(ONLY),--only $(ONLY))

run:
	scripts/vm.sh demo

shell:
	scripts/vm.sh shell

.PHONY: all modules modules_install clean test run shell
