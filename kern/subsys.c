/*
 * subsys.c: the list of subsystems started at boot, in order.
 *
 * Kept apart from init_main.c so that adding a subsystem is one line
 * here.  Each init function runs once, in thread context, before the
 * clock starts and with interrupts masked.
 */
#include <sys/types.h>
#include <sys/systm.h>

void	subsys_init(void);
void	net_init(void);		/* the network stack, net/if.c */
void	mbport_attach(void);	/* kern_mbport.c */

void
subsys_init(void)
{
	mbport_attach();
	net_init();
}
