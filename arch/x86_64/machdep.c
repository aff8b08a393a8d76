/*
 * arch/x86_64/machdep.c: sys/machdep.h for bare metal x86_64 (QEMU pc).
 *
 * md_boot() is the first C code (boot.S calls it in long mode): it
 * brings up the serial console, the IDT and the PICs, calibrates the
 * TSC against the PIT, copies the command line (without the image path
 * that multiboot loaders put first), hands usable RAM to the
 * page allocator and calls kern_main().  The rest implements the
 * porting seam: console, interrupt flag, idle, clock, time, exit.
 *
 * Exit codes: md_exit(code) writes code to QEMU's isa-debug-exit device
 * (-device isa-debug-exit,iobase=0xf4,iosize=0x04), and QEMU exits with
 * status (code << 1) | 1.  So
 *	md_exit(0) (pass)  ->  QEMU exit status 1
 *	md_exit(1) (fail)  ->  QEMU exit status 3
 * Without that device the write does nothing and md_exit halts for ever
 * with interrupts off.
 *
 * Invariants: only RAM the firmware calls usable, at or above `end`
 * (the end of the kernel image, .bss included) and below 4 GiB (the end
 * of the identity map), and outside the multiboot structures, reaches
 * vm_page_add_region(), in whole pages; every multiboot structure we
 * need is copied or consumed before the first page is handed over.
 * md_nanotime() never goes backwards on one CPU (the TSC is monotonic);
 * across CPUs it relies on their TSCs running in step, as QEMU's do.
 * The boot CPU's %gs base points at cpu_info[0] before any other C code
 * runs (curcpu(), and so spl(9), need it).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/machdep.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>

const bool md_async_interrupts = true;

/* Multiboot 1 information (only the fields we read). */
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2badb002
#define MBI_F_MEM		0x00000001
#define MBI_F_CMDLINE		0x00000004
#define MBI_F_MODS		0x00000008
#define MBI_F_MMAP		0x00000040

struct multiboot_info {
	uint32_t	mi_flags;
	uint32_t	mi_mem_lower;		/* KiB below 1 MiB */
	uint32_t	mi_mem_upper;		/* KiB from 1 MiB */
	uint32_t	mi_boot_device;
	uint32_t	mi_cmdline;
	uint32_t	mi_mods_count;
	uint32_t	mi_mods_addr;
	uint32_t	mi_syms[4];
	uint32_t	mi_mmap_length;
	uint32_t	mi_mmap_addr;
} __packed;

struct multiboot_mmap {
	uint32_t	mm_size;		/* of the rest of the entry */
	uint64_t	mm_base;
	uint64_t	mm_length;
	uint32_t	mm_type;
#define MMAP_AVAILABLE	1
} __packed;

struct multiboot_mod {
	uint32_t	mod_start;
	uint32_t	mod_end;
	uint32_t	mod_string;
	uint32_t	mod_reserved;
} __packed;

#define MI_SIZE		128		/* room for every multiboot 1 field */
#define MEM_LIMIT	0x100000000ULL	/* identity map ends at 4 GiB */
#define MAXRANGES	64

struct range {
	uint64_t	r_start;
	uint64_t	r_end;
};

extern char end[];			/* kernel.ld: end of the image */

void	md_boot(uint32_t magic, uint32_t mbi) __dead;

static char boot_cmdline[1024];
static struct range resv[MAXRANGES];	/* not to be handed out */
static int nresv;
static struct range avail[MAXRANGES];	/* handed out */
static int navail;

/* TSC rate: ns = ((tsc - tsc_base) * tsc_mult) >> 32. */
static uint64_t tsc_base;
static uint64_t tsc_hz;
static uint64_t tsc_mult;

/* 8254 PIT */
#define TIMER_FREQ	1193182
#define IO_TIMER_CNTR0	0x40
#define IO_TIMER_CNTR2	0x42
#define IO_TIMER_MODE	0x43
#define IO_PPI		0x61		/* gate of counter 2, its output */
#define PPI_GATE2	0x01
#define PPI_SPEAKER	0x02
#define PPI_OUT2	0x20

#define IO_DEBUG_EXIT	0xf4
#define IO_KBD_STATUS	0x64
#define KBD_IBF		0x02
#define KBD_RESET	0xfe

static void
resv_add(uint64_t start, uint64_t len)
{
	if (len == 0 || nresv == MAXRANGES)
		return;
	resv[nresv].r_start = rounddown(start, PAGE_SIZE);
	resv[nresv].r_end = roundup(start + len, PAGE_SIZE);
	nresv++;
}

/* Record [start, end) minus every reserved range from resv[i] on. */
static void
avail_add(uint64_t start, uint64_t end, int i)
{
	for (; i < nresv; i++) {
		if (resv[i].r_end <= start || resv[i].r_start >= end)
			continue;
		if (start < resv[i].r_start)
			avail_add(start, resv[i].r_start, i + 1);
		if (resv[i].r_end < end)
			avail_add(resv[i].r_end, end, i + 1);
		return;
	}
	if (start < end && navail < MAXRANGES) {
		avail[navail].r_start = start;
		avail[navail].r_end = end;
		navail++;
	}
}

/* A usable RAM range from the firmware: clip, align, carve. */
static void
ram_add(uint64_t start, uint64_t len)
{
	uint64_t end = start + len;

	if (end > MEM_LIMIT)
		end = MEM_LIMIT;
	start = roundup(start, PAGE_SIZE);
	end = rounddown(end, PAGE_SIZE);
	if (start < end)
		avail_add(start, end, 0);
}

static size_t
cstrlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static void
multiboot_parse(uint32_t magic, uint32_t mbiaddr)
{
	const struct multiboot_info *mi;
	const struct multiboot_mmap *mm;
	const struct multiboot_mod *mod;
	const char *cl;
	uint64_t p, total = 0, availsz = 0;
	uint32_t i;
	size_t n;
	int r;

	if (magic != MULTIBOOT_BOOTLOADER_MAGIC || mbiaddr == 0)
		panic("md_boot: not started by a multiboot loader "
		    "(magic 0x%x)", magic);
	mi = (const struct multiboot_info *)(uintptr_t)mbiaddr;

	/* Everything up to the end of the kernel, low memory included. */
	resv_add(0, roundup((uint64_t)(uintptr_t)end, PAGE_SIZE));
	resv_add(mbiaddr, MI_SIZE);

	if ((mi->mi_flags & MBI_F_CMDLINE) && mi->mi_cmdline != 0) {
		cl = (const char *)(uintptr_t)mi->mi_cmdline;
		n = cstrlen(cl);
		resv_add(mi->mi_cmdline, n + 1);
		/* The loader puts the image's path first: drop it. */
		while (*cl != '\0' && *cl != ' ')
			cl++;
		while (*cl == ' ')
			cl++;
		n = cstrlen(cl);
		if (n >= sizeof(boot_cmdline))
			n = sizeof(boot_cmdline) - 1;
		for (i = 0; i < n; i++)
			boot_cmdline[i] = cl[i];
		boot_cmdline[n] = '\0';
	}
	if ((mi->mi_flags & MBI_F_MODS) && mi->mi_mods_count != 0) {
		resv_add(mi->mi_mods_addr,
		    mi->mi_mods_count * sizeof(struct multiboot_mod));
		mod = (const struct multiboot_mod *)(uintptr_t)
		    mi->mi_mods_addr;
		for (i = 0; i < mi->mi_mods_count; i++) {
			resv_add(mod[i].mod_start,
			    mod[i].mod_end - mod[i].mod_start);
			if (mod[i].mod_string != 0)
				resv_add(mod[i].mod_string, cstrlen(
				    (const char *)(uintptr_t)
				    mod[i].mod_string) + 1);
		}
	}

	if (mi->mi_flags & MBI_F_MMAP) {
		resv_add(mi->mi_mmap_addr, mi->mi_mmap_length);
		for (p = mi->mi_mmap_addr;
		    p + sizeof(*mm) <= (uint64_t)mi->mi_mmap_addr +
		    mi->mi_mmap_length; p += mm->mm_size + 4) {
			mm = (const struct multiboot_mmap *)(uintptr_t)p;
			printf("mem: 0x%012llx-0x%012llx %s\n",
			    (unsigned long long)mm->mm_base,
			    (unsigned long long)(mm->mm_base + mm->mm_length),
			    mm->mm_type == MMAP_AVAILABLE ? "available" :
			    "reserved");
			if (mm->mm_type != MMAP_AVAILABLE)
				continue;
			total += mm->mm_length;
			ram_add(mm->mm_base, mm->mm_length);
		}
	} else if (mi->mi_flags & MBI_F_MEM) {
		total = ((uint64_t)mi->mi_mem_lower + mi->mi_mem_upper) * 1024;
		ram_add(0x100000, (uint64_t)mi->mi_mem_upper * 1024);
	} else
		panic("md_boot: the loader gave no memory map");

	for (r = 0; r < navail; r++)
		availsz += avail[r].r_end - avail[r].r_start;
	printf("real mem  = %lu (%lu MB)\n", (u_long)total,
	    (u_long)(total >> 20));
	printf("avail mem = %lu (%lu MB) in %d ranges\n", (u_long)availsz,
	    (u_long)(availsz >> 20), navail);
	if (navail == 0)
		panic("md_boot: no usable memory above the kernel");
}

/*
 * Measure the TSC against a 50 ms one-shot on PIT counter 2 (its
 * output is readable in port 0x61 and needs no interrupt).
 */
static void
tsc_calibrate(void)
{
	const uint32_t count = TIMER_FREQ / 20;		/* 50 ms */
	uint64_t t0, t1, spin;
	uint8_t ppi;

	ppi = inb(IO_PPI);
	outb(IO_PPI, (ppi & ~PPI_SPEAKER) | PPI_GATE2);
	outb(IO_TIMER_MODE, 0xb0);	/* counter 2, lsb+msb, mode 0 */
	outb(IO_TIMER_CNTR2, count & 0xff);
	outb(IO_TIMER_CNTR2, count >> 8);
	t0 = rdtsc();
	for (spin = 0; spin < 100000000; spin++)
		if (inb(IO_PPI) & PPI_OUT2)
			break;
	t1 = rdtsc();
	outb(IO_PPI, ppi & ~(PPI_SPEAKER | PPI_GATE2));

	if (t1 <= t0 || spin == 100000000) {
		printf("tsc: calibration failed, assuming 1 GHz\n");
		tsc_hz = 1000000000;
	} else
		tsc_hz = (t1 - t0) * TIMER_FREQ / count;
	tsc_mult = (1000000000ULL << 32) / tsc_hz;
	tsc_base = rdtsc();
}

void
md_boot(uint32_t magic, uint32_t mbi)
{
	int r;

	mp_set_gsbase(0);
	com_init();
	idt_init();
	intr_init();
	ioapic_init();
	com_intr_init();
	tsc_calibrate();
	multiboot_parse(magic, mbi);
	printf("tsc: %lu.%03lu MHz\n", (u_long)(tsc_hz / 1000000),
	    (u_long)(tsc_hz / 1000 % 1000));

	/* Only now may the page allocator write to free memory. */
	for (r = 0; r < navail; r++)
		vm_page_add_region(avail[r].r_start, avail[r].r_end);
	kern_main(boot_cmdline);
}

void
md_cons_putc(int c)
{
	if (c == '\n')
		com_putc('\r');
	com_putc(c);
}

int
md_cons_getc(void)
{
	return com_getc();
}

/*
 * Wait for an interrupt.  "sti; hlt" back to back: sti takes effect
 * only after the next instruction, so an interrupt that arrives after
 * the caller's last check cannot slip in before the hlt and be missed.
 * The interrupt flag is left as the caller had it.
 */
void
md_idle(void)
{
	uint64_t f;

	f = read_rflags();
	__asm volatile("sti; hlt" : : : "memory");
	if ((f & PSL_I) == 0)
		cli();
}

static void
clock_intr(void *arg)
{
	hardclock();
}

void
md_clock_start(int hz)
{
	uint32_t divisor;
	uint64_t s;

	if (hz <= 0)
		panic("md_clock_start: hz %d", hz);
	divisor = (TIMER_FREQ + hz / 2) / hz;
	if (divisor == 0)
		divisor = 1;
	if (divisor > 65535)
		divisor = 65535;
	s = intr_save();
	outb(IO_TIMER_MODE, 0x34);	/* counter 0, lsb+msb, rate gen. */
	outb(IO_TIMER_CNTR0, divisor & 0xff);
	outb(IO_TIMER_CNTR0, divisor >> 8);
	(void)md_intr_establish(IRQ_CLOCK, INTR_ISA, "clock", clock_intr,
	    NULL);
	intr_restore(s);
}

uint64_t
md_cycles(void)
{
	return rdtsc();
}

uint64_t
md_nanotime(void)
{
	uint64_t d = rdtsc() - tsc_base;

	return (uint64_t)(((unsigned __int128)d * tsc_mult) >> 32);
}

void
md_exit(int code)
{
	cli();
	outl(IO_DEBUG_EXIT, (uint32_t)code);
	for (;;)
		hlt();
}

void
md_reboot(void)
{
	struct region_descriptor nullidt = { 0, 0 };
	int spin;

	cli();
	/* Pulse the CPU reset line through the keyboard controller. */
	for (spin = 0; spin < 100000; spin++)
		if ((inb(IO_KBD_STATUS) & KBD_IBF) == 0)
			break;
	outb(IO_KBD_STATUS, KBD_RESET);
	for (spin = 0; spin < 1000000; spin++)
		cpu_pause();
	/* Still here: an empty IDT turns the next trap into a reset. */
	lidt(&nullidt);
	__asm volatile("int3");
	for (;;)
		hlt();
}
