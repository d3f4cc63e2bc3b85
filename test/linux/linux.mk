# The Linux test guest (test/linux/README.md): Debian's kernels, unpacked by
# scripts/deps.sh into third_party/linux, and an initramfs built here with
# busybox, /init and the guest-exit helper. Included from the top Makefile.
#   make linux-guest   -> build/linux/initramfs.cpio (and build/linux/guest-exit)

LINUX_PKG_DIR := third_party/linux
LINUX_OUT     := $(BUILD)/linux
LINUX_INITRD  := $(LINUX_OUT)/initramfs.cpio
LINUX_EXIT    := $(LINUX_OUT)/guest-exit
# The cloud kernel's modules: virtio-net and its dependencies go into the
# initramfs (loaded only when the kernel command line has guest_net=).
LINUX_MODULES := $(firstword $(wildcard $(LINUX_PKG_DIR)/cloud/lib/modules/*/kernel))

# A static x86-64 Linux program without libc (its own _start and system calls).
LINUX_EXIT_CFLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -static -nostdlib -ffreestanding \
	-fno-stack-protector -fno-pie -no-pie -fno-asynchronous-unwind-tables \
	-Wl,--build-id=none -s

.PHONY: linux-guest
linux-guest: $(LINUX_INITRD)

$(LINUX_EXIT): test/linux/guest_exit.c test/linux/linux.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(LINUX_EXIT_CFLAGS) -o $@ $<

$(LINUX_INITRD): test/linux/init test/linux/mkinitramfs.sh $(LINUX_EXIT) $(LINUX_PKG_DIR)/busybox
	@echo "  CPIO    $@"
	$(Q)test/linux/mkinitramfs.sh $(LINUX_PKG_DIR)/busybox test/linux/init $(LINUX_EXIT) $@ \
		$(LINUX_MODULES)

$(LINUX_PKG_DIR)/busybox:
	@echo "$@ is missing: run scripts/deps.sh (it unpacks Debian's busybox-static and kernels)" >&2
	@exit 1
