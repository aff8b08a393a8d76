/*
 * sys/param.h: machine-independent constants and small helpers.
 *
 * Every size the mbuf module is built from lives here so that a port
 * changes them in one place; sys/mbuf.h checks at compile time that
 * they are consistent.
 */
#ifndef _SYS_PARAM_H_
#define _SYS_PARAM_H_

#include <sys/types.h>

#define HZ		100		/* clock interrupts per second */
#define PAGE_SHIFT	12
#define PAGE_SIZE	(1 << PAGE_SHIFT)
#define PAGE_MASK	(PAGE_SIZE - 1)

#define MSIZE		256		/* size of an mbuf */
#define MCLSHIFT	11
#define MCLBYTES	(1 << MCLSHIFT)	/* size of a standard cluster */

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#define roundup(x, y)	((((x) + ((y) - 1)) / (y)) * (y))
#define rounddown(x, y)	(((x) / (y)) * (y))
#define howmany(x, y)	(((x) + ((y) - 1)) / (y))
#define powerof2(x)	((((x) - 1) & (x)) == 0)
#define MIN(a, b)	(((a) < (b)) ? (a) : (b))
#define MAX(a, b)	(((a) > (b)) ? (a) : (b))

#define offsetof_end(t, f)	(offsetof(t, f) + sizeof(((t *)0)->f))

#endif /* !_SYS_PARAM_H_ */
