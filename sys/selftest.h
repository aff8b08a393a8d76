/*
 * sys/selftest.h: in-kernel self-tests.
 *
 * SELFTEST(suite, name) { ... } defines a test case and registers it in
 * the set_selftest linker section; the harness runs the selected ones at
 * boot and prints KTAP.  Around every case the harness snapshots every
 * malloc type and every registered leak probe (mbufs, clusters, pipe
 * buffers) and fails the case when a count has changed: every test must
 * give back what it took.  ST_ASSERT and friends record the first
 * failure and return from the test function.
 */
#ifndef _SYS_SELFTEST_H_
#define _SYS_SELFTEST_H_

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/machdep.h>

struct selftest {
	const char	*st_suite;
	const char	*st_name;
	void		(*st_func)(void);
	int		 st_flags;
#define ST_EXPLICIT	0x01	/* runs only when named exactly */
};

#define SELFTEST_FLAGS(suite, name, flags)				\
	static void selftest_fn_##suite##_##name(void);		\
	static const struct selftest selftest_##suite##_##name		\
	    __attribute__((section("set_selftest"), used,		\
	    aligned(sizeof(void *)))) = {				\
		#suite, #name, selftest_fn_##suite##_##name, flags };	\
	static void selftest_fn_##suite##_##name(void)
#define SELFTEST(suite, name)	SELFTEST_FLAGS(suite, name, 0)

void	selftest_fail(const char *file, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	selftest_skip(const char *why);
bool	selftest_failed(void);

#define ST_ASSERT(e) do {						\
	if (!(e)) {							\
		selftest_fail(__FILE__, __LINE__, "%s", #e);		\
		return;							\
	}								\
} while (0)
#define ST_ASSERT_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		selftest_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", \
		    #a, #b, _a, _b);					\
		return;							\
	}								\
} while (0)
/* The case cannot run in this build (why says so); not a pass. */
#define ST_SKIP(why) do {						\
	selftest_skip(why);						\
	return;								\
} while (0)
#define ST_FAIL(...) do {						\
	selftest_fail(__FILE__, __LINE__, __VA_ARGS__);			\
	return;								\
} while (0)

/*
 * Leak probes: a subsystem registers a function that returns how many
 * objects are outstanding; the harness checks it around every case,
 * after calling every probe's lp_settle (when not NULL), which gives
 * back what a subsystem keeps only as a cache (mpipe_trim_all).
 */
struct leakprobe {
	const char		*lp_name;
	long			(*lp_count)(void);
	void			(*lp_settle)(void);	/* or NULL */
	SLIST_ENTRY(leakprobe)	 lp_next;
};
void	leakprobe_register(struct leakprobe *);

/*
 * Panic capture: PANIC_TRY(&pc) is true when first evaluated; a panic in
 * this thread before panic_catch_pop(&pc) returns to it a second time
 * with false, pc.pc_msg holding the message, and the interrupt level
 * and nesting restored.  Only for tests that check a panic's message.
 */
struct panic_catch {
	struct md_jmpbuf	 pc_jb;
	int			 pc_ipl;
	int			 pc_nest;
	void			*pc_prev;
	char			 pc_msg[160];
};
void	panic_catch_push(struct panic_catch *);
void	panic_catch_pop(struct panic_catch *);
#define PANIC_TRY(pc)	(panic_catch_push(pc), md_setjmp(&(pc)->pc_jb) == 0)
/* fn(arg) under capture, in this thread or a callout: true if it panicked. */
bool	selftest_panics(void (*fn)(void *), void *arg, struct panic_catch *pc);
bool	selftest_panics_intr(void (*fn)(void *), void *arg,
	    struct panic_catch *pc);

int	selftest_run(const char *pattern);

#endif /* !_SYS_SELFTEST_H_ */
