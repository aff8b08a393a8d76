/*
 * vm_page.c: the physical page allocator.
 *
 * The arch hands over RAM ranges at boot (vm_page_add_region).  Each
 * range keeps a bitmap of allocated pages at its start; runs of pages
 * are found first-fit, which is plenty for a kernel whose hot paths
 * allocate from malloc buckets and mpipes, not from here.
 *
 * Invariants: a page is in exactly one state (free or allocated), the
 * free count equals the number of clear bits, and the bitmaps, hints
 * and count change only under vm_page_mtx, a spin mutex(9) (interrupts
 * masked on its CPU), so interrupt handlers and every CPU may allocate
 * too, with no big lock.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/machdep.h>
#include <sys/mutex.h>

#define VM_NREGIONS	8

static struct mutex vm_page_mtx = MUTEX_INITIALIZER("vm_page");

struct vm_region {
	uintptr_t	 r_base;	/* first managed page */
	size_t		 r_npages;
	uint64_t	*r_bitmap;	/* 1 = allocated */
	uint32_t	*r_tag;		/* a word per page for malloc(9) */
	size_t		 r_hint;	/* lowest page that may be free */
};

static struct vm_region vm_regions[VM_NREGIONS];
static int vm_nregions;
static size_t vm_free_pages, vm_total_pages;

void
vm_page_add_region(uintptr_t start, uintptr_t end)
{
	struct vm_region *r;
	size_t npages, mapbytes, mappages;

	start = roundup(start, PAGE_SIZE);
	end = rounddown(end, PAGE_SIZE);
	if (end <= start + 2 * PAGE_SIZE || vm_nregions == VM_NREGIONS)
		return;
	npages = (end - start) / PAGE_SIZE;
	mapbytes = howmany(npages, 64) * 8 + npages * sizeof(uint32_t);
	mappages = howmany(mapbytes, PAGE_SIZE);
	r = &vm_regions[vm_nregions++];
	r->r_bitmap = (uint64_t *)start;
	r->r_tag = (uint32_t *)(start + howmany(npages, 64) * 8);
	memset(r->r_bitmap, 0, mapbytes);
	r->r_base = start + mappages * PAGE_SIZE;
	r->r_npages = npages - mappages;
	r->r_hint = 0;
	vm_free_pages += r->r_npages;
	vm_total_pages += r->r_npages;
}

static inline bool
vm_isset(struct vm_region *r, size_t i)
{
	return ((r->r_bitmap[i / 64] >> (i % 64)) & 1);
}

static inline void
vm_setrange(struct vm_region *r, size_t i, size_t n, bool on)
{
	for (; n > 0; i++, n--) {
		if (on)
			r->r_bitmap[i / 64] |= 1ULL << (i % 64);
		else
			r->r_bitmap[i / 64] &= ~(1ULL << (i % 64));
	}
}

/* Returns npages contiguous pages, or NULL; never sleeps. */
void *
vm_page_alloc(size_t npages, int flags)
{
	int ri;
	void *p = NULL;

	(void)flags;
	if (npages == 0)
		return (NULL);
	mtx_enter(&vm_page_mtx);
	for (ri = 0; ri < vm_nregions && p == NULL; ri++) {
		struct vm_region *r = &vm_regions[ri];
		size_t i = r->r_hint, run = 0;

		for (; i < r->r_npages; i++) {
			if (run == 0 && (i % 64) == 0 && i + 64 <= r->r_npages &&
			    r->r_bitmap[i / 64] == ~0ULL) {
				i += 63;
				continue;
			}
			if (vm_isset(r, i)) {
				run = 0;
				continue;
			}
			if (++run == npages) {
				size_t first = i + 1 - npages;

				vm_setrange(r, first, npages, true);
				if (first == r->r_hint)
					r->r_hint = i + 1;
				p = (void *)(r->r_base + first * PAGE_SIZE);
				vm_free_pages -= npages;
				break;
			}
		}
	}
	mtx_leave(&vm_page_mtx);
	if (p != NULL)
		KASAN_UNPOISON(p, npages * PAGE_SIZE);
	return (p);
}

void
vm_page_free(void *addr, size_t npages)
{
	uintptr_t pa = (uintptr_t)addr;
	int ri;

	mtx_enter(&vm_page_mtx);
	for (ri = 0; ri < vm_nregions; ri++) {
		struct vm_region *r = &vm_regions[ri];
		size_t i;

		if (pa < r->r_base || pa >= r->r_base + r->r_npages * PAGE_SIZE)
			continue;
		KASSERTMSG((pa & PAGE_MASK) == 0,
		    "vm_page_free: %p is not page aligned", addr);
		i = (pa - r->r_base) / PAGE_SIZE;
		for (size_t k = 0; k < npages; k++)
			KASSERTMSG(vm_isset(r, i + k),
			    "vm_page_free: page %p is already free",
			    (void *)(pa + k * PAGE_SIZE));
		vm_setrange(r, i, npages, false);
		if (i < r->r_hint)
			r->r_hint = i;
		vm_free_pages += npages;
		mtx_leave(&vm_page_mtx);
		return;
	}
	panic("vm_page_free: %p is not a managed page", addr);
}

/* The per-page word malloc(9) keeps its bucket in; NULL if unmanaged. */
uint32_t *
vm_page_tag(const void *addr)
{
	uintptr_t pa = (uintptr_t)addr;
	int ri;

	for (ri = 0; ri < vm_nregions; ri++) {
		struct vm_region *r = &vm_regions[ri];

		if (pa >= r->r_base && pa < r->r_base + r->r_npages * PAGE_SIZE)
			return (&r->r_tag[(pa - r->r_base) / PAGE_SIZE]);
	}
	return (NULL);
}

size_t
vm_page_free_count(void)
{
	return (vm_free_pages);
}

size_t
vm_page_total_count(void)
{
	return (vm_total_pages);
}
