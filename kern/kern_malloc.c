/*
 * kern_malloc.c: malloc(9), typed kernel memory.
 *
 * Requests up to a page come from power-of-two buckets (16 bytes to
 * 4 KiB) carved from whole pages; larger ones take a run of pages.  The
 * page's tag (vm_page_tag) says which bucket it serves, so free() needs
 * only the address.  Bucket pages are never given back: like 4.4BSD,
 * memory once used for a size stays with that size.
 *
 * Every call is accounted to its type (in use, bytes, calls, failures,
 * waits) and a type may carry a byte limit.  Under DIAGNOSTIC freed
 * chunks are filled with junk and checked when handed out again: a
 * write after free or a double free panics naming the address.
 *
 * Invariants: ks_memuse is the sum of the rounded sizes outstanding;
 * the buckets, the type list and every type's counts change only under
 * malloc_mtx, a spin mutex(9) (interrupts masked on its CPU), so
 * interrupt handlers and every CPU may allocate with no big lock; the
 * page allocator's mutex is taken inside it, never around it; only
 * M_WAITOK callers in thread context at IPL_NONE ever sleep (msleep on
 * malloc_mtx, so a free between their check and their sleep wakes
 * them).
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/queue.h>
#include <sys/mutex.h>

MALLOC_DEFINE(M_TEMP, "temp", "miscellaneous");
MALLOC_DEFINE(M_DEVBUF, "devbuf", "device driver memory");

#define MINBUCKET	4			/* 16 bytes */
#define MAXBUCKET	PAGE_SHIFT		/* 4096 bytes */
#define TAG_BUCKET	0x10000000u
#define TAG_LARGE	0x20000000u
#define TAG_KIND	0xf0000000u
#define JUNK		0xdeadbeefdeadbeefULL

struct freechunk {
	struct freechunk	*fc_next;
};

struct bucket {
	struct freechunk	*b_free;
	u_long			 b_pages;	/* pages carved for it */
	u_long			 b_nfree;
};

static struct bucket buckets[MAXBUCKET + 1];
static SLIST_HEAD(, malloc_type) malloc_types =
    SLIST_HEAD_INITIALIZER(malloc_types);
static int malloc_waiters;		/* M_WAITOK callers asleep */
static struct mutex malloc_mtx = MUTEX_INITIALIZER("malloc");

static int
bucket_index(size_t size)
{
	int b = MINBUCKET;

	while (((size_t)1 << b) < size)
		b++;
	return (b);
}

size_t
malloc_roundup(size_t size)
{
	if (size > PAGE_SIZE)
		return (roundup(size, PAGE_SIZE));
	return ((size_t)1 << bucket_index(size));
}

void
malloc_type_attach(struct malloc_type *type)
{
	if (!type->ks_registered) {
		type->ks_registered = 1;
		SLIST_INSERT_HEAD(&malloc_types, type, ks_next);
	}
}

struct malloc_type *
malloc_type_first(void)
{
	return (SLIST_FIRST(&malloc_types));
}

struct malloc_type *
malloc_type_lookup(const char *name)
{
	struct malloc_type *t;

	SLIST_FOREACH(t, &malloc_types, ks_next)
		if (strcmp(t->ks_shortdesc, name) == 0)
			return (t);
	return (NULL);
}

void
malloc_setlimit(struct malloc_type *type, u_long bytes)
{
	mtx_enter(&malloc_mtx);
	malloc_type_attach(type);
	type->ks_limit = bytes;
	mtx_leave(&malloc_mtx);
	if (__atomic_load_n(&malloc_waiters, __ATOMIC_RELAXED) != 0)
		wakeup(&malloc_waiters);
}

void
malloc_fail_after(struct malloc_type *type, long n)
{
	type->ks_failafter = n < 0 ? 0 : n + 1;
}

#ifdef DIAGNOSTIC
static void
junk_fill(void *p, size_t size)
{
	uint64_t *w = p;

	for (size_t i = 1; i < size / 8; i++)
		w[i] = JUNK;
}

static void
junk_check(void *p, size_t size)
{
	uint64_t *w = p;

	for (size_t i = 1; i < size / 8; i++)
		if (w[i] != JUNK)
			panic("malloc: %p (size %zu) was written after it was "
			    "freed (word %zu is 0x%llx)", p, size, i,
			    (unsigned long long)w[i]);
}
#endif

/* Take one chunk from a bucket, carving a fresh page when it is empty. */
static void *
bucket_alloc(int b)
{
	struct bucket *bk = &buckets[b];
	struct freechunk *fc;
	size_t size = (size_t)1 << b;

	if (bk->b_free == NULL) {
		char *pg = vm_page_alloc(1, 0);

		if (pg == NULL)
			return (NULL);
		*vm_page_tag(pg) = TAG_BUCKET | b;
		bk->b_pages++;
		for (size_t off = 0; off < PAGE_SIZE; off += size) {
			fc = (struct freechunk *)(pg + off);
#ifdef DIAGNOSTIC
			junk_fill(fc, size);
#endif
			fc->fc_next = bk->b_free;
			bk->b_free = fc;
			bk->b_nfree++;
			KASAN_POISON(fc, size);
		}
	}
	fc = bk->b_free;
	KASAN_UNPOISON(fc, size);
	bk->b_free = fc->fc_next;
	bk->b_nfree--;
#ifdef DIAGNOSTIC
	junk_check(fc, size);
	/* Unmark it, so that freeing it unwritten is not a double free. */
	((uint64_t *)fc)[size / 8 - 1] = 0;
#endif
	return (fc);
}

void *
malloc(size_t size, struct malloc_type *type, int flags)
{
	size_t rsize;
	void *p;

	if ((flags & M_WAITOK) && !cansleep())
		panic("malloc: M_WAITOK for %zu bytes of %s where sleeping is "
		    "not allowed (caller %p)", size, type->ks_shortdesc,
		    __builtin_return_address(0));
	if (size == 0)
		size = 1;
	rsize = malloc_roundup(size);
	if ((flags & M_WAITOK) && type->ks_limit != 0 && rsize > type->ks_limit)
		panic("malloc: M_WAITOK for %zu bytes of %s can never be met: "
		    "the type's limit is %lu (caller %p)", size,
		    type->ks_shortdesc, type->ks_limit,
		    __builtin_return_address(0));
	mtx_enter(&malloc_mtx);
	malloc_type_attach(type);
	for (;;) {
		p = NULL;
		if (type->ks_failafter == 1 && !(flags & M_WAITOK))
			goto fail;
		if (type->ks_limit != 0 &&
		    type->ks_memuse + rsize > type->ks_limit)
			goto fail;
		if (size <= PAGE_SIZE)
			p = bucket_alloc(bucket_index(size));
		else if ((p = vm_page_alloc(rsize / PAGE_SIZE, 0)) != NULL)
			*vm_page_tag(p) = TAG_LARGE | (rsize / PAGE_SIZE);
		if (p != NULL)
			break;
fail:
		if (!(flags & M_WAITOK)) {
			type->ks_fails++;
			mtx_leave(&malloc_mtx);
			return (NULL);
		}
		type->ks_waits++;
		__atomic_store_n(&malloc_waiters, malloc_waiters + 1,
		    __ATOMIC_RELAXED);
		/* Woken by free(); the timeout catches vm_page_free(). */
		msleep(&malloc_waiters, &malloc_mtx, 0, "malloc", hz);
		__atomic_store_n(&malloc_waiters, malloc_waiters - 1,
		    __ATOMIC_RELAXED);
	}
	if (type->ks_failafter > 1)
		type->ks_failafter--;
	type->ks_inuse++;
	type->ks_calls++;
	type->ks_memuse += rsize;
	if (type->ks_memuse > type->ks_maxused)
		type->ks_maxused = type->ks_memuse;
	mtx_leave(&malloc_mtx);
	if (flags & M_ZERO)
		memset(p, 0, rsize);
	KASAN_POISON((char *)p + roundup(size, 8), rsize - roundup(size, 8));
	return (p);
}

void
free(void *addr, struct malloc_type *type)
{
	uint32_t *tag;
	size_t rsize;

	if (addr == NULL)
		return;
	if ((tag = vm_page_tag((void *)((uintptr_t)addr & ~(uintptr_t)PAGE_MASK)))
	    == NULL)
		panic("free: %p (type %s) was not allocated by malloc",
		    addr, type->ks_shortdesc);
	mtx_enter(&malloc_mtx);
	switch (*tag & TAG_KIND) {
	case TAG_BUCKET: {
		int b = *tag & 0xff;
		struct freechunk *fc = addr;

		rsize = (size_t)1 << b;
		KASSERTMSG(((uintptr_t)addr & (rsize - 1)) == 0,
		    "free: %p (type %s) is not the start of a chunk", addr,
		    type->ks_shortdesc);
		KASAN_UNPOISON(addr, rsize);
#ifdef DIAGNOSTIC
		if (rsize >= 16 && ((uint64_t *)addr)[1] == JUNK &&
		    (rsize < 32 || ((uint64_t *)addr)[rsize / 8 - 1] == JUNK))
			panic("free: %p (type %s) is already free (double "
			    "free)", addr, type->ks_shortdesc);
		junk_fill(addr, rsize);
#endif
		fc->fc_next = buckets[b].b_free;
		buckets[b].b_free = fc;
		buckets[b].b_nfree++;
		KASAN_POISON(fc, rsize);
		break;
	}
	case TAG_LARGE:
		rsize = (size_t)(*tag & ~TAG_KIND) * PAGE_SIZE;
		*tag = 0;
		KASAN_POISON(addr, rsize);
		vm_page_free(addr, rsize / PAGE_SIZE);
		break;
	default:
		panic("free: %p (type %s) is not allocated", addr,
		    type->ks_shortdesc);
	}
	KASSERTMSG(type->ks_inuse > 0 && type->ks_memuse >= rsize,
	    "free: type %s has nothing of that size outstanding (%p)",
	    type->ks_shortdesc, addr);
	type->ks_inuse--;
	type->ks_memuse -= rsize;
	mtx_leave(&malloc_mtx);
	if (__atomic_load_n(&malloc_waiters, __ATOMIC_RELAXED) != 0)
		wakeup(&malloc_waiters);
}

void
malloc_print_stats(void)
{
	struct malloc_type *t;
	int b;

	printf("%-12s %8s %10s %10s %8s %6s %6s %10s\n", "type", "inuse",
	    "bytes", "highwater", "calls", "fails", "waits", "limit");
	SLIST_FOREACH(t, &malloc_types, ks_next)
		printf("%-12s %8lu %10lu %10lu %8lu %6lu %6lu %10lu\n",
		    t->ks_shortdesc, t->ks_inuse, t->ks_memuse, t->ks_maxused,
		    t->ks_calls, t->ks_fails, t->ks_waits, t->ks_limit);
	printf("buckets:");
	for (b = MINBUCKET; b <= MAXBUCKET; b++)
		if (buckets[b].b_pages != 0)
			printf(" %d:%lu/%lu", 1 << b, buckets[b].b_nfree,
			    buckets[b].b_pages * (PAGE_SIZE >> b));
	printf("\npages: %zu free of %zu (%zu KiB)\n", vm_page_free_count(),
	    vm_page_total_count(), vm_page_total_count() * PAGE_SIZE / 1024);
}
