/*
 * subsys.c: the list of subsystems started at boot, in order.
 *
 * Kept apart from init_main.c so that adding a subsystem is one line
 * here.  Each init function runs once, in thread context, before the
 * clock starts and with interrupts masked.
 */
#include <sys/types.h>
#include <sys/systm.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <net/if.h>

void	subsys_init(void);

void
subsys_init(void)
{
	mpipe_sysinit();
	mbinit();
	net_init();
}
