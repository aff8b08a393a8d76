/*
 * arch/x86_64/mp.c: the other CPUs: found in ACPI, started, woken and
 * stopped through the local APIC.
 *
 * md_cpu_start_secondary() reads the ACPI MADT (found through the RSDP
 * in the BIOS area, 0xe0000-0xfffff) for the local APIC of every
 * enabled processor.  With one, it does nothing and the machine runs
 * as a uniprocessor (its local APIC enabled by lapic_boot_init() only
 * when ioapic.c found an I/O APIC).  With more, it turns the big lock
 * on, programs the boot CPU's local APIC (LINT0 masked when the I/O
 * APIC routes device interrupts, else the 8259's virtual wire to the
 * boot CPU only), copies the
 * trampoline (mpboot.S) to MPBOOT_ADDR and starts each other CPU with
 * INIT, STARTUP, STARTUP (Intel SDM vol. 3, 8.4.4), one at a time,
 * waiting up to a second for each to enter the scheduler.  A started
 * CPU loads the shared IDT, its own TSS and %gs, masks its LINT0 and
 * becomes its idle thread (sched_cpu_start).
 *
 * The timer: only the boot CPU takes the 8254's interrupt (hardclock,
 * callouts); the others have no interrupt source but the wakeup IPI,
 * which md_cpu_wake sends when a thread becomes runnable while they
 * are halted, and the device interrupts the I/O APIC sends them
 * (intr_route; intr_cpus_started() takes the routes asked for before
 * they started).  A panic stops the others with an NMI, which reaches a
 * CPU that has interrupts masked or spins on a lock.
 *
 * Invariants: cpu_info[i] describes the CPU with local APIC id
 * ci_hwid and %gs base &cpu_info[i]; ncpu counts the CPUs that were
 * asked to start and came up; the ICR is written with interrupts masked
 * and only once the previous IPI has left (delivery status idle).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/proc.h>
#include <sys/machdep.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>

#define MPBOOT_ADDR	0x8000		/* mpboot.S agrees; below 1 MiB */

#define MSR_APICBASE	0x1b
#define APICBASE_EN	0x800

/* Local APIC registers (offsets) and bits. */
#define LAPIC_ID	0x020
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define  SVR_ENABLE	0x100
#define LAPIC_ICRLO	0x300
#define LAPIC_ICRHI	0x310
#define  ICR_FIXED	0x00000
#define  ICR_NMI	0x00400
#define  ICR_INIT	0x00500
#define  ICR_STARTUP	0x00600
#define  ICR_BUSY	0x01000
#define  ICR_ASSERT	0x04000
#define  ICR_LEVEL	0x08000
#define  ICR_OTHERS	0xc0000	/* all excluding self */
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERR	0x370
#define  LVT_MASKED	0x10000
#define  LVT_EXTINT	0x00700
#define  LVT_NMI	0x00400

/* ACPI tables (ACPI 6.4, 5.2). */
struct acpi_rsdp {
	char		rsdp_sig[8];		/* "RSD PTR " */
	uint8_t		rsdp_sum;
	char		rsdp_oem[6];
	uint8_t		rsdp_rev;
	uint32_t	rsdp_rsdt;
	uint32_t	rsdp_len;		/* rev >= 2 from here */
	uint64_t	rsdp_xsdt;
	uint8_t		rsdp_xsum;
	uint8_t		rsdp_rsvd[3];
} __packed;

struct acpi_hdr {
	char		h_sig[4];
	uint32_t	h_len;
	uint8_t		h_rev;
	uint8_t		h_sum;
	char		h_oem[6];
	char		h_oemtable[8];
	uint32_t	h_oemrev;
	uint32_t	h_creator;
	uint32_t	h_creatorrev;
} __packed;

#define MADT_LAPIC	0		/* processor local APIC entry */
#define MADT_LAPIC_EN	0x1

extern char mpboot_start[], mpboot_end[], mpboot_stack[], mpboot_cpu[];
extern char mpboot_gdtdesc[];
extern char gdt_desc[];			/* boot.S: limit, 64-bit base */
void	mp_ap_main(u_int) __dead;

static volatile uint32_t *lapic;
static u_int ap_hwid[MAXCPUS];
static int nfound;
static uint8_t ap_stack[MAXCPUS][KSTACK_SIZE] __aligned(16);
static volatile int mp_stopping;
static volatile int mp_nstopped;

static inline uint32_t
lapic_read(int reg)
{
	return (lapic[reg / 4]);
}

static inline void
lapic_write(int reg, uint32_t v)
{
	lapic[reg / 4] = v;
	(void)lapic[LAPIC_ID / 4];	/* the write has landed */
}

static void
delay_us(uint64_t us)
{
	uint64_t t0 = md_nanotime();

	while (md_nanotime() - t0 < us * 1000)
		cpu_pause();
}

static bool
acpi_sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += b[i];
	return (sum == 0);
}

/*
 * The RSDP lies on a 16-byte boundary in the BIOS area.  (The EBDA,
 * the other place it may be, is found through a pointer in page 0,
 * which this kernel leaves unmapped; QEMU's firmware puts it here.)
 */
static const struct acpi_rsdp *
acpi_find_rsdp(void)
{
	uintptr_t p;

	for (p = 0xe0000; p < 0x100000; p += 16) {
		const struct acpi_rsdp *r = (const struct acpi_rsdp *)p;

		if (memcmp(r->rsdp_sig, "RSD PTR ", 8) == 0 &&
		    acpi_sum_ok(r, 20))
			return (r);
	}
	return (NULL);
}

static const struct acpi_hdr *
acpi_find_table(const struct acpi_rsdp *rsdp, const char *sig)
{
	const struct acpi_hdr *rsdt, *h;
	const uint8_t *ent;
	uint32_t i, n;

	rsdt = (const struct acpi_hdr *)(uintptr_t)rsdp->rsdp_rsdt;
	if (rsdt == NULL || memcmp(rsdt->h_sig, "RSDT", 4) != 0 ||
	    rsdt->h_len < sizeof(*rsdt) || !acpi_sum_ok(rsdt, rsdt->h_len))
		return (NULL);
	n = (rsdt->h_len - sizeof(*rsdt)) / 4;
	ent = (const uint8_t *)(rsdt + 1);
	for (i = 0; i < n; i++) {
		uint32_t a;

		memcpy(&a, ent + 4 * i, sizeof(a));
		h = (const struct acpi_hdr *)(uintptr_t)a;
		if (h != NULL && memcmp(h->h_sig, sig, 4) == 0 &&
		    h->h_len >= sizeof(*h) && acpi_sum_ok(h, h->h_len))
			return (h);
	}
	return (NULL);
}

/*
 * The MADT's interrupt controller structures, [*startp, *endp); false
 * when there is no valid MADT.
 */
bool
acpi_madt_entries(const uint8_t **startp, const uint8_t **endp)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_hdr *madt;

	if ((rsdp = acpi_find_rsdp()) == NULL ||
	    (madt = acpi_find_table(rsdp, "APIC")) == NULL ||
	    madt->h_len < sizeof(*madt) + 8)
		return (false);
	/* After the header: the local APIC address and flags, 8 bytes. */
	*startp = (const uint8_t *)(madt + 1) + 8;
	*endp = (const uint8_t *)madt + madt->h_len;
	return (true);
}

/* Fill ap_hwid[] with the enabled processors' local APIC ids. */
static void
madt_parse(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_hdr *madt;
	const uint8_t *p, *end;

	nfound = 0;
	if ((rsdp = acpi_find_rsdp()) == NULL) {
		printf("mp: no ACPI RSDP, one CPU\n");
		return;
	}
	if ((madt = acpi_find_table(rsdp, "APIC")) == NULL) {
		printf("mp: no ACPI MADT, one CPU\n");
		return;
	}
	/* After the header: the local APIC address and flags, 8 bytes. */
	p = (const uint8_t *)(madt + 1) + 8;
	end = (const uint8_t *)madt + madt->h_len;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_LAPIC && p[1] >= 8) {
			uint32_t flags;

			memcpy(&flags, p + 4, sizeof(flags));
			if ((flags & MADT_LAPIC_EN) != 0) {
				if (nfound < MAXCPUS)
					ap_hwid[nfound] = p[3];
				nfound++;
			}
		}
		p += p[1];
	}
	if (nfound > MAXCPUS) {
		printf("mp: %d CPUs, using the first %d\n", nfound, MAXCPUS);
		nfound = MAXCPUS;
	}
}

static void
lapic_map(void)
{
	lapic = (volatile uint32_t *)(uintptr_t)(rdmsr(MSR_APICBASE) &
	    ~0xfffULL);
	wrmsr(MSR_APICBASE, rdmsr(MSR_APICBASE) | APICBASE_EN);
	cpu_info[0].ci_hwid = lapic_read(LAPIC_ID) >> 24;
}

static void
lapic_init(bool boot)
{
	lapic_write(LAPIC_SVR, SVR_ENABLE | APIC_SPURIOUS);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	/*
	 * Without an I/O APIC the 8259 reaches the boot CPU only, through
	 * LINT0; with one the 8259 is silenced and LINT0 masked everywhere.
	 */
	lapic_write(LAPIC_LVT_LINT0, boot && !ioapic_active ? LVT_EXTINT :
	    LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_NMI);
	lapic_write(LAPIC_LVT_ERR, LVT_MASKED);
	lapic_write(LAPIC_EOI, 0);
}

/* Send an IPI; interrupts masked so the two ICR writes stay a pair. */
static void
lapic_ipi(u_int hwid, uint32_t lo)
{
	uint64_t f;
	int spin;

	f = intr_save();
	for (spin = 0; spin < 1000000; spin++)
		if ((lapic_read(LAPIC_ICRLO) & ICR_BUSY) == 0)
			break;
	lapic_write(LAPIC_ICRHI, hwid << 24);
	lapic_write(LAPIC_ICRLO, lo);
	intr_restore(f);
}

void
mp_set_gsbase(u_int cpu)
{
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&cpu_info[cpu]);
}

static void
mpboot_copy(void)
{
	char *dst = (char *)(uintptr_t)MPBOOT_ADDR;
	size_t len = mpboot_end - mpboot_start;
	uint64_t base64;
	uint16_t limit;
	uint32_t base;

	memcpy(dst, mpboot_start, len);
	/* The kernel's GDT, with the 32-bit base real mode can load. */
	memcpy(&limit, gdt_desc, sizeof(limit));
	memcpy(&base64, gdt_desc + 2, sizeof(base64));
	base = (uint32_t)base64;
	memcpy(dst + (mpboot_gdtdesc - mpboot_start), &limit, sizeof(limit));
	memcpy(dst + (mpboot_gdtdesc - mpboot_start) + 2, &base,
	    sizeof(base));
}

/* INIT, STARTUP, STARTUP; true when the CPU entered the scheduler. */
static bool
mp_start_one(u_int idx)
{
	struct cpu_info *ci = &cpu_info[idx];
	char *tramp = (char *)(uintptr_t)MPBOOT_ADDR;
	uint64_t stack = (uint64_t)(uintptr_t)(ap_stack[idx] +
	    sizeof(ap_stack[idx]));
	uint64_t cpu = idx, t0;
	int i;

	memcpy(tramp + (mpboot_stack - mpboot_start), &stack, sizeof(stack));
	memcpy(tramp + (mpboot_cpu - mpboot_start), &cpu, sizeof(cpu));
	__asm volatile("mfence" : : : "memory");

	lapic_ipi(ci->ci_hwid, ICR_INIT | ICR_LEVEL | ICR_ASSERT);
	delay_us(200);
	lapic_ipi(ci->ci_hwid, ICR_INIT | ICR_LEVEL);
	delay_us(10000);
	for (i = 0; i < 2; i++) {
		lapic_ipi(ci->ci_hwid, ICR_STARTUP | (MPBOOT_ADDR >> 12));
		delay_us(200);
	}
	t0 = md_nanotime();
	while (!ci->ci_running && md_nanotime() - t0 < 1000000000ULL)
		cpu_pause();
	return (ci->ci_running != 0);
}

void
md_cpu_start_secondary(void)
{
	u_int bsp, i, n;
	uint64_t s;

	madt_parse();
	if (nfound < 2) {
		intr_cpus_started();
		return;
	}
	s = intr_save();
	lapic_map();
	bsp = cpu_info[0].ci_hwid;
	lapic_init(true);
	giant_begin();
	mpboot_copy();
	n = 1;
	for (i = 0; i < (u_int)nfound; i++) {
		if (ap_hwid[i] == bsp)
			continue;
		cpu_info_init(&cpu_info[n], n, ap_hwid[i]);
		ncpu = n + 1;
		if (!mp_start_one(n)) {
			printf("cpu%u: apic %u did not start\n", n, ap_hwid[i]);
			ncpu = n;
			break;
		}
		n++;
	}
	intr_restore(s);
	printf("mp: %d CPUs running (timer on cpu0, devices on %s)\n", ncpu,
	    ioapic_active ? "the CPUs the I/O APIC names" : "cpu0");
	intr_cpus_started();
}

/*
 * The boot CPU's local APIC, for the I/O APIC's interrupts (ioapic.c),
 * on one CPU as on several.
 */
void
lapic_boot_init(void)
{
	uint64_t s;

	s = intr_save();
	lapic_map();
	lapic_init(true);
	intr_restore(s);
}

void
lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* The LVT LINT0 entry of this CPU (the intr.no_8259 self-test). */
uint32_t
lapic_lint0(void)
{
	return (lapic != NULL ? lapic_read(LAPIC_LVT_LINT0) : 0);
}

/* A secondary CPU's first C code, on its own stack, masked. */
void
mp_ap_main(u_int idx)
{
	struct cpu_info *ci = &cpu_info[idx];

	mp_set_gsbase(idx);
	idt_load_cpu(idx);
	wrmsr(MSR_APICBASE, rdmsr(MSR_APICBASE) | APICBASE_EN);
	lapic_init(false);
	printf("cpu%u: apic %u started\n", idx, ci->ci_hwid);
	sched_cpu_start(ci, ap_stack[idx], sizeof(ap_stack[idx]));
}

void
md_cpu_wake(struct cpu_info *ci)
{
	if (lapic != NULL && ci != curcpu())
		lapic_ipi(ci->ci_hwid, ICR_FIXED | ICR_ASSERT | IPI_VECTOR);
}

void
mp_ipi_intr(void)
{
	curcpu()->ci_nipi++;
	lapic_write(LAPIC_EOI, 0);
	cpu_xcall_poll();
}

/* Stop every other CPU with an NMI; wait a little for them to stop. */
void
md_cpu_stop_others(void)
{
	uint64_t t0;

	if (lapic == NULL || ncpu < 2)
		return;
	mp_stopping = 1;
	__asm volatile("mfence" : : : "memory");
	lapic_ipi(0, ICR_NMI | ICR_ASSERT | ICR_OTHERS);
	t0 = md_nanotime();
	while (mp_nstopped < ncpu - 1 && md_nanotime() - t0 < 100000000ULL)
		cpu_pause();
	printf("mp: cpu%u stopped %d of %d other CPUs\n", cpu_number(),
	    mp_nstopped, ncpu - 1);
}

bool
mp_stop_requested(void)
{
	return (mp_stopping != 0);
}

/* The NMI handler of a stopped CPU: masked, NMIs blocked, for good. */
void
mp_stopped_here(void)
{
	cli();
	__atomic_fetch_add(&mp_nstopped, 1, __ATOMIC_RELAXED);
	for (;;)
		hlt();
}
