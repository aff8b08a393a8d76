/*
 * toyk_selftest.c: the mbuf module's self-tests on toyk.
 *
 * The tests (the tests/kern files named in build.sh, compiled unchanged) are written
 * against mbufk's test interface: sys/selftest.h (the SELFTEST linker
 * set, ST_ASSERT, leak probes, panic capture) and a few kernel calls
 * (printf, malloc(9) with types, kthreads, callouts, tsleep).  This
 * file supplies that interface over toyk, and runs the cases as KTAP:
 * "1..N", "ok N suite.name", "not ok N suite.name # why", then
 * "N passed, N failed".  A case fails when it leaves a memory type or a
 * leak probe (mbufs, clusters, external buffers, pipe buffers, os_mempool
 * blocks) at another count than it found, or the interrupt level raised.
 */
#include "toyk.h"
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/proc.h>
#include <sys/callout.h>
#include <sys/machdep.h>
#include <sys/selftest.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/os_mbuf.h>

void	tk_selftest_main(const char *pattern);
int	shell_exec(char *line);

/*
 * The names mbufk's headers give toyk's level, nesting and clock
 * (spl_level, spl_intrnest, ticks) are toyk's variables under a second
 * name, given at link time (--defsym, tests/port/build.sh).
 */
int hz = TK_HZ;
const bool md_async_interrupts = false;

/* ---- memory types and malloc(9) for the tests ---- */
#define TK_MAXTYPES	64
static struct malloc_type *tk_types[TK_MAXTYPES];
static int tk_ntypes;
MALLOC_DEFINE(M_TEMP, "temp", "test scratch");
MALLOC_DEFINE(M_DEVBUF, "devbuf", "device buffers");

void
tk_memtype_register(struct malloc_type *type)
{
	if (type->ks_registered)
		return;
	if (tk_ntypes == TK_MAXTYPES)
		tk_halt("too many memory types");
	type->ks_registered = 1;
	tk_types[tk_ntypes++] = type;
}

void *
malloc(size_t size, struct malloc_type *type, int flags)
{
	tk_memtype_register(type);
	return (mbp_malloc(size, type, flags));
}

void
free(void *addr, struct malloc_type *type)
{
	mbp_free(addr, type);
}

void
malloc_type_attach(struct malloc_type *type)
{
	tk_memtype_register(type);
}

void
malloc_setlimit(struct malloc_type *type, u_long bytes)
{
	tk_memtype_register(type);
	type->ks_limit = bytes;
}

void
malloc_fail_after(struct malloc_type *type, long n)
{
	type->ks_failafter = n < 0 ? 0 : n + 1;
}

void *
vm_page_alloc(size_t npages, int flags)
{
	return (tk_page_alloc(npages));
}

void
vm_page_free(void *p, size_t npages)
{
	tk_page_free(p, npages);
}

size_t
vm_page_free_count(void)
{
	return (tk_page_nfree());
}

/* ---- console, strings ---- */
int
vprintf(const char *fmt, va_list ap)
{
	return (tk_vprintf(fmt, ap));
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tk_vprintf(fmt, ap);
	va_end(ap);
	return (n);
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return (tk_vformat(buf, size, fmt, ap));
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = tk_vformat(buf, size, fmt, ap);
	va_end(ap);
	return (n);
}

void
cons_capture_start(char *buf, size_t size)
{
	tk_capture(buf, size);
}

size_t
cons_capture_stop(void)
{
	return (tk_capture_end());
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return (n);
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--, a++, b++)
		if (*a != *b || *a == '\0')
			return ((u_char)*a - (u_char)*b);
	return (0);
}

int
strcmp(const char *a, const char *b)
{
	return (strncmp(a, b, (size_t)-1));
}

char *
strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return ((char *)s);
		if (*s == '\0')
			return (NULL);
	}
}

char *
strstr(const char *s, const char *find)
{
	size_t n = strlen(find);

	for (; *s != '\0' || n == 0; s++) {
		if (strncmp(s, find, n) == 0)
			return ((char *)s);
		if (*s == '\0')
			break;
	}
	return (NULL);
}

size_t
strlcpy(char *d, const char *s, size_t size)
{
	size_t n = strlen(s);

	if (size > 0) {
		size_t k = n < size - 1 ? n : size - 1;

		memcpy(d, s, k);
		d[k] = '\0';
	}
	return (n);
}

unsigned long
strtoul(const char *s, char **end, int base)
{
	unsigned long v = 0;
	int d;

	if (base == 0)
		base = 10;
	for (;; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'z')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'Z')
			d = *s - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * base + d;
	}
	if (end != NULL)
		*end = (char *)s;
	return (v);
}

static uint32_t tk_rand = 0x2545f491;

uint32_t
kern_random(void)
{
	tk_rand ^= tk_rand << 13;
	tk_rand ^= tk_rand >> 17;
	tk_rand ^= tk_rand << 5;
	return (tk_rand);
}

bool
kenv_getint(const char *name, long *valp)
{
	return (tk_param(name, valp));
}

/*
 * toyk's one shell command: the module's counters, as "netstat -m" and
 * "netstat -m -v" print them.
 */
int
shell_exec(char *line)
{
	bool verbose = strcmp(line, "netstat -m -v") == 0;

	if (!verbose && strcmp(line, "netstat -m") != 0)
		return (1);
	mbstat_print();
	if (!verbose)
		return (0);
	printf("\n");
	mbstat_print_verbose();
	printf("\n");
	mpipe_print_all();
	printf("\n");
	msys_print();
	os_msys_print();
	return (0);
}

/* ---- threads, sleep, callouts ---- */
struct thread *
kthread_create(void (*fn)(void *), void *arg, const char *name)
{
	struct tk_thread *t = tk_thread_new(fn, arg, name);

	if (t == NULL)
		panic("kthread_create: toyk has no thread left for %s", name);
	return ((struct thread *)t);
}

void
kthread_join(struct thread *t)
{
	tk_thread_wait((struct tk_thread *)t);
}

void
yield(void)
{
	tk_yield();
}

int
tsleep(const void *ident, int priority, const char *wmesg, int timo)
{
	int s = tk_ipl, r;

	r = tk_sleep(ident, timo);
	tk_ipl = s;
	return (r ? EWOULDBLOCK : 0);
}

void
wakeup(const void *ident)
{
	tk_wakeup(ident);
}

/* A callout is a toyk timer in a side table, while it is armed. */
#define TK_NCALLOUT	64
static struct tk_callout {
	struct callout	*c;
	struct tk_timer	 t;
} tk_callouts[TK_NCALLOUT];

static void
tk_callout_fire(void *arg)
{
	struct tk_callout *tc = arg;
	struct callout *c = tc->c;

	tc->c = NULL;
	c->c_flags = (c->c_flags & ~CALLOUT_PENDING) | CALLOUT_FIRED;
	c->c_func(c->c_arg);
}

void
callout_init(struct callout *c, void (*fn)(void *), void *arg)
{
	memset(c, 0, sizeof(*c));
	c->c_func = fn;
	c->c_arg = arg;
}

bool
callout_stop(struct callout *c)
{
	int i;

	for (i = 0; i < TK_NCALLOUT; i++)
		if (tk_callouts[i].c == c) {
			tk_timer_disarm(&tk_callouts[i].t);
			tk_callouts[i].c = NULL;
			c->c_flags &= ~CALLOUT_PENDING;
			return (true);
		}
	return (false);
}

void
callout_reset(struct callout *c, int nticks)
{
	int i;

	callout_stop(c);
	for (i = 0; i < TK_NCALLOUT; i++)
		if (tk_callouts[i].c == NULL)
			break;
	if (i == TK_NCALLOUT)
		panic("callout_reset: toyk's callout table is full");
	tk_callouts[i].c = c;
	tk_callouts[i].t.tt_fn = tk_callout_fire;
	tk_callouts[i].t.tt_arg = &tk_callouts[i];
	c->c_flags = CALLOUT_PENDING;
	c->c_time = tk_ticks + nticks;
	tk_timer_arm(&tk_callouts[i].t, nticks);
}

/* ---- panics ---- */
void
panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	tk_vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tk_panic(msg);
}

static void
tk_catch(const char *msg)
{
	struct panic_catch *pc = *tk_thread_slot();

	if (pc == NULL)
		return;			/* toyk halts */
	strlcpy(pc->pc_msg, msg, sizeof(pc->pc_msg));
	*tk_thread_slot() = pc->pc_prev;
	tk_ipl = pc->pc_ipl;
	tk_intr_depth = pc->pc_nest;
	md_longjmp(&pc->pc_jb, 1);
}

void
panic_catch_push(struct panic_catch *pc)
{
	pc->pc_ipl = tk_ipl;
	pc->pc_nest = tk_intr_depth;
	pc->pc_msg[0] = '\0';
	pc->pc_prev = *tk_thread_slot();
	*tk_thread_slot() = pc;
}

void
panic_catch_pop(struct panic_catch *pc)
{
	if (*tk_thread_slot() != pc)
		tk_halt("panic_catch_pop: not the innermost catch");
	*tk_thread_slot() = pc->pc_prev;
}

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

struct tk_intrcall {
	void	(*fn)(void *);
	void	*arg;
	struct panic_catch *pc;
	bool	 panicked, done;
};

static void
tk_intrcall(void *v)
{
	struct tk_intrcall *ic = v;

	ic->panicked = selftest_panics(ic->fn, ic->arg, ic->pc);
	ic->done = true;
	tk_wakeup(ic);
}

/* fn(arg) from a toyk timer, at interrupt level; waits for it. */
bool
selftest_panics_intr(void (*fn)(void *), void *arg, struct panic_catch *pc)
{
	struct tk_intrcall ic = { fn, arg, pc, false, false };
	struct tk_timer t = { .tt_fn = tk_intrcall, .tt_arg = &ic };

	tk_timer_arm(&t, 1);
	while (!ic.done)
		tk_sleep(&ic, 1);
	return (ic.panicked);
}

/* ---- the harness ---- */
extern const struct selftest __start_set_selftest[], __stop_set_selftest[];
#define TK_MAXPROBES	16
static struct leakprobe *tk_probes[TK_MAXPROBES];
static int tk_nprobes;
static bool st_hasfailed;
static const char *st_skipwhy;
static char st_reason[200];
static const struct selftest *st_current;
static int st_index, st_passed, st_failed, st_skipped;

void
leakprobe_register(struct leakprobe *lp)
{
	if (tk_nprobes == TK_MAXPROBES)
		tk_halt("too many leak probes");
	tk_probes[tk_nprobes++] = lp;
}

void
selftest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st_hasfailed)
		return;
	st_hasfailed = true;
	n = snprintf(st_reason, sizeof(st_reason), "%s:%d: ", file, line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(st_reason))
		tk_vformat(st_reason + n, sizeof(st_reason) - n, fmt, ap);
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

/* The module's counters the kernel checks around each case. */
static long tk_count_mbufs(void) { return ((long)mbstat_mbufs()); }
static long
tk_count_clusters(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return ((long)st.m_clusters);
}

static long
tk_count_extbufs(void)
{
	struct mbstat st;

	mbstat_read(&st);
	return ((long)st.m_extbufs);
}
/* The depots' high-water marks and caches keep buffers: not a leak. */
static void tk_settle(void) { (void)mpipe_trim_all(); }
static struct leakprobe tk_mbuf_probes[] = {
	{ .lp_name = "pipe buffers", .lp_count = mpipe_total_out,
	  .lp_settle = tk_settle },
	{ .lp_name = "mbufs", .lp_count = tk_count_mbufs },
	{ .lp_name = "clusters", .lp_count = tk_count_clusters },
	{ .lp_name = "extbufs", .lp_count = tk_count_extbufs },
	{ .lp_name = "os_mempool blocks", .lp_count = os_mempool_nout },
};

struct tk_snap {
	u_long	tcount[TK_MAXTYPES];
	long	pcount[TK_MAXPROBES];
	int	ntype;
};

static void
tk_snap_take(struct tk_snap *sn)
{
	int i;

	for (i = 0; i < tk_nprobes; i++)
		if (tk_probes[i]->lp_settle != NULL)
			tk_probes[i]->lp_settle();
	sn->ntype = tk_ntypes;
	for (i = 0; i < tk_ntypes; i++)
		sn->tcount[i] = tk_types[i]->ks_inuse;
	for (i = 0; i < tk_nprobes; i++)
		sn->pcount[i] = tk_probes[i]->lp_count();
}

static bool
tk_snap_differs(const struct tk_snap *sn, char *why, size_t len)
{
	int i;

	for (i = 0; i < tk_nprobes; i++)
		if (tk_probes[i]->lp_settle != NULL)
			tk_probes[i]->lp_settle();
	for (i = 0; i < tk_nprobes; i++)
		if (tk_probes[i]->lp_count() != sn->pcount[i]) {
			snprintf(why, len, "leak: %s outstanding %ld -> %ld",
			    tk_probes[i]->lp_name, sn->pcount[i],
			    tk_probes[i]->lp_count());
			return (true);
		}
	for (i = 0; i < tk_ntypes; i++) {
		u_long then = i < sn->ntype ? sn->tcount[i] : 0;

		if (tk_types[i]->ks_inuse != then) {
			snprintf(why, len, "leak: memory type %s in use %lu -> "
			    "%lu", tk_types[i]->ks_shortdesc, then,
			    tk_types[i]->ks_inuse);
			return (true);
		}
	}
	return (false);
}

/* "*" or a comma-separated list of suites and suite.name entries. */
static bool
tk_selected(const struct selftest *st, const char *pattern)
{
	char full[64];
	const char *p = pattern;

	snprintf(full, sizeof(full), "%s.%s", st->st_suite, st->st_name);
	if (strcmp(pattern, "*") == 0)
		return ((st->st_flags & ST_EXPLICIT) == 0);
	while (*p != '\0') {
		size_t n = 0;

		while (p[n] != '\0' && p[n] != ',')
			n++;
		if ((strlen(full) == n && strncmp(p, full, n) == 0) ||
		    ((st->st_flags & ST_EXPLICIT) == 0 &&
		    strlen(st->st_suite) == n &&
		    strncmp(p, st->st_suite, n) == 0))
			return (true);
		p += n;
		if (*p == ',')
			p++;
	}
	return (false);
}

void
tk_selftest_main(const char *pattern)
{
	static struct tk_snap before;
	const struct selftest *st;
	size_t i;
	int n = 0;

	tk_panic_catcher = tk_catch;
	mbinit();
	for (i = 0; i < nitems(tk_mbuf_probes); i++)
		leakprobe_register(&tk_mbuf_probes[i]);
	for (st = __start_set_selftest; st < __stop_set_selftest; st++)
		if (tk_selected(st, pattern))
			n++;
	printf("KTAP version 1\n1..%d\n", n);
	for (st = __start_set_selftest; st < __stop_set_selftest; st++) {
		if (!tk_selected(st, pattern))
			continue;
		st_index++;
		st_current = st;
		st_hasfailed = false;
		st_skipwhy = NULL;
		st_reason[0] = '\0';
		tk_snap_take(&before);
		st->st_func();
		if (tk_ipl != 0 || tk_intr_depth != 0) {
			if (!st_hasfailed)
				snprintf(st_reason, sizeof(st_reason),
				    "left the interrupt level at %d", tk_ipl);
			st_hasfailed = true;
			tk_ipl = 0;
		}
		if (!st_hasfailed && tk_snap_differs(&before, st_reason,
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
	if (st_skipped > 0)
		printf("# %d skipped (not counted as passed)\n", st_skipped);
	printf("%d passed, %d failed\n", st_passed, st_failed);
	tk_exit(st_failed == 0 && st_passed > 0 ? 0 : 1);
}
