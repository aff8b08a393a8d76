/*
 * sys/malloc.h: malloc(9), the typed kernel memory allocator.
 *
 * Every allocation names a type; each type counts what it holds and may
 * carry a limit.  M_NOWAIT never sleeps and may return NULL; M_WAITOK
 * sleeps until memory is freed and never returns NULL; M_ZERO clears.
 */
#ifndef _SYS_MALLOC_H_
#define _SYS_MALLOC_H_

#include <sys/types.h>
#include <sys/queue.h>

#define M_NOWAIT	0x0001
#define M_WAITOK	0x0002
#define M_ZERO		0x0004

struct malloc_type {
	const char	*ks_shortdesc;		/* name shown by "mem" */
	u_long		 ks_inuse;		/* allocations outstanding */
	u_long		 ks_memuse;		/* bytes outstanding */
	u_long		 ks_maxused;		/* high-water mark, bytes */
	u_long		 ks_calls;		/* successful allocations */
	u_long		 ks_fails;		/* M_NOWAIT failures */
	u_long		 ks_waits;		/* M_WAITOK sleeps */
	u_long		 ks_limit;		/* bytes; 0 = no limit */
	long		 ks_failafter;		/* test: n+1 successes left, 0 off */
	SLIST_ENTRY(malloc_type) ks_next;	/* on the list of all types */
	int		 ks_registered;
};

#define MALLOC_DEFINE(type, shortdesc, longdesc)			\
	struct malloc_type type[1] = { { .ks_shortdesc = shortdesc } }
#define MALLOC_DECLARE(type)	extern struct malloc_type type[1]

MALLOC_DECLARE(M_TEMP);
MALLOC_DECLARE(M_DEVBUF);

void	*malloc(size_t size, struct malloc_type *type, int flags);
void	 free(void *addr, struct malloc_type *type);
void	 malloc_type_attach(struct malloc_type *);
void	 malloc_setlimit(struct malloc_type *, u_long bytes);
size_t	 malloc_roundup(size_t size);
void	 malloc_print_stats(void);
struct malloc_type *malloc_type_lookup(const char *name);
#define MALLOC_TYPE_FOREACH(t)	for ((t) = malloc_type_first(); (t) != NULL; \
	(t) = SLIST_NEXT((t), ks_next))
struct malloc_type *malloc_type_first(void);

/* Testing: make the next allocations fail (see malloc.9). */
void	malloc_fail_after(struct malloc_type *, long n);

/*
 * In the host build under AddressSanitizer, free memory and the slack
 * past a requested size are poisoned, so a stray access is reported at
 * once; vm_page_alloc hands out unpoisoned pages.  Elsewhere no-ops.
 */
#if defined(__SANITIZE_ADDRESS__)
void	__asan_poison_memory_region(void const volatile *, size_t);
void	__asan_unpoison_memory_region(void const volatile *, size_t);
#define KASAN_POISON(p, n)	__asan_poison_memory_region((p), (n))
#define KASAN_UNPOISON(p, n)	__asan_unpoison_memory_region((p), (n))
#else
#define KASAN_POISON(p, n)	do { } while (0)
#define KASAN_UNPOISON(p, n)	do { } while (0)
#endif

/* Whole-heap state, for tests that exhaust memory. */
size_t	vm_page_free_count(void);
size_t	vm_page_total_count(void);
void	*vm_page_alloc(size_t npages, int flags);
void	 vm_page_free(void *, size_t npages);
uint32_t *vm_page_tag(const void *);

#endif /* !_SYS_MALLOC_H_ */
