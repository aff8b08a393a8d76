/*
 * kern_test.c: self-tests of the kernel services the mbuf module stands
 * on: printf formatting, the command line, malloc(9) limits and
 * failures, threads, sleep/wakeup with and without timeouts, callouts,
 * interrupt levels and panic capture.  Suite "kern".
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/selftest.h>

MALLOC_DEFINE(M_KTEST, "ktest", "kernel self-tests");

SELFTEST(kern, snprintf)
{
	char buf[64];
	int n;

	n = snprintf(buf, sizeof(buf), "%d|%5s|%-3u|%x|%04X|%lld", -42, "ab",
	    7u, 0xbeefu, 0x1au, -9000000000LL);
	ST_ASSERT(strcmp(buf, "-42|   ab|7  |beef|001A|-9000000000") == 0);
	ST_ASSERT_EQ(n, (int)strlen(buf));
	n = snprintf(buf, 4, "%s", "truncate");
	ST_ASSERT_EQ(n, 8);
	ST_ASSERT(strcmp(buf, "tru") == 0);
	snprintf(buf, sizeof(buf), "%p|%.2s|%zu|%c%%", (void *)0x1234, "xyz",
	    (size_t)99, 'q');
	ST_ASSERT(strcmp(buf, "0x1234|xy|99|q%") == 0);
	/*
	 * %z, %t and %j fetch an argument of their type's own size: on
	 * ILP32 a size_t taken as a long long ate the next argument too.
	 */
	snprintf(buf, sizeof(buf), "%zu|%s|%td|%jd|%zx|%d", (size_t)7, "s",
	    (ptrdiff_t)-3, (intmax_t)-5000000000LL, (size_t)0xab, 42);
	ST_ASSERT(strcmp(buf, "7|s|-3|-5000000000|ab|42") == 0);
}

/* Load line with the console captured into out; returns the refusals. */
static int
kenv_load_quiet(const char *line, char *out, size_t size)
{
	int n;

	cons_capture_start(out, size);
	n = kenv_init(line);
	cons_capture_stop();
	return (n);
}

/*
 * The cases of kern.kenv: each loads a line of its own.  They return on
 * the first failure; the caller puts the boot line back whatever
 * happened (the running self-test pattern points into it).
 */
static void
kenv_cases(void)
{
	static char out[2048];
	char line[128];
	long v = 0;

	ST_ASSERT_EQ(kenv_load_quiet("halt=1 selftest_times halt=0x0 "
	    "ipfragttl=010 iters=-5 reflect=1x selftest= ipfragttl", out,
	    sizeof(out)), 3);
	ST_ASSERT(kenv_getint("halt", &v) && v == 0);	/* the last wins */
	ST_ASSERT(kenv_getint("ipfragttl", &v) && v == 8);	/* octal */
	ST_ASSERT(kenv_getint("selftest_times", &v) && v == 1);	/* a flag */
	ST_ASSERT(!kenv_getint("iters", &v));
	ST_ASSERT(strstr(out, "kenv: iters=-5 is outside 1..1000000000; "
	    "the default stays\n") != NULL);
	ST_ASSERT(!kenv_getint("reflect", &v));
	ST_ASSERT(strstr(out, "kenv: reflect=1x is not a number in 0..2; "
	    "the default stays\n") != NULL);
	ST_ASSERT(strstr(out, "kenv: ipfragttl needs a value "
	    "(ipfragttl=1..255); ignored\n") != NULL);
	ST_ASSERT(kenv_get("selftest") != NULL && *kenv_get("selftest") ==
	    '\0');
	ST_ASSERT(kenv_get("ip") == NULL);

	/* Overflow (of any long), a range from memory, unknown words. */
	snprintf(line, sizeof(line), "nmbclusters=99999999999999999999 "
	    "nmbufs=-%lu ipfragttl=0 nmbcluster=5000 foo=bar "
	    "nmbclusters=1000000000", ~0UL >> 1);
	ST_ASSERT_EQ(kenv_load_quiet(line, out, sizeof(out)), 6);
	ST_ASSERT(strstr(out, "kenv: nmbclusters=99999999999999999999 "
	    "overflows: the range is 256..") != NULL);
	snprintf(line, sizeof(line), "kenv: nmbufs=-%lu is outside 512..",
	    ~0UL >> 1);				/* LONG_MIN + 1 */
	ST_ASSERT(strstr(out, line) != NULL);
	ST_ASSERT(strstr(out, "kenv: ipfragttl=0 is outside 1..255; "
	    "the default stays\n") != NULL);
	ST_ASSERT(strstr(out, "kenv: unknown word \"nmbcluster\" (did you "
	    "mean nmbclusters?); ignored\n") != NULL);
	ST_ASSERT(strstr(out, "kenv: unknown word \"foo\"; ignored") !=
	    NULL);
	ST_ASSERT(strstr(out, "units in a quarter of the") != NULL);
	ST_ASSERT(!kenv_getint("nmbclusters", &v));
	ST_ASSERT(!kenv_getint("nmbufs", &v));
	ST_ASSERT(!kenv_getint("ipfragttl", &v));
	ST_ASSERT(kenv_load_quiet("nmbclusters=256 mbuf_prop_seed=0x7fffffff",
	    out, sizeof(out)) == 0 && out[0] == '\0');
	ST_ASSERT(kenv_getint("nmbclusters", &v) && v == 256);
	ST_ASSERT(kenv_getint("mbuf_prop_seed", &v) && v == 0x7fffffffL);
}

SELFTEST(kern, kenv)
{
	static char out[2048];
	char saved[512];

	strlcpy(saved, kern_cmdline, sizeof(saved));
	kenv_cases();
	kenv_load_quiet(saved, out, sizeof(out));
	ST_ASSERT(strcmp(kern_cmdline, saved) == 0);
}

SELFTEST(kern, malloc_limit)
{
	void *a, *b, *c;

	malloc_setlimit(M_KTEST, 4096);
	a = malloc(2048, M_KTEST, M_NOWAIT);
	b = malloc(2048, M_KTEST, M_NOWAIT | M_ZERO);
	c = malloc(16, M_KTEST, M_NOWAIT);
	malloc_setlimit(M_KTEST, 0);
	ST_ASSERT(a != NULL && b != NULL);
	ST_ASSERT(c == NULL);
	ST_ASSERT(M_KTEST->ks_fails >= 1);
	ST_ASSERT(((char *)b)[100] == 0 && ((char *)b)[2047] == 0);
	ST_ASSERT_EQ(M_KTEST->ks_memuse, 4096);
	free(a, M_KTEST);
	free(b, M_KTEST);
	ST_ASSERT_EQ(M_KTEST->ks_memuse, 0);
}

SELFTEST(kern, malloc_sizes)
{
	void *p[12];
	size_t sz[12] = { 1, 15, 16, 17, 100, 255, 256, 1000, 2048, 4096,
	    5000, 40000 };
	int i;

	for (i = 0; i < 12; i++) {
		p[i] = malloc(sz[i], M_KTEST, M_WAITOK);
		ST_ASSERT(p[i] != NULL);
		memset(p[i], 0xa5, sz[i]);
		ST_ASSERT(malloc_roundup(sz[i]) >= sz[i]);
	}
	for (i = 0; i < 12; i++)
		free(p[i], M_KTEST);
	ST_ASSERT_EQ(M_KTEST->ks_inuse, 0);
}

SELFTEST(kern, malloc_fail_after)
{
	void *a, *b;

	malloc_fail_after(M_KTEST, 1);
	a = malloc(64, M_KTEST, M_NOWAIT);
	b = malloc(64, M_KTEST, M_NOWAIT);
	malloc_fail_after(M_KTEST, -1);
	ST_ASSERT(a != NULL);
	ST_ASSERT(b == NULL);
	free(a, M_KTEST);
}

/* The heap itself runs dry: M_NOWAIT fails cleanly, then recovers. */
SELFTEST(kern, heap_exhaustion)
{
	static void *run[256];
	static size_t runlen[256];
	size_t len, n = 0, i;
	void *p;

	/* Take every page in ever smaller runs, without touching them. */
	for (len = vm_page_free_count(); len > 0; len /= 2)
		while (n < nitems(run) &&
		    (run[n] = vm_page_alloc(len, 0)) != NULL)
			runlen[n++] = len;
	i = vm_page_free_count();
	p = malloc(64 * 1024, M_KTEST, M_NOWAIT);
	while (n > 0) {
		n--;
		vm_page_free(run[n], runlen[n]);
	}
	ST_ASSERT_EQ(i, 0);
	ST_ASSERT(p == NULL);
	p = malloc(64 * 1024, M_KTEST, M_NOWAIT);
	ST_ASSERT(p != NULL);
	free(p, M_KTEST);
}

/*
 * The turn is tested and changed at splhigh, and the tsleep is inside
 * the same section: on one CPU that keeps the other thread out, on
 * several the big lock does (the waker changes the turn under it, the
 * sleeper is on its sleep queue before it lets go); without it a
 * wakeup between the test and the tsleep would be lost for good.
 */
struct pingpong {
	int	 turn;
	int	 rounds;
	int	 seen[2];
};

static void
pingpong_thread(void *arg)
{
	struct pingpong *pp = arg;
	int me = 1, i, s;

	for (i = 0; i < pp->rounds; i++) {
		s = splhigh();
		while (pp->turn != me)
			tsleep(pp, 0, "pong", 0);
		pp->seen[me]++;
		pp->turn = 0;
		wakeup(pp);
		splx(s);
	}
}

SELFTEST(kern, sleep_wakeup)
{
	struct pingpong pp = { 0, 100, { 0, 0 } };
	struct thread *td;
	int i, s;

	td = kthread_create(pingpong_thread, &pp, "pingpong");
	for (i = 0; i < pp.rounds; i++) {
		s = splhigh();
		while (pp.turn != 0)
			tsleep(&pp, 0, "ping", 0);
		pp.seen[0]++;
		pp.turn = 1;
		wakeup(&pp);
		splx(s);
	}
	s = splhigh();
	while (pp.turn != 0)
		tsleep(&pp, 0, "ping", 0);
	splx(s);
	kthread_join(td);
	ST_ASSERT_EQ(pp.seen[0], 100);
	ST_ASSERT_EQ(pp.seen[1], 100);
}

SELFTEST(kern, tsleep_timeout)
{
	uint64_t t0 = ticks;
	static int dummy;
	int error;

	error = tsleep(&dummy, 0, "nap", 3);
	ST_ASSERT_EQ(error, EWOULDBLOCK);
	ST_ASSERT(ticks >= t0 + 3);
}

static void
co_count(void *arg)
{
	int *n = arg;

	if (in_interrupt())
		(*n)++;
	wakeup(n);
}

SELFTEST(kern, callout)
{
	struct callout a, b, c;
	int na = 0, nb = 0, nc = 0;

	callout_init(&a, co_count, &na);
	callout_init(&b, co_count, &nb);
	callout_init(&c, co_count, &nc);
	callout_reset(&a, 2);
	callout_reset(&b, 1);
	callout_reset(&c, 1);
	ST_ASSERT(callout_stop(&c));
	ST_ASSERT(callout_pending(&a));
	while (na == 0 || nb == 0)
		tsleep(&na, 0, "callout", 1);
	ST_ASSERT_EQ(na, 1);
	ST_ASSERT_EQ(nb, 1);
	ST_ASSERT_EQ(nc, 0);
	ST_ASSERT(!callout_pending(&a) && !callout_stop(&a));
}

SELFTEST(kern, spl)
{
	int s, s2;

	ST_ASSERT_EQ(curipl(), IPL_NONE);
	ST_ASSERT(cansleep());
	s = splnet();
	ST_ASSERT_EQ(s, IPL_NONE);
	ST_ASSERT(!cansleep());
	s2 = splhigh();
	ST_ASSERT_EQ(s2, IPL_NET);
	ST_ASSERT_EQ(splnet(), IPL_HIGH);	/* never lowers */
	splx(s2);
	ST_ASSERT_EQ(curipl(), IPL_NET);
	splx(s);
	ST_ASSERT_EQ(curipl(), IPL_NONE);
	ST_ASSERT(!in_interrupt());
}

SELFTEST(kern, kassert_caught)
{
	struct panic_catch pc;
	volatile int reached = 0;
	int s;

#ifndef DIAGNOSTIC
	ST_SKIP("KASSERT is compiled out without DIAGNOSTIC");
#endif
	s = splnet();
	if (PANIC_TRY(&pc)) {
		KASSERT(reached == 1);
		panic_catch_pop(&pc);
		splx(s);
		ST_FAIL("KASSERT did not panic");
	}
	splx(s);
	ST_ASSERT(strstr(pc.pc_msg, "reached == 1"));
	ST_ASSERT_EQ(curipl(), IPL_NONE);
}

/* M_WAITOK in interrupt context must panic. */
static void
malloc_waitok(void *arg)
{
	free(malloc(32, M_KTEST, M_WAITOK), M_KTEST);
}

SELFTEST(kern, waitok_in_interrupt_panics)
{
	struct panic_catch pc;

	ST_ASSERT(selftest_panics_intr(malloc_waitok, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "M_WAITOK"));
	ST_ASSERT(strstr(pc.pc_msg, "ktest"));
}

static void
call_yield(void *arg)
{
	yield();
}

SELFTEST(kern, yield_in_interrupt_panics)
{
	struct panic_catch pc;

	ST_ASSERT(selftest_panics_intr(call_yield, NULL, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "yield: called from interrupt"));
}

static int join_go;	/* read after each sleep: tsleep is a call */

static void
join_target(void *arg)
{
	int s = splhigh();

	while (!join_go)
		tsleep(&join_go, 0, "jtarget", 0);
	splx(s);
}

static void
join_fn(void *arg)
{
	kthread_join(arg);
}

/*
 * Joining twice, joining a thread another thread is joining, and
 * joining oneself each panic naming the mistake; none frees anything.
 */
SELFTEST(kern, join_misuse_panics)
{
	struct panic_catch pc;
	struct thread *t, *j;
	int i, s;

	join_go = 1;
	t = kthread_create(join_target, NULL, "jonce");
	kthread_join(t);
	ST_ASSERT(selftest_panics(join_fn, t, &pc));	/* t's address only */
	ST_ASSERT(strstr(pc.pc_msg, "is not a thread (joined twice?)"));

	ST_ASSERT(selftest_panics(join_fn, curthread, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "may not be joined by itself"));

	join_go = 0;
	t = kthread_create(join_target, NULL, "jtarget");
	j = kthread_create(join_fn, t, "jjoiner");
	/* j starts, on this CPU or another, and waits for t. */
	for (i = 0; i < 10 * hz && t->t_joiner == NULL; i++)
		tsleep(&join_go, 0, "jwait", 1);
	ST_ASSERT(t->t_joiner == j);
	ST_ASSERT(selftest_panics(join_fn, t, &pc));
	ST_ASSERT(strstr(pc.pc_msg, "jtarget is already being joined by "
	    "jjoiner"));
	s = splhigh();
	join_go = 1;
	wakeup(&join_go);
	splx(s);
	kthread_join(j);			/* j joined t: both are gone */
}

/* Runs only when named exactly: proves a failure reaches the runner. */
SELFTEST_FLAGS(selftest, deliberate_failure, ST_EXPLICIT)
{
	ST_ASSERT_EQ(1 + 1, 3);
}

/* Runs only when named exactly: a panic must end the run as a failure. */
SELFTEST_FLAGS(selftest, deliberate_panic, ST_EXPLICIT)
{
	panic("deliberate panic from selftest.deliberate_panic");
}

/* ratecheck(9): the first call passes, then one per interval. */
SELFTEST(kern, ratecheck)
{
	uint64_t last = 0, until;
	int i, n = 0;

	ST_ASSERT(ratecheck(&last, 3));
	for (i = 0; i < 10; i++)
		n += ratecheck(&last, 3);
	ST_ASSERT_EQ(n, 0);
	until = ticks + 3;
	while (ticks < until)
		tsleep(&until, 0, "strate", 1);
	ST_ASSERT(ratecheck(&last, 3));
	ST_ASSERT(!ratecheck(&last, 3));
	/* An interval of 0 lets everything through. */
	ST_ASSERT(ratecheck(&last, 0));
	ST_ASSERT(ratecheck(&last, 0));
}
