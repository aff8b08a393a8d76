/*
 * kern_selftest.c: the in-kernel self-test harness.
 *
 * Test cases live in the set_selftest linker section (SELFTEST in
 * sys/selftest.h).  selftest_run prints KTAP: a plan "1..N", one
 * "ok N suite.name" or "not ok N suite.name # reason" per case, and a
 * last line "N passed, N failed" that the host-side runner reads.
 *
 * Around every case it snapshots the outstanding count of every malloc
 * type and every leak probe (mbufs, clusters, pipe buffers); a count
 * that differs afterwards fails the case: every test gives back what it
 * took.  A case must also leave the interrupt level at IPL_NONE.
 * A panic during a case ends the report with that case failed.
 * A pattern, or an element of a comma-separated one, that selects no
 * case fails the run before anything runs: a typo never passes.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/selftest.h>

extern const struct selftest __start_set_selftest[] __attribute__((weak));
extern const struct selftest __stop_set_selftest[] __attribute__((weak));

void	spl_restore_state(int, int);
int	intr_nesting_level(void);

#define MAXSNAP		64

static SLIST_HEAD(, leakprobe) leakprobes = SLIST_HEAD_INITIALIZER(leakprobes);
static const struct selftest *st_current;
static int st_index, st_passed, st_failed, st_skipped;
static char st_reason[256];
static bool st_hasfailed;
static const char *st_skipwhy;	/* the case skipped itself: why */

void
leakprobe_register(struct leakprobe *lp)
{
	SLIST_INSERT_HEAD(&leakprobes, lp, lp_next);
}

void
selftest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st_hasfailed)
		return;		/* the first failure is the interesting one */
	st_hasfailed = true;
	n = snprintf(st_reason, sizeof(st_reason), "%s:%d: ", file, line);
	if (n < 0 || n >= (int)sizeof(st_reason))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(st_reason + n, sizeof(st_reason) - n, fmt, ap);
	va_end(ap);
}

void
selftest_skip(const char *why)
{
	st_skipwhy = why;
}

bool
selftest_failed(void)
{
	return (st_hasfailed);
}

void
panic_catch_push(struct panic_catch *pc)
{
	pc->pc_ipl = curipl();
	pc->pc_nest = intr_nesting_level();
	pc->pc_msg[0] = '\0';
	pc->pc_prev = curthread->t_catch;
	curthread->t_catch = pc;
}

void
panic_catch_pop(struct panic_catch *pc)
{
	KASSERT(curthread->t_catch == pc);
	curthread->t_catch = pc->pc_prev;
}

/*
 * Call fn(arg) under panic capture: true when it panicked (the message
 * in pc->pc_msg), false when it returned.  A function of its own, so
 * that no variable of a test lives across the longjmp.
 */
bool
selftest_panics(void (*fn)(void *), void *arg, struct panic_catch *pc)
{
	if (PANIC_TRY(pc)) {
		fn(arg);
		panic_catch_pop(pc);
		return (false);
	}
	return (true);
}

struct st_intrcall {
	void			(*fn)(void *);
	void			*arg;
	struct panic_catch	*pc;
	bool			 panicked;
	bool			 done;
};

static void
st_intrcall(void *v)
{
	struct st_intrcall *ic = v;

	ic->panicked = selftest_panics(ic->fn, ic->arg, ic->pc);
	ic->done = true;
	wakeup(ic);
}

/* The same from a callout, in interrupt context; waits for it. */
bool
selftest_panics_intr(void (*fn)(void *), void *arg, struct panic_catch *pc)
{
	struct st_intrcall ic = { fn, arg, pc, false, false };
	struct callout c;

	callout_init(&c, st_intrcall, &ic);
	callout_reset(&c, 1);
	while (!ic.done)
		tsleep(&ic, 0, "stintr", 1);
	return (ic.panicked);
}

/* Called by panic(): hand the message to an armed catch, if any. */
void
panic_catch_deliver(const char *fmt, va_list ap)
{
	struct panic_catch *pc;

	if (curthread == NULL || (pc = curthread->t_catch) == NULL)
		return;
	vsnprintf(pc->pc_msg, sizeof(pc->pc_msg), fmt, ap);
	curthread->t_catch = pc->pc_prev;
	spl_restore_state(pc->pc_ipl, pc->pc_nest);
	md_longjmp(&pc->pc_jb, 1);
}

/* Called by panic() after the message: finish the report. */
void
selftest_on_panic(const char *msg)
{
	if (st_current == NULL)
		return;
	printf("not ok %d %s.%s # panic: %s\n", st_index,
	    st_current->st_suite, st_current->st_name, msg);
	printf("# the remaining tests did not run\n");
	printf("%d passed, %d failed\n", st_passed, st_failed + 1);
}

struct snap {
	struct malloc_type	*type[MAXSNAP];
	u_long			 tcount[MAXSNAP];
	struct leakprobe	*probe[MAXSNAP];
	long			 pcount[MAXSNAP];
	int			 ntype, nprobe;
};

/* Let every subsystem give back what it only caches (lp_settle). */
static void
snap_settle(void)
{
	struct leakprobe *lp;

	SLIST_FOREACH(lp, &leakprobes, lp_next)
		if (lp->lp_settle != NULL)
			lp->lp_settle();
}

static void
snap_take(struct snap *sn)
{
	struct malloc_type *t;
	struct leakprobe *lp;

	snap_settle();
	sn->ntype = sn->nprobe = 0;
	MALLOC_TYPE_FOREACH(t) {
		if (sn->ntype == MAXSNAP)
			break;
		sn->type[sn->ntype] = t;
		sn->tcount[sn->ntype++] = t->ks_inuse;
	}
	SLIST_FOREACH(lp, &leakprobes, lp_next) {
		if (sn->nprobe == MAXSNAP)
			break;
		sn->probe[sn->nprobe] = lp;
		sn->pcount[sn->nprobe++] = lp->lp_count();
	}
}

/* Compare with an earlier snapshot; describe the first difference. */
static bool
snap_differs(struct snap *before, char *why, size_t len)
{
	struct malloc_type *t;
	int i;

	snap_settle();
	for (i = 0; i < before->nprobe; i++) {
		long now = before->probe[i]->lp_count();

		if (now != before->pcount[i]) {
			snprintf(why, len, "leak: %s outstanding %ld -> %ld",
			    before->probe[i]->lp_name, before->pcount[i], now);
			return (true);
		}
	}
	MALLOC_TYPE_FOREACH(t) {
		u_long then = 0;

		for (i = 0; i < before->ntype; i++)
			if (before->type[i] == t)
				then = before->tcount[i];
		if (t->ks_inuse != then) {
			snprintf(why, len, "leak: malloc type %s in use %lu -> "
			    "%lu", t->ks_shortdesc, then, t->ks_inuse);
			return (true);
		}
	}
	return (false);
}

/*
 * The next element of a comma-separated pattern, copied into one[len];
 * advances *pp past it and its comma.  An over-long element is cut.
 */
static void
glob_next(const char **pp, char *one, size_t len)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p != '\0' && *p != ',') {
		if (n < len - 1)
			one[n++] = *p;
		p++;
	}
	one[n] = '\0';
	if (*p == ',')
		p++;
	*pp = p;
}

/* Does the one glob "one" select the case?  Explicit cases by name. */
static bool
glob_selects(const struct selftest *st, const char *one)
{
	char full[64];

	snprintf(full, sizeof(full), "%s.%s", st->st_suite, st->st_name);
	if (st->st_flags & ST_EXPLICIT)
		return (strcmp(one, full) == 0);
	return (fnmatch_simple(one, full) || fnmatch_simple(one, st->st_suite));
}

static bool
selected(const struct selftest *st, const char *pattern)
{
	const char *p = pattern;
	char one[64];

	while (*p != '\0') {
		glob_next(&p, one, sizeof(one));
		if (glob_selects(st, one))
			return (true);
	}
	return (false);
}

/*
 * The first element of the pattern that selects no case at all (a
 * typo), copied into bad[len]; false when every element selects one.
 * An empty pattern, or an empty element, selects nothing.
 */
static bool
glob_unmatched(const char *pattern, char *bad, size_t len)
{
	const struct selftest *st;
	const char *p = pattern;

	do {
		glob_next(&p, bad, len);
		for (st = __start_set_selftest; st < __stop_set_selftest; st++)
			if (glob_selects(st, bad))
				break;
		if (st == __stop_set_selftest)
			return (true);
	} while (*p != '\0');
	return (false);
}

/*
 * Run the cases whose "suite.name" matches; returns the failure count,
 * 1 when some element of the pattern selects no case.
 */
int
selftest_run(const char *pattern)
{
	static struct snap before;
	const struct selftest *st;
	char bad[64];
	int n = 0;
	uint64_t t0 = nanouptime(), t1;
	long times = 0;

	kenv_getint("selftest_times", &times);

	if (glob_unmatched(pattern, bad, sizeof(bad))) {
		/* Fail rather than pass vacuously: a typo must not go green. */
		printf("KTAP version 1\n1..0\n");
		if (strcmp(bad, pattern) == 0)
			printf("selftest: pattern \"%s\" matches no self-test; "
			    "nothing ran\n", bad);
		else
			printf("selftest: \"%s\" (in pattern \"%s\") matches "
			    "no self-test; nothing ran\n", bad, pattern);
		printf("0 passed, 1 failed\n");
		return (1);
	}
	for (st = __start_set_selftest; st < __stop_set_selftest; st++)
		if (selected(st, pattern))
			n++;
	printf("KTAP version 1\n1..%d\n", n);
	st_index = st_passed = st_failed = st_skipped = 0;
	for (st = __start_set_selftest; st < __stop_set_selftest; st++) {
		if (!selected(st, pattern))
			continue;
		st_index++;
		st_current = st;
		st_hasfailed = false;
		st_skipwhy = NULL;
		st_reason[0] = '\0';
		snap_take(&before);
		t1 = nanouptime();
		st->st_func();
		if (times)
			printf("# %s.%s took %llu us\n", st->st_suite,
			    st->st_name, (unsigned long long)
			    ((nanouptime() - t1) / 1000));
		if (curipl() != IPL_NONE || in_interrupt()) {
			/* Lower it either way, so the next case runs clean. */
			if (!st_hasfailed)
				snprintf(st_reason, sizeof(st_reason),
				    "left the interrupt level at %d",
				    curipl());
			st_hasfailed = true;
			spl0();
		}
		if (!st_hasfailed && snap_differs(&before, st_reason,
		    sizeof(st_reason)))
			st_hasfailed = true;
		if (st_hasfailed) {
			st_failed++;
			printf("not ok %d %s.%s # %s\n", st_index, st->st_suite,
			    st->st_name, st_reason);
		} else if (st_skipwhy != NULL) {
			st_skipped++;
			printf("ok %d %s.%s # SKIP %s\n", st_index,
			    st->st_suite, st->st_name, st_skipwhy);
		} else {
			st_passed++;
			printf("ok %d %s.%s\n", st_index, st->st_suite,
			    st->st_name);
		}
	}
	st_current = NULL;
	printf("# self-tests took %llu ms\n",
	    (unsigned long long)((nanouptime() - t0) / 1000000));
	if (st_skipped > 0)
		printf("# %d skipped (not counted as passed)\n", st_skipped);
	printf("%d passed, %d failed\n", st_passed, st_failed);
	return (st_failed);
}
