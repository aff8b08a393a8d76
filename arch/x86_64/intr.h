/*
 * arch/x86_64/intr.h: traps, hardware interrupts and their frame.
 *
 * struct trapframe is what vectors.S pushes, lowest address first; its
 * layout and TF_RIP in vectors.S must agree.  Vectors 0..31 are CPU
 * exceptions (trap.c), 32..47 the 16 lines of the two 8259 PICs
 * (intr.c), which interrupt only the boot CPU, 48..71 the GSIs 0..23
 * of the I/O APIC (ioapic.c), which may interrupt any CPU and replaces
 * the 8259s when the MADT has one; 240 is the wakeup IPI and 255 the
 * local APIC's spurious vector (mp.c).  A device driver attaches to an
 * IRQ line with md_intr_establish(); lines may be shared: every handler
 * on a line is called for each interrupt and must cope with finding
 * nothing to do.
 * Handlers run with interrupts disabled, on the interrupted stack,
 * between intr_enter() and intr_exit(), and the PIC is sent its EOI
 * after the last handler has run (so a level-triggered PCI INTx line
 * the handler has quieted does not fire again at once).
 */
#ifndef _X86_64_INTR_H_
#define _X86_64_INTR_H_

#include <sys/types.h>
#include <sys/cpu.h>

struct trapframe {
	uint64_t	tf_r15;
	uint64_t	tf_r14;
	uint64_t	tf_r13;
	uint64_t	tf_r12;
	uint64_t	tf_r11;
	uint64_t	tf_r10;
	uint64_t	tf_r9;
	uint64_t	tf_r8;
	uint64_t	tf_rbp;
	uint64_t	tf_rdi;
	uint64_t	tf_rsi;
	uint64_t	tf_rdx;
	uint64_t	tf_rcx;
	uint64_t	tf_rbx;
	uint64_t	tf_rax;
	uint64_t	tf_trapno;
	uint64_t	tf_err;
	/* pushed by the CPU */
	uint64_t	tf_rip;
	uint64_t	tf_cs;
	uint64_t	tf_rflags;
	uint64_t	tf_rsp;
	uint64_t	tf_ss;
};

#define NCPUEXC		32		/* vectors 0..31: exceptions */
#define ICU_OFFSET	32		/* vectors 32..47: IRQ 0..15 */
#define NIRQ		16
#define IOAPIC_OFFSET	(ICU_OFFSET + NIRQ)	/* 48..71: GSI 0..23 */
#define NGSI		24
#define NSRC		(NIRQ + NGSI)	/* interrupt sources, intr_counts */
#define NVEC		(ICU_OFFSET + NSRC)

#define IO_ICU1		0x20		/* master 8259: command, data */
#define IO_ICU2		0xa0		/* slave 8259 */

#define IOAPIC_RED_LEVEL	0x08000	/* redirection entry: level */
#define IOAPIC_RED_ACTLOW	0x02000	/* active low */

#define INTR_ISA	0		/* md_intr_establish bus types */
#define INTR_PCI	1

#define IPI_VECTOR	240		/* md_cpu_wake */
#define APIC_SPURIOUS	255

#define IRQ_CLOCK	0		/* 8254 PIT channel 0 */
#define IRQ_SLAVE	2		/* cascade from the second 8259 */
#define IRQ_COM1	4

/*
 * Attach fn(arg) to ISA IRQ or PCI interrupt line irq (0..15) of bus
 * type INTR_ISA or INTR_PCI and unmask it; returns the source (for
 * intr_route, intr_count).  intr_route sends a source to another CPU:
 * 0, EINVAL (no such CPU slot), ENXIO (the 8259 reaches cpu0 only) or
 * EAGAIN (that CPU is not running yet: done when it starts).
 */
int	md_intr_establish(int irq, int type, const char *name,
	    void (*fn)(void *), void *arg);
int	intr_route(int src, u_int cpu);
u_int	intr_cpu(int src);
uint64_t intr_count(int src);

/* trap.c */
void	trap(struct trapframe *);
void	idt_init(void);
void	idt_load_cpu(u_int cpu);	/* this CPU's IDT and TSS */
void	backtrace_from(uint64_t rip, uint64_t rbp);

/* intr.c */
void	intr_init(void);
void	intr_dispatch(struct trapframe *);
void	intr_print_counts(void);
void	intr_cpus_started(void);
extern uint64_t intr_counts[NSRC][MAXCPUS];

/* ioapic.c */
extern bool ioapic_active;
void	ioapic_init(void);
int	ioapic_gsi(int irq, int type, uint32_t *lowp);
bool	ioapic_program(u_int gsi, u_int vec, u_int hwid, uint32_t low);
uint32_t ioapic_entry(u_int gsi);

/* mp.c: the local APIC, the other CPUs, IPIs */
void	mp_ipi_intr(void);
bool	mp_stop_requested(void);
void	mp_stopped_here(void) __attribute__((noreturn));
void	mp_set_gsbase(u_int cpu);
bool	acpi_madt_entries(const uint8_t **startp, const uint8_t **endp);
void	lapic_boot_init(void);
void	lapic_eoi(void);
uint32_t lapic_lint0(void);

/* serial.c: the COM1 console */
void	com_init(void);
void	com_intr_init(void);
void	com_putc(int);
int	com_getc(void);

#endif /* !_X86_64_INTR_H_ */
