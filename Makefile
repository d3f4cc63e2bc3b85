# Understudy: one flat Makefile. `make` builds the hypervisor image and ISO,
# `make run` boots a demo, `make test` runs every test (see README.md).

BUILD      := build
CC         := gcc
LD         := ld
HOST_CC    := gcc
Q          := $(if $(V),,@)
GIT_REV    := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# --- the hypervisor (freestanding, x86-64) ---------------------------------
KERNEL_SRCS := $(wildcard boot/*.c boot/*.S arch/x86/*.c arch/x86/*.S arch/x86/*/*.c arch/x86/*/*.S \
                 hv/*.c hv/*/*.c drivers/*/*.c lib/*.c)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))
ALL_HDRS    := $(wildcard include/*.h boot/*.h arch/x86/*.h arch/x86/*/*.h hv/*.h hv/*/*.h \
                 drivers/*/*.h net/*.h net/*/*.h test/unit/*.h)

KERNEL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
	-mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fno-strict-aliasing \
	-nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-Wa,--noexecstack -I. -Iinclude -I$(BUILD)/ext -DUNDERSTUDY_GIT='"$(GIT_REV)"' -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -T linker.ld

ELF := $(BUILD)/understudy.elf
ISO := $(BUILD)/understudy.iso

.PHONY: all deps run test unit system clean bench
all: $(ELF) $(ISO) $(BUILD)/tools/hvlog $(BUILD)/tools/hvcollect

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

ELF_OBJS := $(KERNEL_OBJS) $(NET_OBJS) $(LWIP_OBJS)

$(ELF): $(ELF_OBJS) linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(ELF_OBJS)
	$(Q)grub-file --is-x86-multiboot2 $@ || { echo "$@ is not Multiboot2"; rm -f $@; exit 1; }

$(ISO): $(ELF) scripts/mkiso.sh
	@echo "  ISO     $@"
	$(Q)scripts/mkiso.sh --elf $(ELF) --out $@

# --- host-side unit tests (pure code, sanitizers, cmocka) -------------------
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-iquote . -iquote include -DUNDERSTUDY_HOST_TEST
UNIT_TESTS := $(patsubst test/unit/%.c,%,$(wildcard test/unit/test_*.c))
UNIT_BINS  := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

# Each test names the pure sources it links in a "// sources:" line; the
# hypervisor tests also link the fakes of test/unit/fake_*.c (the backend
# and the machine under hv/).
$(BUILD)/unit/%: test/unit/%.c $(ALL_HDRS) $(KERNEL_SRCS) $(wildcard net/*.c net/*/*.c) \
		$(wildcard test/unit/fake_*.c)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< \
		$$(sed -n 's|^// sources: ||p' $<) -lcmocka

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
	-fno-omit-frame-pointer -iquote . -iquote include -DUNDERSTUDY_HOST_TEST
FUZZERS     := $(patsubst test/fuzz/%.c,%,$(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS   := $(addprefix $(BUILD)/fuzz/,$(FUZZERS))

$(BUILD)/fuzz/fuzz_%: test/fuzz/fuzz_%.c $(ALL_HDRS) $(KERNEL_SRCS) $(wildcard net/*.c net/*/*.c)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $$(sed -n 's|^// sources: ||p' $<)

$(BUILD)/fuzz/gen_seeds: test/fuzz/gen_seeds.c $(wildcard test/unit/*.h) $(KERNEL_SRCS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $< $$(sed -n 's|^// sources: ||p' $<)

fuzz-bins: $(FUZZ_BINS)

fuzz-seeds: $(BUILD)/fuzz/gen_seeds
	$(Q)$(BUILD)/fuzz/gen_seeds test/fuzz/corpus

.PHONY: fuzz-bins fuzz-seeds
# --- end of host-side fuzzers ------------------------------------------------

# --- host tool: hvlog (prints, assembles, summarizes, compares rr logs) ------
# Built with the host compiler from tools/hvlog/ and the hypervisor's own
# log code (docs/hvlog.md).
HVLOG_SRCS   := $(wildcard tools/hvlog/*.c) hv/rr/rrlog.c lib/hash.c
HVLOG_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-iquote . -iquote include

$(BUILD)/tools/hvlog: $(HVLOG_SRCS) $(wildcard tools/hvlog/*.h) hv/rr/rrlog.h include/hash.h \
		include/types.h include/errno.h include/endian.h include/hexdigit.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVLOG_CFLAGS) -o $@ $(HVLOG_SRCS)
# --- end of host tool: hvlog ---------------------------------------------------

deps:
	@scripts/deps.sh

run: deps all guests
	@scripts/run.sh --guest build/guests/hello.elf --guest-args "greeting=hello-from-make-run"

test: deps
	@$(MAKE) --no-print-directory all guests unit-bins fuzz-bins
	@test/run_all.sh

# Benchmarks print figures; they are not pass/fail tests.
bench: deps
	@$(MAKE) --no-print-directory all guests
	@for b in test/bench/*.sh; do echo "### $$b"; $$b; done

clean:
	rm -rf $(BUILD)

-include $(KERNEL_OBJS:.o=.d) $(NET_OBJS:.o=.d) $(LWIP_OBJS:.o=.d)
include test/guests/guests.mk

# --- host tool: hvcollect (receives a record log streamed over TCP) ----------
# Built with the host compiler from tools/hvcollect/, the log stream codec and
# the hypervisor's own log reader (docs/log-stream.md). logstream_fakehv is
# its test peer (test/system/logstream.sh): the hypervisor's side, from a file.
HVCOLLECT_SRCS   := $(wildcard tools/hvcollect/*.c) net/logstream/logstream_proto.c \
	hv/rr/rrlog.c lib/hash.c
HVCOLLECT_HDRS   := $(wildcard tools/hvcollect/*.h) net/logstream/logstream_proto.h \
	hv/rr/rrlog.h include/hash.h include/types.h include/errno.h include/compiler.h \
	include/endian.h
HVCOLLECT_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -iquote . -iquote include
FAKEHV_SRCS      := test/logstream/fake_hv.c tools/hvcollect/netio.c \
	net/logstream/logstream_proto.c lib/hash.c

$(BUILD)/tools/hvcollect: $(HVCOLLECT_SRCS) $(HVCOLLECT_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -o $@ $(HVCOLLECT_SRCS)

$(BUILD)/tools/logstream_fakehv: $(FAKEHV_SRCS) $(HVCOLLECT_HDRS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HVCOLLECT_CFLAGS) -o $@ $(FAKEHV_SRCS)

all: $(BUILD)/tools/logstream_fakehv
# --- end of host tool: hvcollect ------------------------------------------------
