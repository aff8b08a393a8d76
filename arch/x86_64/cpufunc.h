/*
 * arch/x86_64/cpufunc.h: inline wrappers for single x86 instructions.
 *
 * Port I/O, the time stamp counter, interrupt flag control, model
 * specific registers and the few control registers the machine-dependent
 * code touches.  Every wrapper
 * is one instruction (plus its operands) and has a "memory" clobber
 * where the instruction orders memory accesses, so the compiler never
 * moves loads or stores across it.
 */
#ifndef _X86_64_CPUFUNC_H_
#define _X86_64_CPUFUNC_H_

#include <sys/types.h>

#define PSL_I		0x00000200	/* rflags: interrupt enable */

static inline uint8_t
inb(uint16_t port)
{
	uint8_t v;

	__asm volatile("inb %w1, %b0" : "=a" (v) : "Nd" (port) : "memory");
	return v;
}

static inline uint16_t
inw(uint16_t port)
{
	uint16_t v;

	__asm volatile("inw %w1, %w0" : "=a" (v) : "Nd" (port) : "memory");
	return v;
}

static inline uint32_t
inl(uint16_t port)
{
	uint32_t v;

	__asm volatile("inl %w1, %0" : "=a" (v) : "Nd" (port) : "memory");
	return v;
}

static inline void
outb(uint16_t port, uint8_t v)
{
	__asm volatile("outb %b0, %w1" : : "a" (v), "Nd" (port) : "memory");
}

static inline void
outw(uint16_t port, uint16_t v)
{
	__asm volatile("outw %w0, %w1" : : "a" (v), "Nd" (port) : "memory");
}

static inline void
outl(uint16_t port, uint32_t v)
{
	__asm volatile("outl %0, %w1" : : "a" (v), "Nd" (port) : "memory");
}

/* A short delay for slow ISA devices (the 8259): a write to port 0x80. */
static inline void
io_wait(void)
{
	outb(0x80, 0);
}

static inline uint64_t
rdtsc(void)
{
	uint32_t lo, hi;

	__asm volatile("rdtsc" : "=a" (lo), "=d" (hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void
cli(void)
{
	__asm volatile("cli" : : : "memory");
}

static inline void
sti(void)
{
	__asm volatile("sti" : : : "memory");
}

static inline void
hlt(void)
{
	__asm volatile("hlt" : : : "memory");
}

static inline void
cpu_pause(void)
{
	__asm volatile("pause" : : : "memory");
}

static inline uint64_t
read_rflags(void)
{
	uint64_t f;

	__asm volatile("pushfq; popq %0" : "=r" (f) : : "memory");
	return f;
}

static inline void
write_rflags(uint64_t f)
{
	__asm volatile("pushq %0; popfq" : : "r" (f) : "memory", "cc");
}

/* Disable interrupts and return the previous rflags for intr_restore. */
static inline uint64_t
intr_save(void)
{
	uint64_t f;

	f = read_rflags();
	cli();
	return f;
}

static inline void
intr_restore(uint64_t f)
{
	if (f & PSL_I)
		sti();
}

static inline uint64_t
rcr0(void)
{
	uint64_t v;

	__asm volatile("movq %%cr0, %0" : "=r" (v));
	return v;
}

static inline uint64_t
rcr2(void)
{
	uint64_t v;

	__asm volatile("movq %%cr2, %0" : "=r" (v));
	return v;
}

static inline uint64_t
rcr3(void)
{
	uint64_t v;

	__asm volatile("movq %%cr3, %0" : "=r" (v));
	return v;
}

static inline uint64_t
rcr4(void)
{
	uint64_t v;

	__asm volatile("movq %%cr4, %0" : "=r" (v));
	return v;
}

static inline uint64_t
rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm volatile("rdmsr" : "=a" (lo), "=d" (hi) : "c" (msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void
wrmsr(uint32_t msr, uint64_t v)
{
	__asm volatile("wrmsr" : : "c" (msr), "a" ((uint32_t)v),
	    "d" ((uint32_t)(v >> 32)) : "memory");
}

#define MSR_GS_BASE	0xc0000101

struct region_descriptor {
	uint16_t	rd_limit;
	uint64_t	rd_base;
} __attribute__((packed));

static inline void
lidt(const struct region_descriptor *rd)
{
	__asm volatile("lidt %0" : : "m" (*rd) : "memory");
}

static inline void
ltr(uint16_t sel)
{
	__asm volatile("ltr %0" : : "r" (sel) : "memory");
}

#endif /* !_X86_64_CPUFUNC_H_ */
