/*
 * arch/x86_64/serial.c: the console on COM1 (16550 UART at 0x3f8).
 *
 * 115200 baud, 8 data bits, no parity, 1 stop bit, FIFOs on.  Output
 * polls the transmitter, so it works from any context, before and
 * after interrupts are set up, and in panic.  Input is taken by the
 * IRQ 4 receive interrupt into a small ring once com_intr_init() has
 * run (so a byte wakes md_idle at once); com_getc() also polls the UART
 * itself, so input works with interrupts off as well.
 *
 * Invariants: the ring is only touched with interrupts disabled (in
 * the handler, or in com_getc under intr_save); its indices only grow;
 * when it is full, bytes are left in the UART, whose full FIFO holds
 * the sender back (QEMU waits; a real line overruns the FIFO and loses
 * the newest), so a paste longer than the ring keeps its Enter.
 */
#include <sys/types.h>
#include <sys/systm.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>

#define COM1		0x3f8
#define com_data	0		/* RBR/THR; DLL with DLAB */
#define com_ier		1		/* interrupt enable; DLM with DLAB */
#define com_fifo	2		/* FCR (write) / IIR (read) */
#define com_lcr		3
#define com_mcr		4
#define com_lsr		5

#define IER_ERXRDY	0x01
#define FIFO_ENABLE	0x01
#define FIFO_RCV_RST	0x02
#define FIFO_XMT_RST	0x04
#define FIFO_TRIGGER_1	0x00
#define LCR_DLAB	0x80
#define LCR_8BITS	0x03
#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_IENABLE	0x08		/* OUT2: gates the IRQ line */
#define LSR_RXRDY	0x01
#define LSR_TXRDY	0x20

#define COM_FREQ	115200
#define COM_RINGSZ	256		/* power of 2 */

static volatile uint8_t com_ring[COM_RINGSZ];
static volatile u_int com_rhead;	/* next to write */
static volatile u_int com_rtail;	/* next to read */
static bool com_present;

void
com_init(void)
{
	int divisor = COM_FREQ / 115200;

	outb(COM1 + com_ier, 0);
	outb(COM1 + com_lcr, LCR_DLAB);
	outb(COM1 + com_data, divisor & 0xff);
	outb(COM1 + com_ier, divisor >> 8);
	outb(COM1 + com_lcr, LCR_8BITS);
	outb(COM1 + com_fifo, FIFO_ENABLE | FIFO_RCV_RST | FIFO_XMT_RST |
	    FIFO_TRIGGER_1);
	outb(COM1 + com_mcr, MCR_DTR | MCR_RTS | MCR_IENABLE);
	/* No UART answers 0xff on LSR; then do not wait for it forever. */
	com_present = inb(COM1 + com_lsr) != 0xff;
}

static void
com_intr(void *arg)
{
	while (com_rhead - com_rtail < COM_RINGSZ &&
	    (inb(COM1 + com_lsr) & LSR_RXRDY)) {
		com_ring[com_rhead % COM_RINGSZ] = inb(COM1 + com_data);
		com_rhead++;
	}
}

void
com_intr_init(void)
{
	if (!com_present)
		return;
	(void)md_intr_establish(IRQ_COM1, INTR_ISA, "com1", com_intr, NULL);
	outb(COM1 + com_ier, IER_ERXRDY);
}

void
com_putc(int c)
{
	int spin;

	if (!com_present)
		return;
	for (spin = 1000000; spin > 0; spin--)
		if (inb(COM1 + com_lsr) & LSR_TXRDY)
			break;
	outb(COM1 + com_data, c);
}

int
com_getc(void)
{
	uint64_t s;
	int c = -1;

	if (!com_present)
		return -1;
	s = intr_save();
	if (com_rhead == com_rtail)
		com_intr(NULL);
	if (com_rhead != com_rtail) {
		c = com_ring[com_rtail % COM_RINGSZ];
		com_rtail++;
	}
	intr_restore(s);
	return c;
}
