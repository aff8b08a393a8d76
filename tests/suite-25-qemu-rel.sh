#!/bin/sh
# The self-tests in the release kernel (no DIAGNOSTIC) under QEMU: the
# inline fast paths of mpipe(9) and the mbuf seam, which the DIAGNOSTIC
# kernel's poisoning steers around, run here with real interrupts (the
# clock, the NIC) arriving between them.  Cases that test DIAGNOSTIC's
# own panics print "# SKIP" and count neither way.
KERNEL=build/kernel-rel.elf LOG=build/logs/selftest-qemu-rel.log \
    LABEL="qemu release self-tests" exec sh tests/suite-20-qemu.sh
