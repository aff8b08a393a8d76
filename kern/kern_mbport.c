/*
 * kern/kern_mbport.c: this kernel's side of the mbuf module's seam,
 * mbuf_port(9): the module's calls into the kernel (over malloc(9),
 * tsleep(9), printf and the kernel command line), and what the kernel
 * does with the module (start it, leak probes for the self-tests, the
 * mpipes and msys shell commands).
 *
 * Invariants: every function declared in sys/mbuf_port.h is defined
 * here and nowhere else (the inline half is kern/kern_mbport.h); the
 * module calls nothing of this kernel's but these.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mutex.h>
#include <sys/cpu.h>
#include <sys/mbuf_port.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>
#include <sys/selftest.h>
#include <sys/shell.h>

void	mbport_attach(void);

void *
mbp_malloc(size_t size, struct mbp_memtype *type, int flags)
{
	return (malloc(size, type, flags));
}

void
mbp_free(void *addr, struct mbp_memtype *type)
{
	free(addr, type);
}

void
mbp_memtype_init(struct mbp_memtype *type)
{
	malloc_type_attach(type);
}

const char *
mbp_memtype_name(const struct mbp_memtype *type)
{
	return (type->ks_shortdesc);
}

void
mbp_wakeup(const void *chan)
{
	wakeup(chan);
}

void
mbp_lock_init(struct mbp_lock *lk, const char *name)
{
	mtx_init(&lk->ml_mtx, name);
}

void
mbp_lock_enter(struct mbp_lock *lk)
{
	mtx_enter(&lk->ml_mtx);
}

void
mbp_lock_exit(struct mbp_lock *lk)
{
	mtx_leave(&lk->ml_mtx);
}

void
mbp_xcall(u_int cpu, void (*fn)(void *), void *arg)
{
	cpu_xcall(cpu, fn, arg);
}

int
mbp_lock_sleep(struct mbp_lock *lk, const void *chan, const char *wmesg,
    int timo)
{
	return (msleep(chan, &lk->ml_mtx, 0, wmesg, timo));
}

void
mbp_panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	panic("%s", buf);
}

int
mbp_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

int
mbp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (vsnprintf(buf, size, fmt, ap));
}

int
mbp_hz(void)
{
	return (hz);
}

bool
mbp_tunable(const char *name, long *valp)
{
	return (kenv_getint(name, valp));
}

/*
 * The self-tests' leak probes: the harness checks each around every
 * case, from the module's own counters.
 */
static long
mbport_count_mbufs(void)
{
	return ((long)mbstat_mbufs());
}

static long
mbport_count_clusters(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return ((long)st.m_clusters);
}

static long
mbport_count_extbufs(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return ((long)st.m_extbufs);
}

static long
mbport_count_pipebufs(void)
{
	return (mpipe_total_out());
}

/* The depots' high-water marks keep buffers: not a leak. */
static void
mbport_settle(void)
{
	(void)mpipe_trim_all();
}

static struct leakprobe mbport_probes[] = {
	{ .lp_name = "pipe buffers", .lp_count = mbport_count_pipebufs,
	  .lp_settle = mbport_settle },
	{ .lp_name = "mbufs", .lp_count = mbport_count_mbufs },
	{ .lp_name = "clusters", .lp_count = mbport_count_clusters },
	{ .lp_name = "extbufs", .lp_count = mbport_count_extbufs },
	{ .lp_name = "os_mempool blocks", .lp_count = os_mempool_nout },
};

/* Start the module and register its leak probes; once, at boot. */
void
mbport_attach(void)
{
	size_t i;

	mbinit();
	for (i = 0; i < nitems(mbport_probes); i++)
		leakprobe_register(&mbport_probes[i]);
}

SHELL_CMD(mpipes, "mpipe(9) reserves and their counters")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	mpipe_print_all();
	return (0);
}

SHELL_CMD(msys, "msys(9) size classes and their counters")
{
	if (argc != 1)
		return (shell_usage(argv[0]));
	msys_print();
	return (0);
}
