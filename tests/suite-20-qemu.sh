#!/bin/sh
# The self-tests in the QEMU kernel under TCG, and the boot time.
# KERNEL, LOG and LABEL let suite-25-qemu-rel.sh run the release kernel
# the same way.
sh tests/deps.sh qemu || { echo "0 passed, 1 failed"; exit 1; }
kernel=${KERNEL:-build/kernel.elf}
log=${LOG:-build/logs/selftest-qemu.log}
label=${LABEL:-qemu self-tests}
t0=$(date +%s%N)
KERNEL=$kernel sh tests/qemu.sh 240 "$log" 'selftest=* halt=1'
rc=$?
t1=$(date +%s%N)
grep -E '^(ok|not ok|#)' "$log" | grep -v '^ok \|^# prop\|^# model' | head -40
set -- $(sh tests/ktap.sh "$log")
p=$1; f=$2; nself=$1
[ $rc -ne 0 ] && [ $f -eq 0 ] && { echo "  FAIL: exit status $rc"; tail -20 "$log"; f=1; }
echo "$label: $p passed, $f failed; QEMU start to exit $(( (t1 - t0) / 1000000 )) ms (log $log)"

# The 8259 path (ioapic(4)): with no ACPI there is no MADT, so no I/O
# APIC and one CPU; every self-test still passes but intr.no_8259,
# which skips (one fewer passed than above).
if [ -z "$KERNEL" ]; then
	log8=build/logs/selftest-qemu-8259.log
	sh tests/qemu.sh 240 "$log8" 'selftest=* halt=1' -machine acpi=off
	rc=$?
	set -- $(sh tests/ktap.sh "$log8")
	if [ $rc -eq 0 ] && [ "$2" -eq 0 ] && [ "$1" -eq $((nself - 1)) ] &&
	    grep -q '^ioapic: no ACPI MADT, interrupts on the 8259' "$log8" &&
	    grep -q '^ok [0-9]* intr.no_8259 # SKIP' "$log8"; then
		echo "ok the 8259 path (-machine acpi=off): $1 self-tests passed"
		p=$((p + 1))
	else
		echo "not ok the 8259 path (-machine acpi=off): $1 passed, $2 failed, exit $rc (log $log8)"
		f=$((f + 1))
	fi
fi

# q35 (ICH9): the I/O APIC with the PCI line's legacy number as its GSI
# (ioapic(4); QEMU hw/isa/lpc_ich9.c, ich9_lpc_set_irq: a PIRQ drives
# its PIC-mode line, pins 0..15 of both the 8259 and the I/O APIC, and
# GSI 16 + pirq); every self-test, em.intr_cpu and intr.no_8259 among
# them.
if [ -z "$KERNEL" ]; then
	logq=build/logs/selftest-qemu-q35.log
	sh tests/qemu.sh 240 "$logq" 'selftest=* halt=1' -machine q35
	rc=$?
	set -- $(sh tests/ktap.sh "$logq")
	if [ $rc -eq 0 ] && [ "$2" -eq 0 ] && [ "$1" -eq "$nself" ] &&
	    tr -d '\r' < "$logq" | grep -q '^ok [0-9]* em.intr_cpu$' &&
	    tr -d '\r' < "$logq" | grep -q '^ok [0-9]* intr.no_8259$'; then
		echo "ok q35 (-machine q35): $1 self-tests passed, em0 through the I/O APIC"
		p=$((p + 1))
	else
		echo "not ok q35 (-machine q35): $1 passed, $2 failed, exit $rc (log $logq)"
		f=$((f + 1))
	fi
fi
echo "$p passed, $f failed"
