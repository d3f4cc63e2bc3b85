# Test guests: 32-bit Multiboot v1 kernels, one per test/guests/*.c, linked
# with the runtime in test/guests/lib/ into build/guests/<name>.elf.
# Included from the top Makefile; also usable alone:
#   make -f test/guests/guests.mk guests

BUILD ?= build
GUEST_CC ?= gcc
GUEST_LD ?= ld
GUEST_Q := $(if $(V),,@)

GUEST_SRC_DIR := test/guests
GUEST_OUT := $(BUILD)/guests
GUEST_LIB_SRCS := $(wildcard $(GUEST_SRC_DIR)/lib/*.c $(GUEST_SRC_DIR)/lib/*.S)
GUEST_LIB_OBJS := $(patsubst $(GUEST_SRC_DIR)/%,$(GUEST_OUT)/obj/%.o,$(GUEST_LIB_SRCS))
GUEST_NAMES := $(basename $(notdir $(wildcard $(GUEST_SRC_DIR)/*.c)))
GUEST_ELFS := $(patsubst %,$(GUEST_OUT)/%.elf,$(GUEST_NAMES))
GUEST_LDSCRIPT := $(GUEST_SRC_DIR)/lib/guest.ld

GUEST_CFLAGS := -m32 -march=i686 -std=gnu11 -ffreestanding -fno-pic -fno-pie \
	-fno-stack-protector -mno-sse -mno-mmx -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-nostdinc -isystem $(shell $(GUEST_CC) -print-file-name=include) \
	-O2 -Wall -Wextra -Werror -Wa,--noexecstack -I$(GUEST_SRC_DIR)/lib -MMD -MP
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 \
	--no-warn-rwx-segments -T $(GUEST_LDSCRIPT)

.PHONY: guests
guests: $(GUEST_ELFS)

$(GUEST_OUT)/obj/%.c.o: $(GUEST_SRC_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC32    $<"
	$(GUEST_Q)$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/obj/%.S.o: $(GUEST_SRC_DIR)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS32    $<"
	$(GUEST_Q)$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# No libgcc: a 64-bit division would fail to link here, on purpose.
$(GUEST_OUT)/%.elf: $(GUEST_OUT)/obj/%.c.o $(GUEST_LIB_OBJS) $(GUEST_LDSCRIPT)
	@echo "  LD32    $@"
	$(GUEST_Q)$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_LIB_OBJS)
	$(GUEST_Q)if command -v grub-file >/dev/null; then \
		grub-file --is-x86-multiboot $@ || { echo "$@ is not Multiboot"; rm -f $@; exit 1; }; fi

$(GUEST_LIB_OBJS) $(GUEST_ELFS:$(GUEST_OUT)/%.elf=$(GUEST_OUT)/obj/%.c.o): $(GUEST_SRC_DIR)/guests.mk

-include $(GUEST_LIB_OBJS:.o=.d) $(GUEST_ELFS:$(GUEST_OUT)/%.elf=$(GUEST_OUT)/obj/%.c.d)
