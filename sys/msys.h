/*
 * sys/msys.h: system mbuf size classes (msys), see msys(9).
 *
 * A size class is an mpipe(9) whose buffers are mbufs of one block
 * size (the mbuf header at the block's start, msys_classlen data bytes
 * after it), or the cluster pipe (mbufs holding a cluster).  Classes
 * are registered in a table kept sorted by size; an allocation for
 * size bytes uses the smallest class whose buffers hold size bytes, or
 * the largest class when none does (so one buffer may not hold the
 * request).  There is never a fallback to another class: when the
 * chosen class is empty M_DONTWAIT gets NULL and M_WAIT sleeps on that
 * class.  The kernel registers its default classes at boot
 * (msys_default); msys_reset empties the table.
 *
 * Also declared here: the pipes behind the mbuf allocation seam
 * (uipc_mbpool.c), so that msys and the statistics can name them.
 *
 * Invariants: msys_classes[0 .. msys_nclasses-1] are distinct pipes in
 * strictly increasing order of mp_bytes; the table changes only at
 * splhigh.
 */
#ifndef _SYS_MSYS_H_
#define _SYS_MSYS_H_

#include <sys/mbuf_port.h>
#include <sys/mpipe.h>

struct mbuf;

#define MSYS_MAXCLASSES	48

/* The class table. */
int	msys_register(struct malloc_pipe *mp);
void	msys_reset(void);
void	msys_default(void);
int	msys_nclasses(void);
struct malloc_pipe *msys_class(int i);
struct malloc_pipe *msys_select(int size);
int	msys_classlen(const struct malloc_pipe *mp);

/* Storage from a class, and mbufs carrying it. */
void	*msys_alloc(int size, int how, struct malloc_pipe **mpp);
void	msys_free(struct malloc_pipe *mp, void *buf);
struct mbuf *msys_get(int how, int type, int size);
struct mbuf *msys_gethdr(int how, int type, int size, u_int uhlen);
u_long	msys_nout(void);
void	msys_print(void);
void	msys_print_brief(u_long *outb, u_long *freeb, u_long *fails,
	    u_long *waits);
void	msys_init(void);
/* The memory type of the default classes' storage. */
MBP_MEMTYPE_DECLARE(M_MSYS);

/* The pipes of the allocation seam (uipc_mbpool.c). */
extern struct malloc_pipe mb_mbuf_pipe;		/* MSIZE mbufs */
extern struct malloc_pipe mb_cluster_pipe;	/* MCLBYTES clusters */
extern struct malloc_pipe mb_ref_pipe;		/* shared reference counts */
extern long nmbufs, nmbclusters;		/* their caps (tunables) */

#endif /* !_SYS_MSYS_H_ */
