/*
 * toyk.h: toyk, a very small kernel that is not mbufk, written to show
 * (and test) how another hobby kernel compiles the mbuf module in; see
 * mbuf_port(9).  It runs as a Linux process with no C library: its own
 * console over write(2), its own formatter, a page allocator over a
 * static arena with a bucket allocator above it, cooperative threads
 * with sleep/wakeup on a channel, a clock that ticks when every thread
 * waits, and interrupt masking as a level in a variable.
 *
 * Invariants: one CPU and no preemption, so a thread runs until it
 * sleeps or yields; timers run from the idle loop at interrupt level
 * (tk_intr_depth > 0), the only "interrupts" toyk has.
 */
#ifndef _TOYK_H_
#define _TOYK_H_

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#define TK_PAGE		4096
#define TK_HZ		100

/* Console and formatting. */
void	tk_putc(int c);
int	tk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int	tk_vprintf(const char *fmt, va_list ap);
int	tk_vformat(char *buf, size_t size, const char *fmt, va_list ap);
int	tk_format(char *buf, size_t size, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	tk_capture(char *buf, size_t size);	/* copy console output */
size_t	tk_capture_end(void);
void	tk_exit(int code) __attribute__((noreturn));
void	tk_halt(const char *why) __attribute__((noreturn));

/* Memory: whole pages, and small blocks in power-of-two buckets. */
void	*tk_page_alloc(size_t npages);
void	 tk_page_free(void *p, size_t npages);
size_t	 tk_page_nfree(void);
void	*tk_kmem_alloc(size_t size);		/* NULL when none left */
void	 tk_kmem_free(void *p);
size_t	 tk_kmem_size(const void *p);

/* Interrupt level: 0 open, above 0 masked. */
extern volatile int tk_ipl;
extern volatile int tk_intr_depth;

/* Threads and time. */
struct tk_thread;
struct tk_thread *tk_thread_new(void (*fn)(void *), void *arg,
	    const char *name);
void	tk_thread_wait(struct tk_thread *t);	/* until it returned */
void	tk_yield(void);
void	**tk_thread_slot(void);		/* one pointer per thread */
int	tk_sleep(const void *chan, int timo);	/* 0 woken, 1 timed out */
void	tk_wakeup(const void *chan);
extern volatile uint64_t tk_ticks;

/* Timers: fn(arg) from the idle loop at interrupt level, once. */
struct tk_timer {
	struct tk_timer	*tt_next;
	uint64_t	 tt_due;
	void		(*tt_fn)(void *);
	void		*tt_arg;
	bool		 tt_armed;
};
void	tk_timer_arm(struct tk_timer *t, int ticks);
bool	tk_timer_disarm(struct tk_timer *t);

/*
 * Panics: tk_panic(msg) calls the catcher when one is set (it must not
 * return), else halts.  Memory types the harness checks for leaks.
 */
extern void (*tk_panic_catcher)(const char *msg);
void	tk_panic(const char *msg) __attribute__((noreturn));
struct malloc_type;
void	tk_memtype_register(struct malloc_type *type);

/* The boot parameters: "name=value" words of the command line. */
bool	tk_param(const char *name, long *valp);
const char *tk_param_str(const char *name);

#endif /* !_TOYK_H_ */
