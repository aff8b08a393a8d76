/*
 * kern_mutex.c: spin mutexes (mutex(9)) and the interim big lock.
 *
 * Both are test-and-test-and-set spin locks (lock_wait says why not
 * ticket locks).  A spin mutex also masks
 * interrupts on its CPU for as long as it is held, by raising the
 * CPU's level to IPL_HIGH; the level it replaced is kept per CPU with
 * a count of mutexes held (NetBSD's ci_mtx_oldspl/ci_mtx_count), so
 * nested mutexes may be left in any order and the last mtx_leave
 * restores it.
 *
 * The big lock ("Giant") is the transition from one CPU to several: a
 * CPU holds it while its level is above IPL_NONE (splraise and splx in
 * sys/systm.h take and drop it) and while it runs an interrupt handler
 * (intr_enter, kern_spl.c), so every section that spl(9) made atomic
 * on one CPU is still run by one CPU at a time.  mi_switch drops it
 * for the thread that leaves and takes it again when that thread
 * resumes, so it belongs to a thread, never to a sleeping one.
 * smp_giant turns it on when a second CPU starts; until then, and
 * always with one CPU, nothing takes it.
 *
 * Invariants: a CPU never waits for a lock it holds (mtx_enter
 * panics, naming the lock); the big lock is never taken while a spin
 * mutex is held, so the order is always big lock, then spin mutexes;
 * a lock waited for longer than LOCK_TIMEOUT_NS is a deadlock and
 * panics, naming the lock and the CPU that holds it.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/cpu.h>
#include <sys/mutex.h>
#include <sys/machdep.h>

#define LOCK_TIMEOUT_NS	(20ULL * 1000000000ULL)	/* a deadlock, surely */
#define LOCK_CHECK_MASK	0xfff			/* check the time so often */

volatile int smp_giant;
static struct mutex giant = MUTEX_INITIALIZER("giant");

static inline void
lock_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm volatile("pause" : : : "memory");
#else
	__asm volatile("" : : : "memory");
#endif
}

/*
 * Wait for the lock and take it; returns the loops spun.  Test and
 * test-and-set: a waiter reads until the lock looks free, then tries
 * the exchange.  Not FIFO, on purpose: under QEMU a virtual CPU is a
 * host thread that the host may deschedule at any time, and with a
 * ticket lock every CPU behind a descheduled waiter waits for it too.
 */
static u_long
lock_wait(struct mutex *mtx)
{
	u_long spins = 0;
	uint64_t t0 = 0;

	for (;;) {
		if (__atomic_load_n(&mtx->mtx_lock, __ATOMIC_RELAXED) == 0 &&
		    __atomic_exchange_n(&mtx->mtx_lock, 1,
		    __ATOMIC_ACQUIRE) == 0)
			return (spins);
		cpu_xcall_poll();	/* the holder may be waiting for us */
		lock_pause();
		if ((++spins & LOCK_CHECK_MASK) != 0)
			continue;
		if (t0 == 0)
			t0 = md_nanotime();
		else if (md_nanotime() - t0 > LOCK_TIMEOUT_NS) {
			struct cpu_info *o = mtx->mtx_owner;

			panic("mtx_enter: %s held by cpu%d for more than "
			    "%llu s (deadlock)", mtx->mtx_name,
			    o != NULL ? (int)o->ci_index : -1,
			    LOCK_TIMEOUT_NS / 1000000000ULL);
		}
	}
}

static inline void
lock_release(struct mutex *mtx)
{
	__atomic_store_n(&mtx->mtx_lock, 0, __ATOMIC_RELEASE);
}

void
mtx_init(struct mutex *mtx, const char *name)
{
	mtx->mtx_lock = 0;
	mtx->mtx_owner = NULL;
	mtx->mtx_name = name;
	mtx->mtx_contended = 0;
}

/* Mask interrupts and count one more mutex held on this CPU. */
static struct cpu_info *
mtx_block_intr(void)
{
	struct cpu_info *ci;
	int old;

	md_intr_disable();
	ci = curcpu();
	old = ci->ci_ipl;
	ci->ci_ipl = IPL_HIGH;
	if (ci->ci_mtx_count++ == 0)
		ci->ci_mtx_oldipl = old;
	return (ci);
}

/* One mutex fewer: the last one puts the level back. */
static void
mtx_unblock_intr(struct cpu_info *ci)
{
	int ipl;

	if (--ci->ci_mtx_count > 0)
		return;
	ipl = ci->ci_mtx_oldipl;
	ci->ci_ipl = ipl;
	if (ipl == IPL_NONE && ci->ci_intrnest == 0)
		md_intr_enable();
}

void
mtx_enter(struct mutex *mtx)
{
	struct cpu_info *ci;

	ci = mtx_block_intr();
	if (__predict_false(mtx->mtx_owner == ci)) {
		mtx_unblock_intr(ci);
		panic("mtx_enter: %s already held by this CPU (cpu%u)",
		    mtx->mtx_name, ci->ci_index);
	}
	/* Uncontended: one exchange, no call; else spin (lock_wait). */
	if (__atomic_exchange_n(&mtx->mtx_lock, 1, __ATOMIC_ACQUIRE) != 0) {
		(void)lock_wait(mtx);
		counter_add(&mtx->mtx_contended, 1);
	}
	mtx->mtx_owner = ci;
}

bool
mtx_enter_try(struct mutex *mtx)
{
	struct cpu_info *ci;

	ci = mtx_block_intr();
	if (mtx->mtx_owner == ci) {
		mtx_unblock_intr(ci);
		panic("mtx_enter_try: %s already held by this CPU (cpu%u)",
		    mtx->mtx_name, ci->ci_index);
	}
	if (__atomic_exchange_n(&mtx->mtx_lock, 1, __ATOMIC_ACQUIRE) == 0) {
		mtx->mtx_owner = ci;
		return (true);
	}
	mtx_unblock_intr(ci);
	return (false);
}

void
mtx_leave(struct mutex *mtx)
{
	struct cpu_info *ci;

	md_intr_disable();
	ci = curcpu();
	if (__predict_false(mtx->mtx_owner != ci)) {
		struct cpu_info *o = mtx->mtx_owner;

		panic("mtx_leave: %s not held by this CPU (cpu%u; %s%d)",
		    mtx->mtx_name, ci->ci_index,
		    o != NULL ? "held by cpu" : "free", o != NULL ?
		    (int)o->ci_index : 0);
	}
	KASSERT(ci->ci_mtx_count > 0);
	mtx->mtx_owner = NULL;
	lock_release(mtx);
	mtx_unblock_intr(ci);
}

bool
mtx_owned(const struct mutex *mtx)
{
	return (mtx->mtx_owner == curcpu());
}

/*
 * The big lock.  Called with interrupts masked (splraise has masked
 * them; interrupt handlers run masked), so the CPU cannot be moved or
 * interrupted while it waits.
 */
void
giant_enter(void)
{
	struct cpu_info *ci = curcpu();

	KASSERTMSG(!ci->ci_giant, "giant_enter: cpu%u holds it already",
	    ci->ci_index);
	KASSERTMSG(ci->ci_mtx_count == 0, "giant_enter: cpu%u holds %d "
	    "spin mutexes (the big lock comes first)", ci->ci_index,
	    ci->ci_mtx_count);
	ci->ci_giant_spins += lock_wait(&giant);
	giant.mtx_owner = ci;
	ci->ci_giant = 1;
}

void
giant_exit(void)
{
	struct cpu_info *ci = curcpu();

	KASSERTMSG(ci->ci_giant && giant.mtx_owner == ci,
	    "giant_exit: cpu%u does not hold the big lock", ci->ci_index);
	ci->ci_giant = 0;
	giant.mtx_owner = NULL;
	lock_release(&giant);
}

/*
 * The arch calls this once, with interrupts masked, before it starts
 * the first secondary CPU: from then on the big lock is in force, and
 * the boot CPU, above IPL_NONE at boot, holds it until its spl0.
 */
void
giant_begin(void)
{
	struct cpu_info *ci = curcpu();

	if (smp_giant)
		return;
	smp_giant = 1;
	if (ci->ci_ipl != IPL_NONE || ci->ci_intrnest > 0)
		giant_enter();
}
