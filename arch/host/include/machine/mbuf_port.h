/*
 * arch/host/include/machine/mbuf_port.h: the inline half of the mbuf
 * module's seam, mbuf_port(9); the same on every machine of this
 * kernel (kern/kern_mbport.h).
 */
#include <kern/kern_mbport.h>
