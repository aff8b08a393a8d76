# Makefile for the mbuf kernel.
#
#   make          build build/kernel.elf (+ .dis disassembly, .sym symbols)
#   make run      boot it in QEMU (TCG) with the serial console here
#                 (NET=user|tap|none, PCAP=FILE, APPEND=...; tests/run.sh)
#   make test     every test suite; last line "N passed, N failed"
#   make debug    QEMU halted with a gdb stub; gdb -x build/gdbinit
#                 (make debug O=0: an unoptimised kernel, build/O0)
#   make host     the same kernel as a Linux program (ASan+UBSan)
#   make portable that program for s390x (big-endian) and i686 (32-bit)
#   make man      lint the man pages
#   make bench    benchmark figures (not pass/fail)
#
# Sources are found by wildcard: a new kern/, net/ or tests/kern/ file is
# part of both builds; arch/x86_64 only of the QEMU kernel, arch/host only
# of the host program.

# CC, from the environment or the command line, builds the host
# programs (make CC=clang host); gcc when unset.  The QEMU kernel needs
# a GCC (-fno-toplevel-reorder keeps the self-tests in order): KCC is CC
# when CC is a GCC, gcc otherwise (KCC=... overrides).
ifeq ($(origin CC),default)
CC	:= gcc
endif
CC_IS_GCC := $(shell $(CC) -v 2>&1 | grep -q '^gcc version' && echo yes)
KCC	?= $(if $(CC_IS_GCC),$(CC),gcc)
isgcc	= $(if $(filter gcc %-gcc,$(1)),yes,$(if $(filter $(CC),$(1)),$(CC_IS_GCC)))
LD	:= ld
OBJCOPY	:= objcopy
QEMU	?= qemu-system-x86_64
ACCEL	?= tcg
MEM	?= 128M
APPEND	?=
# make run's network (tests/run.sh): NET=user, QEMU's user network,
# restricted (no traffic leaves it), standing in as the peer 192.0.2.1;
# NET=tap (root), a network namespace with a tap on 192.0.2.0/24 that
# the host reaches with ping and UDP; NET=none.  PCAP=FILE writes the
# guest's frames to FILE (tshark -r FILE).  RUN_NET="qemu args" replaces
# the user network (netdev id n0 for PCAP).
NET	?= user
PCAP	?=
RUN_NET	?=
# O=0: the QEMU kernel without optimisation, for gdb (make debug O=0),
# in its own build directory build/O0.
O	?= 2
B	:= $(if $(filter 2,$(O)),build,build/O$(O))

MI_SRCS	:= $(sort $(wildcard kern/*.c net/*.c tests/kern/*.c))
# Self-test files keep their cases in the order written (the linker set
# follows the compiler's output order, which GCC otherwise reverses).
# (GCC only: clang, for the fuzzers, has no such option and needs none.)
ORDER	= $(if $(filter tests/kern/%,$(1)),-fno-toplevel-reorder)
HDRS	:= $(wildcard sys/*.h kern/*.h net/*.h arch/x86_64/*.h arch/host/*.h \
	   arch/*/include/machine/*.h)

# ---- the QEMU kernel -------------------------------------------------
KCFLAGS_REL := -std=gnu11 -O$(O) -g -ffreestanding -fno-builtin -nostdlib \
	   -fno-pie -fno-pic -mno-red-zone -mgeneral-regs-only \
	   -mcmodel=small -fno-stack-protector -fno-omit-frame-pointer \
	   -fno-strict-aliasing -Wall -Wextra -Wno-unused-parameter \
	   -Wno-sign-compare -Werror -D_KERNEL -I. -Iarch/x86_64/include
KCFLAGS	:= $(KCFLAGS_REL) -DDIAGNOSTIC
X86_C	:= $(sort $(wildcard arch/x86_64/*.c))
X86_S	:= $(sort $(wildcard arch/x86_64/*.S))
KOBJS	:= $(patsubst %.c,$(B)/k/%.o,$(MI_SRCS) $(X86_C)) \
	   $(patsubst %.S,$(B)/k/%.o,$(X86_S))

all: $(B)/kernel.elf

$(B)/k/%.o: %.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(KCC) $(KCFLAGS) $(call ORDER,$<) -c $< -o $@

$(B)/k/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(KCC) $(KCFLAGS) -D__ASSEMBLY__ -c $< -o $@

# The symbol table built into the kernel, for backtraces that name
# functions: link once with an empty table, generate the table from that
# link's nm, link again with it.  The table is data after .text, so no
# function moves; cmp checks it.  klink(output, objects, cflags)
KLD	:= $(LD) -n -nostdlib -z max-page-size=0x1000 -T arch/x86_64/kernel.ld
define klink
	@sh arch/x86_64/mksyms.sh < /dev/null > $(1).syms0.c
	@$(KCC) $(3) -c $(1).syms0.c -o $(1).syms0.o
	@$(KLD) -o $(1).pass1 $(2) $(1).syms0.o
	@nm -n $(1).pass1 | sh arch/x86_64/mksyms.sh > $(1).syms.c
	@$(KCC) $(3) -c $(1).syms.c -o $(1).syms.o
	@$(KLD) -o $(1) $(2) $(1).syms.o
	@nm -n $(1).pass1 | awk '$$2 ~ /^[tTwW]$$/' > $(1).pass1.fn
	@nm -n $(1) | awk '$$2 ~ /^[tTwW]$$/' | cmp -s - $(1).pass1.fn || \
	    { echo "klink: functions moved between the links of $(1)"; \
	    rm -f $(1); exit 1; }
	@rm -f $(1).pass1 $(1).pass1.fn
endef

$(B)/kernel.elf: $(KOBJS) arch/x86_64/kernel.ld arch/x86_64/mksyms.sh
	@echo "  LD      $@"
	$(call klink,$@,$(KOBJS),$(KCFLAGS))
	objdump -d -S $@ > $(B)/kernel.dis
	nm -n $@ > $(B)/kernel.sym

# The release kernel: the same, without DIAGNOSTIC, so that the inline
# fast paths run under real interrupts (tests/suite-25-qemu-rel.sh).
KROBJS	:= $(patsubst $(B)/k/%,$(B)/krel/%,$(KOBJS))
$(B)/krel/%.o: %.c $(HDRS) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC rel  $<"
	@$(KCC) $(KCFLAGS_REL) $(call ORDER,$<) -c $< -o $@
$(B)/krel/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	@$(KCC) $(KCFLAGS_REL) -D__ASSEMBLY__ -c $< -o $@
$(B)/kernel-rel.elf: $(KROBJS) arch/x86_64/kernel.ld arch/x86_64/mksyms.sh
	$(call klink,$@,$(KROBJS),$(KCFLAGS_REL))

QEMUFLAGS := -machine pc,accel=$(ACCEL) -cpu max -m $(MEM) -no-reboot \
	   -display none \
	   -device isa-debug-exit,iobase=0xf4,iosize=0x04

# Exit status: 0 when QEMU was left (Ctrl-A X) or the kernel passed
# (halt=1), 1 with one line saying why when it reported a failure.
RUN	= QEMU="$(QEMU)" QEMUFLAGS="$(QEMUFLAGS)" NET="$(NET)" PCAP="$(PCAP)" \
	  RUN_NET="$(RUN_NET)" sh tests/run.sh $(B)/kernel.elf "$(APPEND)"
run: $(B)/kernel.elf tests/deps.sh tests/run.sh
	@sh tests/deps.sh qemu $(if $(filter tap,$(NET)),net)
	@$(RUN)

debug: $(B)/kernel.elf tests/deps.sh tests/run.sh
	@sh tests/deps.sh qemu $(if $(filter tap,$(NET)),net)
	@printf 'file %s\ntarget remote localhost:1234\n' \
	    $(B)/kernel.elf > $(B)/gdbinit
	@echo "in another terminal: gdb -x $(B)/gdbinit"
	@$(RUN) -s -S

# ---- the host programs (same kern/, net/, tests/kern/) ---------------
# hostbuild(name, MI cflags, MI sources, libc-side sources,
#           libc-side cflags, link flags, compiler)
# MI sources see only the kernel's headers; libc-side sources (arch/host,
# benchmark peers, fuzz drivers) see libc's.  The kernel object's
# symbols that libc also defines are renamed (arch/host/kern.syms).
# A cross build sets CROSS_name (the binutils prefix, which also names
# the target's libc for symcheck.sh under /usr/PREFIX/lib) and CTX_name
# (its context switch; arch/x86_64/ctx.S otherwise).
HWARN	:= -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -Werror
HCFLAGS	:= -std=gnu11 -g -fno-builtin -ffreestanding -fno-omit-frame-pointer \
	   -fno-strict-aliasing $(HWARN) -D_KERNEL -I. -Iarch/host/include
SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined
HOST_MI	:= $(filter-out kern/subr_libkern.c,$(MI_SRCS))
HOST_C	:= $(sort $(wildcard arch/host/*.c))

define hostbuild
$(B)/$(1)/mi/%.o: %.c $(HDRS) Makefile
	@mkdir -p $$(dir $$@)
	@echo "  CC $(1)  $$<"
	@$(7) $(HCFLAGS) $(2) $$(if $$(call isgcc,$(7)),$$(call ORDER,$$<)) -c $$< -o $$@
$(B)/$(1)/md/%.o: %.c sys/machdep.h Makefile
	@mkdir -p $$(dir $$@)
	@echo "  CC $(1)  $$<"
	@$(7) -std=gnu11 -g -Wall -Werror $(5) -c $$< -o $$@
$(B)/$(1)/md/%.o: %.S Makefile
	@mkdir -p $$(dir $$@)
	@$(7) $(5) -D__ASSEMBLY__ -c $$< -o $$@
$(B)/$(1)/kern.o: $(patsubst %.c,$(B)/$(1)/mi/%.o,$(3)) arch/host/kern.syms arch/host/symcheck.sh
	@$(CROSS_$(1))$(LD) -r -o $$@.tmp $$(filter %.o,$$^)
	@$(CROSS_$(1))$(OBJCOPY) --redefine-syms=arch/host/kern.syms $$@.tmp $$@
	@sh arch/host/symcheck.sh $$@ $(CROSS_$(1))
$(B)/$(1)/kernel: $(B)/$(1)/kern.o $(patsubst %.c,$(B)/$(1)/md/%.o,$(4)) $(patsubst %.S,$(B)/$(1)/md/%.o,$(or $(CTX_$(1)),arch/x86_64/ctx.S))
	@echo "  LD      $$@"
	@$(7) $(5) -o $$@ $$^ $(6)
endef

# The test build: sanitizers and DIAGNOSTIC.
# -rdynamic: md_backtrace's backtrace_symbols names the kernel's
# functions (all but the static ones).
$(eval $(call hostbuild,host,-O1 -DDIAGNOSTIC $(SAN),$(HOST_MI),$(HOST_C),-O1 $(SAN),-rdynamic,$(CC)))

# The release build: the self-tests again, optimised, without
# DIAGNOSTIC or sanitizers, so that the paths a production kernel takes
# (the inline fast paths that skip the poisoning hooks) are tested too.
$(eval $(call hostbuild,rel,-O2,$(HOST_MI),$(HOST_C),-O2,-rdynamic,$(CC)))

# The benchmark build: optimised, no DIAGNOSTIC, peers linked in.
BENCH_MI := $(filter-out tests/kern/%,$(HOST_MI)) \
	    $(sort $(wildcard tests/bench/kern/*.c))
BENCH_MD := $(HOST_C) $(sort $(wildcard tests/bench/peer/*.c))
DPDK_CFLAGS = $(shell pkg-config --cflags libdpdk 2>/dev/null)
DPDK_LIBS = $(shell pkg-config --libs libdpdk 2>/dev/null)
$(eval $(call hostbuild,bench,-O2,$(BENCH_MI),$(BENCH_MD),-O2 -I/usr/include/lwip $$(DPDK_CFLAGS),-llwip $$(DPDK_LIBS),$(CC)))

# The fuzzers: clang, libFuzzer, ASan, UBSan (make fuzz; make test runs
# a short bounded pass and replays tests/fuzz/regress).
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_MI	:= $(filter-out tests/kern/%,$(HOST_MI)) \
	    $(sort $(wildcard tests/fuzz/kern/*.c)) \
	    tests/kern/uipc_mbuf2_prop.c tests/kern/mbuf_testlib.c
FUZZ_MD	:= arch/host/host_machdep.c tests/fuzz/fuzz_main.c
$(eval $(call hostbuild,fuzz,-O1 -DDIAGNOSTIC -Wno-unknown-warning-option $(FUZZ_SAN) -fsanitize=fuzzer-no-link,$(FUZZ_MI),$(FUZZ_MD),-O1 $(FUZZ_SAN) -fsanitize=fuzzer,,clang))

# The portability builds (tests/suite-16-be.sh, tests/suite-17-i686.sh):
# the test build's kernel and self-tests, and the fuzz targets' replay
# driver (gcc, no libFuzzer: tests/fuzz/replay_main.c), cross-compiled
# for a big-endian 64-bit machine (s390x, run under qemu-s390x-static:
# UBSan, no ASan, which qemu-user cannot host) and for a 32-bit
# little-endian one (i686, run natively: ASan and UBSan).
S390X	:= s390x-linux-gnu-
I686	:= i686-linux-gnu-
CROSS_s390x := $(S390X)
CTX_s390x := arch/host/ctx-s390x.S
CROSS_s390x-fz := $(S390X)
CTX_s390x-fz := arch/host/ctx-s390x.S
CROSS_i686 := $(I686)
CTX_i686 := arch/host/ctx-i386.S
CROSS_i686-fz := $(I686)
CTX_i686-fz := arch/host/ctx-i386.S
UBSAN	:= -fsanitize=undefined -fno-sanitize-recover=undefined
# The i686 cross libc lives under /usr/i686-linux-gnu; the program
# finds its loader and its libraries there.
I686_LD	:= -Wl,--dynamic-linker=/usr/i686-linux-gnu/lib/ld-linux.so.2 \
	   -Wl,-rpath,/usr/i686-linux-gnu/lib
REPLAY_MI := $(filter-out tests/kern/%,$(HOST_MI)) \
	    $(sort $(wildcard tests/fuzz/kern/*.c)) \
	    tests/kern/uipc_mbuf2_prop.c tests/kern/mbuf_testlib.c
REPLAY_MD := arch/host/host_machdep.c tests/fuzz/fuzz_main.c \
	    tests/fuzz/replay_main.c
$(eval $(call hostbuild,s390x,-O1 -DDIAGNOSTIC $(UBSAN),$(HOST_MI),$(HOST_C),-O1 $(UBSAN),,$(S390X)gcc))
$(eval $(call hostbuild,s390x-fz,-O1 -DDIAGNOSTIC $(UBSAN),$(REPLAY_MI),$(REPLAY_MD),-O1 $(UBSAN),,$(S390X)gcc))
$(eval $(call hostbuild,i686,-O1 -DDIAGNOSTIC $(SAN),$(HOST_MI),$(HOST_C),-O1 $(SAN),$(I686_LD),$(I686)gcc))
$(eval $(call hostbuild,i686-fz,-O1 -DDIAGNOSTIC $(SAN),$(REPLAY_MI),$(REPLAY_MD),-O1 $(SAN),$(I686_LD),$(I686)gcc))
portable:
	@sh tests/deps.sh s390x i686
	@$(MAKE) --no-print-directory $(B)/s390x/kernel $(B)/s390x-fz/kernel \
	    $(B)/i686/kernel $(B)/i686-fz/kernel

FUZZTIME ?= 60
fuzz:
	@sh tests/deps.sh clang python
	@$(MAKE) --no-print-directory $(B)/fuzz/kernel
	@sh tests/fuzz/run.sh $(FUZZTIME)

host: $(B)/host/kernel

bench: $(B)/kernel.elf $(B)/kernel-rel.elf tests/bench/run.sh
	@sh tests/deps.sh bench
	@$(MAKE) --no-print-directory $(B)/bench/kernel
	@sh tests/bench/run.sh

# ---- tests -----------------------------------------------------------
test: $(B)/kernel.elf $(B)/kernel-rel.elf $(B)/host/kernel $(B)/rel/kernel
	@sh tests/run-all.sh

man:
	@sh tests/deps.sh mandoc
	mandoc -T lint -W warning man/man*/*.[0-9]

clean:
	rm -rf $(B)

.PHONY: all run debug host test man clean bench fuzz portable
