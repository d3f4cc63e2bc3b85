# Understudy: one flat Makefile. `make` builds the hypervisor image and ISO,
# `make run` boots a demo, `make test` runs every test (see README.md).

# `make EXIT_PROFILE=1` builds the hypervisor with the exit-path profile
# (arch/x86/exit_profile.h, docs/exit-path.md) into build/exit_profile/, so
# its objects never mix with the normal build's.
BUILD      := $(if $(EXIT_PROFILE),build/exit_profile,build)
CC         := gcc
LD         := ld
HOST_CC    := gcc
Q          := $(if $(V),,@)
GIT_REV    := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# --- the hypervisor (freestanding, x86-64) ---------------------------------
KERNEL_SRCS := $(wildcard boot/*.c boot/*.S arch/x86/*.c arch/x86/*.S arch/x86/*/*.c arch/x86/*/*.S \
                 hv/*.c hv/*/*.c drivers/*/*.c lib/*.c proto/*.c)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))
ALL_HDRS    := $(wildcard include/*.h boot/*.h arch/x86/*.h arch/x86/*/*.h hv/*.h hv/*/*.h \
                 drivers/*/*.h net/*.h net/*/*.h proto/*.h test/unit/*.h)
# The formats shared with the host tools (proto/): the wire-field codec and
# the record/replay log on it, the log stream protocol.
RRLOG_SRCS  := proto/wire.c proto/wire_prim.c proto/rrlog_types.c proto/rrlog_pages.c \
	proto/rrlog_header.c proto/rrlog_writer.c proto/rrlog_reader.c
PROTO_HDRS  := proto/wire.h proto/rrlog.h include/hash.h include/types.h include/errno.h \
	include/endian.h
# The snapshot format and the page codec (on LZ4).
SNAP_SRCS   := proto/snapshot_types.c proto/snapshot_writer.c proto/snapshot_reader.c \
	proto/page_codec.c
SNAP_HDRS   := proto/snapshot.h proto/page_codec.h

KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Wa,--noexecstack -I. -Iinclude -I$(BUILD)/ext -DUNDERSTUDY_GIT='"$(GIT_REV)"' -MMD -MP \
	$(if $(EXIT_PROFILE),-DUNDERSTUDY_EXIT_PROFILE)
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -T linker.ld

ELF := $(BUILD)/understudy.elf
ISO := $(BUILD)/understudy.iso
EFI_APP := $(BUILD)/understudy.efi

.PHONY: all deps run test test-long unit system clean bench
all: $(ELF) $(ISO) $(EFI_APP) $(BUILD)/tools/hvlog $(BUILD)/tools/hvcollect

$(BUILD)/kernel/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

$(KERNEL_OBJS): Makefile $(BUILD)/ext/xxhash.h

# xxHash comes from Debian's libxxhash-dev; the hypervisor is built with
# -nostdinc, so its one header is linked into a folder of its own.
XXHASH_H := $(firstword $(shell dpkg -L libxxhash-dev 2>/dev/null | grep '/xxhash\.h$$') \
                        /usr/include/xxhash.h)
$(BUILD)/ext/xxhash.h:
	@mkdir -p $(dir $@)
	@test -f $(XXHASH_H) || { echo "xxhash.h not found: run scripts/deps.sh"; exit 1; }
	$(Q)ln -sf $(XXHASH_H) $@

# --- lwIP: the hypervisor's TCP/IP stack ---------------------------------------
# lwIP 2.1 is built from Debian's source package, which scripts/deps.sh
# unpacks into third_party/lwip (git-ignored, never copied into the repo):
# its core, IPv4 (ARP, ICMP, DHCP, UDP, TCP) and Ethernet files, the list
# Filelists.mk calls COREFILES/CORE4FILES less what lwipopts.h turns off,
# and api/err.c for lwip_strerr (empty without LWIP_DEBUG).
# The port in net/ (lwipopts.h, arch/cc.h, the netif glue) is ours and keeps
# -Werror; lwIP's own files are built with the same freestanding flags but
# without -Werror (they build without warnings today; a newer compiler's
# new warning in code that is not ours should not stop the build).
# `make LWIP_DEBUG=1` (after `make clean`) turns lwIP's debug messages on.
LWIP_DIR   := third_party/lwip
LWIP_FILES := core/init core/def core/inet_chksum core/ip core/mem core/memp core/netif \
	core/pbuf core/stats core/sys core/tcp core/tcp_in core/tcp_out core/timeouts core/udp \
	core/ipv4/dhcp core/ipv4/etharp core/ipv4/icmp core/ipv4/ip4 core/ipv4/ip4_addr \
	core/ipv4/ip4_frag netif/ethernet api/err
LWIP_OBJS  := $(patsubst %,$(BUILD)/lwip/%.o,$(LWIP_FILES))
NET_SRCS   := $(wildcard net/*.c net/*/*.c) # the port and what runs on it (net/http, ...)
NET_OBJS   := $(patsubst %,$(BUILD)/kernel/%.o,$(NET_SRCS))
LWIP_DEFS  := $(if $(LWIP_DEBUG),-DUNDERSTUDY_LWIP_DEBUG)
LWIP_CFLAGS := -Inet -I$(LWIP_DIR)/src/include $(filter-out -Werror,$(KERNEL_CFLAGS)) $(LWIP_DEFS)

# Our files (everything under net/) see lwIP's headers as system headers:
# their warnings are lwIP's.
$(NET_OBJS): KERNEL_CFLAGS += -Inet -isystem $(LWIP_DIR)/src/include $(LWIP_DEFS)
$(NET_OBJS): Makefile $(BUILD)/ext/xxhash.h | $(LWIP_DIR)/src/include/lwip/init.h

$(BUILD)/lwip/%.o: $(LWIP_DIR)/src/%.c Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(LWIP_CFLAGS) -c $< -o $@

# Without the unpacked source, say how to get it.
$(patsubst %,$(LWIP_DIR)/src/%.c,$(LWIP_FILES)) $(LWIP_DIR)/src/include/lwip/init.h:
	@echo "$(LWIP_DIR) is missing: run scripts/deps.sh (it unpacks Debian's lwip source package)" >&2
	@exit 1
# --- end of lwIP ------------------------------------------------------------------

# --- LZ4: page compression (proto/page_codec.c) ---------------------------------
# LZ4's block format from Debian's lz4 source package, which scripts/deps.sh
# unpacks into third_party/lz4 (git-ignored, never copied into the repo).
# The hypervisor builds lib/lz4.c freestanding: lib/lz4_freestanding.h sets
# LZ4_FREESTANDING=1 (no heap, no C library) and maps LZ4_memcpy, memmove
# and memset to lib/string.c. The host tools, unit tests, fuzzers and the
# bench build the same file natively, each with its own flags. Like lwIP's,
# LZ4's file is built without -Werror.
LZ4_DIR    := third_party/lz4
LZ4_SRC    := $(LZ4_DIR)/lib/lz4.c
LZ4_OBJ    := $(BUILD)/lz4/lz4.o
LZ4_CFLAGS := $(filter-out -Werror,$(KERNEL_CFLAGS)) -include lib/lz4_freestanding.h

$(LZ4_OBJ): $(LZ4_SRC) lib/lz4_freestanding.h Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(LZ4_CFLAGS) -c $< -o $@

# Our users of LZ4 see its header as a system header, from a folder of its
# own (LZ4's lib/ has an xxhash.h of its own, older than Debian's).
LZ4_INC := $(BUILD)/lz4/include
$(LZ4_INC)/lz4.h: $(LZ4_DIR)/lib/lz4.h
	@mkdir -p $(dir $@)
	$(Q)ln -sf $(abspath $<) $@
$(BUILD)/kernel/proto/page_codec.c.o: KERNEL_CFLAGS += -isystem $(LZ4_INC)
$(BUILD)/kernel/proto/page_codec.c.o: $(LZ4_INC)/lz4.h

# Without the unpacked source, say how to get it.
$(LZ4_SRC) $(LZ4_DIR)/lib/lz4.h:
	@echo "$(LZ4_DIR) is missing: run scripts/deps.sh (it unpacks Debian's lz4 source package)" >&2
	@exit 1
# --- end of LZ4 -------------------------------------------------------------------

# --- mbedTLS: the FT link's TLS (net/tls/) ----------------------------------------
# mbedTLS 2.28 from Debian's mbedtls source package, which scripts/deps.sh
# unpacks into third_party/mbedtls (git-ignored, never copied into the repo).
# Our configuration, net/tls/mbedtls_config.h (MBEDTLS_CONFIG_FILE), keeps
# TLS 1.2 with one PSK cipher suite and no operating system; these are the
# library files it needs. They are built with the hypervisor's freestanding
# flags (no SIMD: -mgeneral-regs-only, hence no AES-NI) without -Werror,
# like lwIP's; the unit tests link the same files built natively
# ($(BUILD)/unit/libmbedtls.a, "// uses: mbedtls").
MBEDTLS_DIR    := third_party/mbedtls
MBEDTLS_FILES  := aes gcm cipher cipher_wrap md sha256 ctr_drbg entropy platform platform_util \
	memory_buffer_alloc constant_time ssl_tls ssl_msg ssl_cli ssl_srv ssl_ciphersuites
MBEDTLS_SRCS   := $(patsubst %,$(MBEDTLS_DIR)/library/%.c,$(MBEDTLS_FILES))
MBEDTLS_OBJS   := $(patsubst %,$(BUILD)/mbedtls/%.o,$(MBEDTLS_FILES))
MBEDTLS_DEFS   := -DMBEDTLS_CONFIG_FILE='"net/tls/mbedtls_config.h"'
MBEDTLS_CFLAGS := $(filter-out -Werror,$(KERNEL_CFLAGS)) -I$(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)

$(BUILD)/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c net/tls/mbedtls_config.h Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(MBEDTLS_CFLAGS) -c $< -o $@

# Our files see mbedTLS's headers as system headers, like lwIP's.
$(NET_OBJS): KERNEL_CFLAGS += -isystem $(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
$(NET_OBJS): | $(MBEDTLS_DIR)/include/mbedtls/ssl.h
# hv/ft_witness.c holds a stream link (net/stream_link.h, whose TLS half
# has mbedTLS's context in it).
$(BUILD)/kernel/hv/ft_witness.c.o: KERNEL_CFLAGS += -isystem $(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
$(BUILD)/kernel/hv/ft_witness.c.o: | $(MBEDTLS_DIR)/include/mbedtls/ssl.h
# The migration's source and destination too (the stream inside TLS with ft_key=).
STREAM_LINK_HV_OBJS := $(addprefix $(BUILD)/kernel/hv/,migrate_source.c.o migrate_dest.c.o \
	migrate_link.c.o)
$(STREAM_LINK_HV_OBJS): KERNEL_CFLAGS += -isystem $(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
$(STREAM_LINK_HV_OBJS): | $(MBEDTLS_DIR)/include/mbedtls/ssl.h

# Without the unpacked source, say how to get it.
$(MBEDTLS_SRCS) $(MBEDTLS_DIR)/include/mbedtls/ssl.h:
	@echo "$(MBEDTLS_DIR) is missing: run scripts/deps.sh (it unpacks Debian's mbedtls source package)" >&2
	@exit 1
# --- end of mbedTLS -----------------------------------------------------------------

ELF_OBJS := $(KERNEL_OBJS) $(NET_OBJS) $(LWIP_OBJS) $(LZ4_OBJ) $(MBEDTLS_OBJS)

$(ELF): $(ELF_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(ELF_OBJS)
	$(Q)grub-file --is-x86-multiboot2 $@ || { echo "$@ is not Multiboot2"; rm -f $@; exit 1; }

$(ISO): $(ELF) scripts/mkiso.sh
	@echo "  ISO     $@"
	$(Q)scripts/mkiso.sh --elf $(ELF) --out $@

# --- understudy.efi: the direct UEFI loader (GNU-EFI) ------------------------
# boot/efi/ is built against Debian's gnu-efi (scripts/deps.sh installs it):
# its headers, crt0, linker script and libefi/libgnuefi make a
# position-independent ELF shared object, which objcopy turns into a PE32+
# EFI application (docs/boot.md). Firmware calls go through
# uefi_call_wrapper (-DEFI_FUNCTION_WRAPPER); our own code keeps the SysV ABI.
GNUEFI_FILES := $(shell dpkg -L gnu-efi 2>/dev/null)
EFI_INC    := $(firstword $(filter %/include/efi,$(GNUEFI_FILES)) /usr/include/efi)
EFI_CRT0   := $(firstword $(filter %/crt0-efi-x86_64.o,$(GNUEFI_FILES)) /usr/lib/crt0-efi-x86_64.o)
EFI_LDS    := $(firstword $(filter %/elf_x86_64_efi.lds,$(GNUEFI_FILES)) /usr/lib/elf_x86_64_efi.lds)
EFI_INCS   := -isystem $(EFI_INC) -isystem $(EFI_INC)/x86_64
EFI_SRCS   := $(wildcard boot/efi/*.c boot/efi/*.S) lib/string.c
EFI_OBJS   := $(patsubst %,$(BUILD)/efi/%.o,$(EFI_SRCS))
EFI_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fpic -fno-stack-protector -fshort-wchar -mno-red-zone \
	-maccumulate-outgoing-args -mgeneral-regs-only -fno-strict-aliasing \
	-DEFI_FUNCTION_WRAPPER -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	$(EFI_INCS) -Wa,--noexecstack -I. -Iinclude -DUNDERSTUDY_GIT='"$(GIT_REV)"' -MMD -MP
EFI_SECTIONS := .text .sdata .data .rodata .dynamic .dynsym .rel .rela .rel.* .rela.* .reloc

$(BUILD)/efi/%.c.o: %.c Makefile
	@mkdir -p $(dir $@)
	@echo "  EFICC   $<"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(BUILD)/efi/%.S.o: %.S Makefile
	@mkdir -p $(dir $@)
	@echo "  EFIAS   $<"
	$(Q)$(CC) $(EFI_CFLAGS) -D__ASSEMBLER__ -c $< -o $@

# libefi's init.o defines memcpy and memset as well: ours give way to them.
$(BUILD)/efi/lib/string.c.o: lib/string.c Makefile
	@mkdir -p $(dir $@)
	@echo "  EFICC   $<"
	$(Q)$(CC) $(EFI_CFLAGS) -c $< -o $@
	$(Q)objcopy --weaken-symbol=memcpy --weaken-symbol=memset $@

$(BUILD)/efi/understudy.so: $(EFI_OBJS)
	@test -f $(EFI_CRT0) || { echo "GNU-EFI not found: run scripts/deps.sh"; exit 1; }
	@echo "  LD      $@"
	$(Q)$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) -o $@ \
		$(EFI_CRT0) $(EFI_OBJS) -L$(dir $(EFI_CRT0)) -lefi -lgnuefi
	$(Q)! nm -u $@ | grep . || { echo "$@: undefined symbols (a shared object links anyway)"; \
		rm -f $@; exit 1; }

$(EFI_APP): $(BUILD)/efi/understudy.so
	@echo "  EFIAPP  $@"
	$(Q)objcopy $(foreach s,$(EFI_SECTIONS),-j '$(s)') --target efi-app-x86_64 --subsystem=10 $< $@
# --- end of understudy.efi ------------------------------------------------------

# --- host-side unit tests (pure code, sanitizers, cmocka) -------------------
# GNU-EFI's headers serve the pure half of boot/efi/ on the host too.
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-iquote . -iquote include $(EFI_INCS) -isystem $(LZ4_INC) -DUNDERSTUDY_HOST_TEST \
	-isystem $(MBEDTLS_DIR)/include $(MBEDTLS_DEFS)
UNIT_TESTS := $(patsubst test/unit/%.c,%,$(wildcard test/unit/test_*.c))
UNIT_BINS  := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

# Each test names the pure sources it links in a "// sources:" line, and
# may name files that list more in a "// sources-list:" line (the
# hypervisor tests share test/unit/hv_host.sources: hv/ with the fakes of
# test/unit/fake_*.c, the backend and the machine under it).
EFI_PURE := $(wildcard boot/efi/*.c boot/efi/*.h)
# The bench tools' pure parts (the pcap reader), tested and fuzzed too.
BENCH_PURE := $(wildcard test/bench/*.c test/bench/*.h)
# A test with a "// uses: lz4" line (or a sources list with "# uses: lz4")
# links LZ4 built natively (without -Werror); "// uses: mbedtls", mbedTLS.
$(BUILD)/unit/%: test/unit/%.c $(ALL_HDRS) $(KERNEL_SRCS) $(wildcard net/*.c net/*/*.c) $(EFI_PURE) \
		$(wildcard tools/hvctl/*.c tools/hvctl/*.h tools/hvlisten/*.c tools/hvlisten/*.h) \
		$(wildcard test/unit/fake_*.c test/unit/*.sources) $(BENCH_PURE) $(BUILD)/unit/lz4.o \
		$(LZ4_INC)/lz4.h $(BUILD)/unit/libmbedtls.a
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< \
		$$(sed -n 's|^// sources: ||p' $<) \
		$$(sed -n 's|^// sources-list: ||p' $< | xargs -r cat | grep -v '^#') \
		$$({ cat $<; sed -n 's|^// sources-list: ||p' $< | xargs -r cat; } | \
			grep -q -E '^(//|#) uses: lz4' && echo $(BUILD)/unit/lz4.o) \
		$$(grep -q '^// uses: mbedtls' $< && echo $(BUILD)/unit/libmbedtls.a) -lcmocka

$(BUILD)/unit/mbedtls/%.o: $(MBEDTLS_DIR)/library/%.c net/tls/mbedtls_config.h Makefile
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(filter-out -Werror,$(HOST_CFLAGS)) -c $< -o $@

$(BUILD)/unit/libmbedtls.a: $(patsubst %,$(BUILD)/unit/mbedtls/%.o,$(MBEDTLS_FILES))
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/unit/lz4.o: $(LZ4_SRC) Makefile
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(filter-out -Werror,$(HOST_CFLAGS)) -c $< -o $@

unit-bins: $(UNIT_BINS)

# --- host-side fuzzers (libFuzzer, clang) ------------------------------------
# `make fuzz-bins` builds build/fuzz/fuzz_X from test/fuzz/fuzz_X.c, which
# names the pure sources it links in a "// sources:" line like the unit tests.
# Run one on a copy of its seeds, e.g.
#   cp -r test/fuzz/corpus/mb2 /tmp/c && build/fuzz/fuzz_mb2 -max_total_time=60 /tmp/c
# `make fuzz-seeds` regenerates the binary seeds in test/fuzz/corpus/.
FUZZ_CC     := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -iquote . -iquote include $(EFI_INCS) -isystem $(LZ4_INC) \
	-DUNDERSTUDY_HOST_TEST
FUZZERS     := $(patsubst test/fuzz/%.c,%,$(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS   := $(addprefix $(BUILD)/fuzz/,$(FUZZERS))

$(BUILD)/fuzz/fuzz_%: test/fuzz/fuzz_%.c $(ALL_HDRS) $(KERNEL_SRCS) $(wildcard net/*.c net/*/*.c) \
		$(wildcard tools/hvctl/*.c tools/hvctl/*.h tools/hvlisten/*.c tools/hvlisten/*.h) \
		$(EFI_PURE) $(BENCH_PURE) $(BUILD)/fuzz/lz4.o $(LZ4_INC)/lz4.h
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $$(sed -n 's|^// sources: ||p' $<) \
		$$(grep -q '^// uses: lz4' $< && echo $(BUILD)/fuzz/lz4.o)

# LZ4 instrumented like the fuzzers' own code, linked by those that use it.
$(BUILD)/fuzz/lz4.o: $(LZ4_SRC) Makefile
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(filter-out -Werror -fsanitize=fuzzer%,$(FUZZ_CFLAGS)) \
		-fsanitize=fuzzer-no-link,address,undefined -c $< -o $@

$(BUILD)/fuzz/gen_seeds: test/fuzz/gen_seeds.c $(wildcard test/unit/*.h) $(BENCH_PURE) $(KERNEL_SRCS) \
		$(BUILD)/unit/lz4.o $(LZ4_INC)/lz4.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $$(sed -n 's|^// sources: ||p' $<) $(BUILD)/unit/lz4.o

fuzz-bins: $(FUZZ_BINS)

fuzz-seeds: $(BUILD)/fuzz/gen_seeds
	$(Q)$(BUILD)/fuzz/gen_seeds test/fuzz/corpus

.PHONY: fuzz-bins fuzz-seeds
# --- end of host-side fuzzers ------------------------------------------------

# --- host tool: hvlog (prints, assembles, summarizes, compares rr logs) ------
# Built with the host compiler from tools/hvlog/ and the hypervisor's own
# log code in proto/ (docs/hvlog.md).
# It verifies snapshots with the same reader (SNAP_SRCS) and LZ4 built
# natively for the tools.
HVLOG_SRCS   := $(wildcard tools/hvlog/*.c) $(RRLOG_SRCS) $(SNAP_SRCS) lib/hash.c
HVLOG_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-iquote . -iquote include -isystem $(LZ4_INC)

$(BUILD)/tools/hvlog: $(HVLOG_SRCS) $(wildcard tools/hvlog/*.h) $(PROTO_HDRS) $(SNAP_HDRS) \
		include/hexdigit.h $(BUILD)/tools/lz4.o $(LZ4_INC)/lz4.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVLOG_CFLAGS) -o $@ $(HVLOG_SRCS) $(BUILD)/tools/lz4.o

$(BUILD)/tools/lz4.o: $(LZ4_SRC) Makefile
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -c $< -o $@
# --- end of host tool: hvlog ---------------------------------------------------

deps:
	@scripts/deps.sh

# The builds that run, test, test-long and bench start after the
# dependencies use every core (JOBS=1 for one at a time): a fresh clone's
# make test builds the hypervisor, the guests, lwIP, mbedTLS, the unit
# tests and the fuzzers first.
JOBS ?= $(shell nproc)

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all guests linux-guest
	@scripts/demo.sh

test: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all guests linux-guest unit-bins fuzz-bins
	@test/run_all.sh

# Trials too slow for make test (docs/testing.md).
test-long: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all guests linux-guest fuzz-bins
	@test/run_long.sh

# Benchmarks print figures; they are not pass/fail tests.
bench: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all guests
	@for b in test/bench/*.sh; do echo "### $$b"; $$b; done

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJS:.o=.d) $(NET_OBJS:.o=.d) $(LWIP_OBJS:.o=.d) $(EFI_OBJS:.o=.d) $(LZ4_OBJ:.o=.d) \
	$(MBEDTLS_OBJS:.o=.d)
include test/guests/guests.mk
include test/linux/linux.mk

# --- host tool: hvcollect (receives a record log streamed over TCP) ----------
# Built with the host compiler from tools/hvcollect/, the log stream codec and
# the hypervisor's own log reader, both in proto/ (docs/log-stream.md).
# logstream_fakehv is its test peer (test/system/logstream.sh): the
# hypervisor's side, from a file.
HVCOLLECT_SRCS   := $(wildcard tools/hvcollect/*.c) proto/logstream_proto.c \
	$(RRLOG_SRCS) $(SNAP_SRCS) lib/hash.c
HVCOLLECT_HDRS   := $(wildcard tools/hvcollect/*.h) proto/logstream_proto.h \
	$(PROTO_HDRS) $(SNAP_HDRS) include/compiler.h
HVCOLLECT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -iquote . -iquote include \
	-isystem $(LZ4_INC)
FAKEHV_SRCS      := test/logstream/fake_hv.c tools/hvcollect/netio.c \
	proto/logstream_proto.c lib/hash.c

$(BUILD)/tools/hvcollect: $(HVCOLLECT_SRCS) $(HVCOLLECT_HDRS) $(BUILD)/tools/lz4.o \
		$(LZ4_INC)/lz4.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -o $@ $(HVCOLLECT_SRCS) $(BUILD)/tools/lz4.o

$(BUILD)/tools/logstream_fakehv: $(FAKEHV_SRCS) $(HVCOLLECT_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -o $@ $(FAKEHV_SRCS)

all: $(BUILD)/tools/logstream_fakehv

# --- host tool: hvwitness (the witness of a fault-tolerant pair) -----------------
# Built with the host compiler from tools/hvwitness/, the witness protocol and
# lease in proto/ (the hypervisor's own code), hvcollect's socket helpers, and
# Debian's mbedTLS (libmbedtls-dev) for TLS 1.2 with the pair's pre-shared key
# (docs/witness.md).
WITNESS_SRCS    := proto/witness_types.c proto/witness_codec.c proto/witness_lease.c \
	proto/witness_lease_file.c proto/ft_psk.c proto/wire.c proto/wire_prim.c lib/hash.c
HVWITNESS_SRCS  := $(wildcard tools/hvwitness/*.c) $(WITNESS_SRCS) tools/hvcollect/netio.c
HVWITNESS_HDRS  := $(wildcard tools/hvwitness/*.h) proto/witness.h proto/witness_lease.h \
	proto/ft_psk.h proto/wire.h tools/hvcollect/netio.h include/hexdigit.h $(PROTO_HDRS)
HVWITNESS_CFLAGS := $(HVCOLLECT_CFLAGS) -Wno-unused-parameter

$(BUILD)/tools/hvwitness: $(HVWITNESS_SRCS) $(HVWITNESS_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVWITNESS_CFLAGS) -o $@ $(HVWITNESS_SRCS) -lmbedtls -lmbedx509 -lmbedcrypto

all: $(BUILD)/tools/hvwitness

# --- host tool: hvlisten (the outside listener of a guest's console stream) ---------
# Built with the host compiler from tools/hvlisten/, the console stream
# protocol in proto/ (the hypervisor's own code) and hvcollect's socket
# helpers (docs/console-stream.md). Its merge is pure, unit-tested
# (test_hvlisten_merge) and fuzzed (fuzz_console_stream).
HVLISTEN_SRCS := $(wildcard tools/hvlisten/*.c) proto/console_stream.c proto/wire.c \
	proto/wire_prim.c lib/hash.c tools/hvcollect/netio.c
HVLISTEN_HDRS := $(wildcard tools/hvlisten/*.h) proto/console_stream.h proto/wire.h \
	tools/hvcollect/netio.h $(PROTO_HDRS)

$(BUILD)/tools/hvlisten: $(HVLISTEN_SRCS) $(HVLISTEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -iquote tools/hvlisten -o $@ $(HVLISTEN_SRCS)

# console_fakesender: a sender's side, for testing hvlisten on the host
# (test/system/ft_console_out.sh).
$(BUILD)/tools/console_fakesender: test/console_out/fake_sender.c proto/console_stream.c \
		$(HVLISTEN_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -o $@ $< proto/console_stream.c proto/wire.c \
		proto/wire_prim.c lib/hash.c tools/hvcollect/netio.c

all: $(BUILD)/tools/hvlisten $(BUILD)/tools/console_fakesender

# --- host tool: hvctl (a fault-tolerant pair at a glance) ----------------------------
# Built with the host compiler from tools/hvctl/ and lib/cmdline.c: GET
# /status from a pair's two control endpoints, one verdict (docs/
# fault-tolerance.md, "Watching a pair"). Its parsing of their replies is
# pure, unit-tested (test_hvctl) and fuzzed (fuzz_hvctl_status).
# switchover signs its request with the pair's key: HMAC-SHA256 by the
# control endpoint's own code (net/http/http_auth*.c) on Debian's mbedTLS.
HVCTL_SRCS := $(wildcard tools/hvctl/*.c) lib/cmdline.c proto/ft_psk.c net/http/http_auth.c \
	net/http/http_auth_mac.c
HVCTL_HDRS := $(wildcard tools/hvctl/*.h) include/cmdline.h include/hexdigit.h $(PROTO_HDRS) \
	include/compiler.h net/http/http_auth.h proto/ft_psk.h

$(BUILD)/tools/hvctl: $(HVCTL_SRCS) $(HVCTL_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -o $@ $(HVCTL_SRCS) -lmbedcrypto

all: $(BUILD)/tools/hvctl

# --- bench: page encodings against QEMU's XBZRLE (test/bench/page_sizes.sh) -------
# page_sizes on synthetic page pairs; mig_pairs on the pairs of a captured
# migration (test/bench/migrate.sh). Each names its sources in a
# "// sources:" line, like the unit tests.
$(BUILD)/bench/%: test/bench/%.c $(BENCH_PURE) $(ALL_HDRS) \
		$(KERNEL_SRCS) $(BUILD)/tools/lz4.o $(LZ4_INC)/lz4.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -iquote . \
		-iquote include -isystem $(LZ4_INC) -o $@ $< $$(sed -n 's|^// sources: ||p' $<) $(BUILD)/tools/lz4.o

all: $(BUILD)/bench/page_sizes $(BUILD)/bench/mig_pairs
# --- end of host tool: hvcollect ------------------------------------------------
