/*
 * subsys.c: the list of subsystems started at boot, in order.
 *
 * Kept apart from init_main.c so that adding a subsystem is one line
 * here.  Each init function runs once, in thread context, before the
 * clock starts and with interrupts masked; each function of
 * subsys_cpus_started runs once, in thread context, masked, after
 * every CPU started (what binds a thread to a CPU, kthread(9)).
 */
#include <sys/types.h>
#include <sys/systm.h>

void	subsys_init(void);
void	net_init(void);		/* the network stack, net/if.c */
void	mbport_attach(void);	/* kern_mbport.c */
void	subsys_cpus_started(void);
void	net_cpus_started(void);	/* netintr.cpu=, net/if.c */

void
subsys_init(void)
{
	mbport_attach();
	net_init();
}

void
subsys_cpus_started(void)
{
	net_cpus_started();
}
