/*
 * arch/x86_64/trap.c: the IDT, CPU exceptions and backtraces.
 *
 * idt_init() points vectors 0..71, 240 and 255 at the stubs in
 * vectors.S (interrupt gates, ring 0); idt_load_cpu() loads that IDT
 * on a CPU with the CPU's own TSS, whose IST1 stack takes double
 * faults, so a fault on a bad kernel stack still reaches trap().
 * trap() hands IRQ vectors to intr.c and the IPI to mp.c; an NMI while
 * another CPU is panicking stops this one (mp.c); an exception is fatal: it
 * prints the trap name
 * and number, the error code, every general register, %rip, %rsp, %cr2
 * for a page fault and a frame-pointer backtrace, each frame named
 * function+offset from the kernel's own symbol table (ksyms.h), then
 * calls panic().
 *
 * Invariants: a backtrace only follows frame pointers that lie inside
 * the identity map, are 8-byte aligned and strictly increase, stops at a
 * zero frame pointer or return address and prints at most BT_MAXFRAMES
 * frames, so it cannot fault or loop on a corrupt stack.  A second
 * exception while one is being reported skips panic() and leaves the
 * machine with md_exit(1).
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/machdep.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>
#include <arch/x86_64/ksyms.h>

#define BT_MAXFRAMES	16
#define BT_LOW		0x1000UL		/* page 0 is unmapped */
#define BT_HIGH		0x100000000UL		/* identity map ends at 4 GiB */

#define SEL_KCODE	0x08
#define SEL_TSS		0x18

#define SDT_SYSINTGT	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define SDT_SYSTSS	0x89	/* present, DPL 0, available 64-bit TSS */

#define T_NMI		2
#define T_DOUBLEFLT	8
#define T_PAGEFLT	14

struct gate_desc {
	uint16_t	gd_looffset;
	uint16_t	gd_selector;
	uint8_t		gd_ist;
	uint8_t		gd_type;
	uint16_t	gd_midoffset;
	uint32_t	gd_hioffset;
	uint32_t	gd_reserved;
} __attribute__((packed));

struct amd64tss {
	uint32_t	tss_rsvd0;
	uint64_t	tss_rsp[3];
	uint64_t	tss_rsvd1;
	uint64_t	tss_ist[7];
	uint64_t	tss_rsvd2;
	uint16_t	tss_rsvd3;
	uint16_t	tss_iobase;
} __attribute__((packed));

CTASSERT(sizeof(struct gate_desc) == 16);
CTASSERT(sizeof(struct amd64tss) == 104);
CTASSERT(sizeof(struct trapframe) == 22 * 8);

extern const uint64_t idt_vectors[NVEC];	/* vectors.S */
extern const uint64_t idt_vec_ipi, idt_vec_spurious;
extern uint64_t gdt[];				/* boot.S */
extern const char _etext[];			/* kernel.ld */

static struct gate_desc idt[256] __aligned(16);
static struct amd64tss tss[MAXCPUS] __aligned(16);
static uint8_t dblflt_stack[MAXCPUS][8192] __aligned(16);
static volatile int trap_nesting[MAXCPUS];

static const char *const trap_names[NCPUEXC] = {
	"divide error",			/* 0 #DE */
	"debug",			/* 1 #DB */
	"non-maskable interrupt",	/* 2 NMI */
	"breakpoint",			/* 3 #BP */
	"overflow",			/* 4 #OF */
	"bound range exceeded",		/* 5 #BR */
	"invalid opcode",		/* 6 #UD */
	"device not available",		/* 7 #NM */
	"double fault",			/* 8 #DF */
	"coprocessor segment overrun",	/* 9 */
	"invalid TSS",			/* 10 #TS */
	"segment not present",		/* 11 #NP */
	"stack-segment fault",		/* 12 #SS */
	"general protection fault",	/* 13 #GP */
	"page fault",			/* 14 #PF */
	"reserved (15)",		/* 15 */
	"x87 floating-point error",	/* 16 #MF */
	"alignment check",		/* 17 #AC */
	"machine check",		/* 18 #MC */
	"SIMD floating-point error",	/* 19 #XM */
	"virtualization exception",	/* 20 #VE */
	"control protection",		/* 21 #CP */
	"reserved (22)",		/* 22 */
	"reserved (23)",		/* 23 */
	"reserved (24)",		/* 24 */
	"reserved (25)",		/* 25 */
	"reserved (26)",		/* 26 */
	"reserved (27)",		/* 27 */
	"hypervisor injection",		/* 28 #HV */
	"VMM communication",		/* 29 #VC */
	"security exception",		/* 30 #SX */
	"reserved (31)",		/* 31 */
};

static void
setgate(int vec, uint64_t fn, int ist)
{
	struct gate_desc *gd = &idt[vec];

	gd->gd_looffset = fn & 0xffff;
	gd->gd_selector = SEL_KCODE;
	gd->gd_ist = ist;
	gd->gd_type = SDT_SYSINTGT;
	gd->gd_midoffset = (fn >> 16) & 0xffff;
	gd->gd_hioffset = fn >> 32;
	gd->gd_reserved = 0;
}

/*
 * Fill CPU cpu's 16-byte TSS descriptor (gdt[3 + 2 * cpu], boot.S has
 * MAXCPUS of them) and load it: a TSS is marked busy when loaded, so
 * each CPU needs its own.
 */
static void
tss_init(u_int cpu)
{
	struct amd64tss *t = &tss[cpu];
	uint64_t base = (uint64_t)t;
	uint64_t limit = sizeof(*t) - 1;
	int slot = SEL_TSS / 8 + 2 * cpu;

	t->tss_ist[0] = (uint64_t)(dblflt_stack[cpu] +
	    sizeof(dblflt_stack[cpu]));
	t->tss_iobase = sizeof(*t);	/* no I/O permission bitmap */
	gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	    ((uint64_t)SDT_SYSTSS << 40) | (((limit >> 16) & 0xf) << 48) |
	    (((base >> 24) & 0xff) << 56);
	gdt[slot + 1] = base >> 32;
	ltr(SEL_TSS + 16 * cpu);
}

void
idt_load_cpu(u_int cpu)
{
	struct region_descriptor rd;

	tss_init(cpu);
	rd.rd_limit = sizeof(idt) - 1;
	rd.rd_base = (uint64_t)idt;
	lidt(&rd);
}

void
idt_init(void)
{
	int i;

	for (i = 0; i < NVEC; i++)
		setgate(i, idt_vectors[i], i == T_DOUBLEFLT ? 1 : 0);
	setgate(IPI_VECTOR, idt_vec_ipi, 0);
	setgate(APIC_SPURIOUS, idt_vec_spurious, 0);
	idt_load_cpu(0);
}

static bool
bt_frame_ok(uint64_t fp, uint64_t prev)
{
	if (fp < BT_LOW || fp > BT_HIGH - 16)
		return false;
	if ((fp & 7) != 0)
		return false;
	if (prev != 0 && fp <= prev)
		return false;
	return true;
}

/*
 * The function that holds pc, and pc's offset in it: the table entry
 * with the highest address not above pc.  NULL outside the kernel's
 * text.
 */
const char *
ksym_lookup(uint64_t pc, uint64_t *offp)
{
	size_t lo = 0, hi = ksym_count, mid;

	if (ksym_count == 0 || pc < ksym_table[0].ks_addr ||
	    pc >= (uint64_t)_etext)
		return (NULL);
	while (hi - lo > 1) {		/* table[lo].ks_addr <= pc */
		mid = lo + (hi - lo) / 2;
		if (ksym_table[mid].ks_addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	*offp = pc - ksym_table[lo].ks_addr;
	return (ksym_table[lo].ks_name);
}

/*
 * One frame: the address, and function+offset when it is known.  A
 * return address (ret) points after its call, so it is named by the
 * function the call is in: the address less one, as a call may be the
 * last instruction of a function that never returns.
 */
static void
bt_print(int n, uint64_t pc, int ret)
{
	const char *name;
	uint64_t off;

	if ((name = ksym_lookup(pc - ret, &off)) != NULL)
		printf("  #%d %016lx %s+0x%lx\n", n, pc, name, off + ret);
	else
		printf("  #%d %016lx\n", n, pc);
}

/*
 * Print rip, then walk the frame-pointer chain from rbp: each frame is
 * { saved rbp, return address }.
 */
void
backtrace_from(uint64_t rip, uint64_t rbp)
{
	uint64_t *fp, prev = 0;
	int n = 0;

	printf("backtrace (read with: addr2line -f -i -e build/kernel.elf "
	    "ADDR):\n");
	if (rip != 0)
		bt_print(n++, rip, 0);
	while (n < BT_MAXFRAMES && bt_frame_ok(rbp, prev)) {
		fp = (uint64_t *)rbp;
		if (fp[1] == 0)
			break;
		bt_print(n++, fp[1], 1);
		prev = rbp;
		rbp = fp[0];
	}
	if (n == BT_MAXFRAMES)
		printf("  ...\n");
}

void
md_backtrace(void)
{
	backtrace_from(0, (uint64_t)__builtin_frame_address(0));
}

static void
trap_print(struct trapframe *tf, const char *name)
{
	printf("\nfatal trap %lu: %s, error code 0x%lx, on cpu%u\n",
	    (u_long)tf->tf_trapno, name, (u_long)tf->tf_err, cpu_number());
	if (tf->tf_trapno == T_PAGEFLT)
		printf("cr2 %016lx (%s, %s%s)\n", rcr2(),
		    (tf->tf_err & 0x10) ? "fetch" :
		    (tf->tf_err & 0x02) ? "write" : "read",
		    (tf->tf_err & 0x01) ? "protection" : "not present",
		    (tf->tf_err & 0x08) ? ", reserved bit" : "");
	printf("rip %016lx  rsp %016lx  rflags %016lx\n",
	    tf->tf_rip, tf->tf_rsp, tf->tf_rflags);
	printf("cs  %04lx  ss  %04lx  cr0 %016lx  cr3 %016lx  cr4 %016lx\n",
	    tf->tf_cs, tf->tf_ss, rcr0(), rcr3(), rcr4());
	printf("rax %016lx  rbx %016lx  rcx %016lx\n",
	    tf->tf_rax, tf->tf_rbx, tf->tf_rcx);
	printf("rdx %016lx  rsi %016lx  rdi %016lx\n",
	    tf->tf_rdx, tf->tf_rsi, tf->tf_rdi);
	printf("rbp %016lx  r8  %016lx  r9  %016lx\n",
	    tf->tf_rbp, tf->tf_r8, tf->tf_r9);
	printf("r10 %016lx  r11 %016lx  r12 %016lx\n",
	    tf->tf_r10, tf->tf_r11, tf->tf_r12);
	printf("r13 %016lx  r14 %016lx  r15 %016lx\n",
	    tf->tf_r13, tf->tf_r14, tf->tf_r15);
	/* A leaf function may have no frame: its caller is at rsp then. */
	if (bt_frame_ok(tf->tf_rsp, 0))
		printf("stack %016lx  %016lx  %016lx\n",
		    ((uint64_t *)tf->tf_rsp)[0], ((uint64_t *)tf->tf_rsp)[1],
		    ((uint64_t *)tf->tf_rsp)[2]);
	backtrace_from(tf->tf_rip, tf->tf_rbp);
}

void
trap(struct trapframe *tf)
{
	const char *name;
	int t = (int)tf->tf_trapno;
	u_int cpu;

	if (t >= ICU_OFFSET && t < NVEC) {
		intr_dispatch(tf);
		return;
	}
	if (t == IPI_VECTOR) {
		mp_ipi_intr();
		return;
	}
	if (t == APIC_SPURIOUS)
		return;			/* no EOI for a spurious interrupt */
	if (t == T_NMI && mp_stop_requested())
		mp_stopped_here();

	cpu = cpu_number();
	name = t < NCPUEXC ? trap_names[t] : "unknown vector";
	if (trap_nesting[cpu]++ > 0) {
		printf("\nrecursive trap %d (%s) at rip %016lx, "
		    "error code 0x%lx, cr2 %016lx\n", t, name,
		    tf->tf_rip, (u_long)tf->tf_err, rcr2());
		md_exit(1);
	}
	trap_print(tf, name);
	/* panic() may be caught by a self-test and never come back. */
	trap_nesting[cpu] = 0;
	panic("trap %d (%s) at rip 0x%lx", t, name, (u_long)tf->tf_rip);
}
