/*
 * arch/x86_64/if_em.c: em(4), the Intel 8254x (e1000) Ethernet driver.
 *
 * What it is for: moving frames between QEMU's "-device e1000" and the
 * network stack with as little work as possible per frame.
 *
 * Receive: a ring of sc_nrx descriptors (EM_NRXDESC, fewer when the
 * cluster cap nmbclusters is small), each owning one mbuf cluster.  A
 * received frame's cluster is handed up the stack as is (no copy); the
 * slot gets a fresh cluster (em_newbuf).  The refill runs in the
 * interrupt handler, so it may take the interrupt share of the mbuf
 * and cluster pipes, which threads cannot touch: at attach em_reserve
 * sets that share aside (mpipe_setintr, an mpipe(9) extension) to
 * refill the whole ring once, bounded so that threads keep a share of
 * the pool.
 * When even the reserve is empty (and the drain hooks found nothing)
 * the frame is dropped and counted (sc_rxnombuf) and the old cluster
 * is given back to the device: the ring never runs dry and never
 * stalls.  A descriptor length of 0 or past the cluster is not
 * believed: dropped and counted (sc_rxbadlen).  Transmit: one descriptor per
 * non-empty mbuf of the chain
 * (scatter-gather); the chain is freed when the device reports the
 * last descriptor done (reclaimed in the interrupt or on the next
 * transmit).
 *
 * Reflector (reflect=1 on the command line, for the benchmark): the
 * receive path bounces every frame straight back in its own cluster,
 * Ethernet addresses swapped and, so that an unmodified peer takes it
 * for an answer, IPv4 addresses, UDP ports and the ICMP echo type
 * turned around and ARP requests for our address answered, all in
 * place with checksums unchanged or updated incrementally; reflect=2
 * swaps the Ethernet addresses only.  No stack runs: the figure is the
 * emulated NIC's ceiling.
 *
 * The interrupt handler reads the cause register, updates the link
 * state, takes at most EM_RX_BUDGET frames off the ring (raising its
 * own receive interrupt again if more are waiting), reclaims transmit
 * descriptors and restarts output.  It only enqueues received frames
 * (if_input); the protocols run in the netintr thread.
 *
 * Invariants: descriptor rings live in whole pages (identity mapped, so
 * a virtual address is the physical address the device uses); every
 * receive slot always holds a cluster (sc_rxm[i] != NULL for i <
 * sc_nrx); tx slots from sc_txcons up to sc_txprod belong to the
 * device, sc_txm[i] is set only on the last descriptor of a packet;
 * sc_txfree counts the others minus one (the ring is never completely
 * full); all of this changes only at splnet or in the interrupt
 * handler.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/errno.h>
#include <sys/cpu.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/mpipe.h>
#include <sys/msys.h>
#include <sys/shell.h>
#include <sys/selftest.h>

#include <arch/x86_64/cpufunc.h>
#include <arch/x86_64/intr.h>
#include <arch/x86_64/pci.h>
#include <arch/x86_64/if_emreg.h>

#include <net/in.h>
#include <net/ip.h>
#include <net/icmp.h>
#include <net/if.h>
#include <net/if_ether.h>

#define EM_NRXDESC	128		/* 2 KiB of descriptors, at most */
#define EM_MINRXDESC	8		/* RDLEN: a multiple of 128 bytes */
#define EM_NTXDESC	256		/* one page */
#define EM_RX_BUDGET	32		/* frames per interrupt */
#define EM_TX_MAXSEGS	32		/* more mbufs than this: linearize */

struct em_softc {
	struct ifnet		 sc_if;
	struct pci_dev		 sc_pd;
	volatile uint8_t	*sc_regs;
	struct em_rx_desc	*sc_rxd;
	struct em_tx_desc	*sc_txd;
	struct mbuf		*sc_rxm[EM_NRXDESC];
	struct mbuf		*sc_txm[EM_NTXDESC];
	int			 sc_nrx;	/* receive ring size */
	int			 sc_rxnext;	/* next slot to look at */
	int			 sc_rxdiscard;	/* dropping a multi-desc frame */
	int			 sc_txprod;	/* next free slot */
	int			 sc_txcons;	/* oldest slot in use */
	int			 sc_txfree;
	int			 sc_speed;
	int			 sc_reflect;	/* reflect=: 0 off, 1, 2 */
	int			 sc_intsrc;	/* md_intr_establish's source */
	u_int			 sc_cpu;	/* em.cpu=: its CPU */

	/* Counters (ifconfig em0). */
	u_long			 sc_intrs;	/* interrupts that were ours */
	u_long			 sc_rxframes;
	u_long			 sc_rxnombuf;	/* no cluster: frame dropped */
	u_long			 sc_rxerrs;	/* frame errors from the MAC */
	u_long			 sc_rxfrag;	/* frame over several buffers */
	u_long			 sc_rxbadlen;	/* length 0 or past the cluster */
	u_long			 sc_rxbudget;	/* budget ran out, rescheduled */
	u_long			 sc_rxoverrun;
	u_long			 sc_txframes;
	u_long			 sc_txsegs;
	u_long			 sc_txlinear;	/* chains linearized */
	u_long			 sc_txdrops;	/* no mbuf to linearize, empty */
	u_long			 sc_txfull;	/* waited for descriptors */
	u_long			 sc_lsc;	/* link status changes */
	/* The chip's statistics clear on read: running totals here. */
	uint64_t		 sc_hwgprc;	/* good packets received */
	uint64_t		 sc_hwgptc;	/* good packets sent */
	uint64_t		 sc_hwmpc;	/* missed (no descriptor) */
	uint64_t		 sc_hwcrcerrs;	/* CRC errors */
	u_long			 sc_reflected;	/* frames bounced (reflect=) */
	u_long			 sc_reflectdrops; /* runt, or no tx descriptor */
};

static struct em_softc *em_sc;

static void	em_intr(void *);
static void	em_encap(struct em_softc *, struct mbuf *);
static void	em_start(struct ifnet *);
static void	em_drvprint(struct ifnet *);

static inline uint32_t
em_read(struct em_softc *sc, int reg)
{
	return (*(volatile uint32_t *)(sc->sc_regs + reg));
}

static inline void
em_write(struct em_softc *sc, int reg, uint32_t v)
{
	*(volatile uint32_t *)(sc->sc_regs + reg) = v;
}

/* A compiler barrier: descriptor stores happen before the doorbell. */
static inline void
em_barrier(void)
{
	__asm volatile("" : : : "memory");
}

static uint64_t
em_paddr(const void *va)
{
	return ((uint64_t)(uintptr_t)va);	/* identity mapped */
}

static void
em_delay(int loops)
{
	while (loops-- > 0)
		io_wait();		/* about a microsecond each */
}

/* Read one 16-bit EEPROM word; -1 when the EEPROM does not answer. */
static int
em_eeprom_read(struct em_softc *sc, int word)
{
	uint32_t v;
	int i;

	em_write(sc, EM_EERD, EM_EERD_START |
	    ((uint32_t)word << EM_EERD_ADDR_SHIFT));
	for (i = 0; i < 10000; i++) {
		v = em_read(sc, EM_EERD);
		if (v & EM_EERD_DONE)
			return ((int)(v >> EM_EERD_DATA_SHIFT));
		em_delay(1);
	}
	return (-1);
}

static void
em_read_mac(struct em_softc *sc, uint8_t *mac)
{
	uint32_t lo, hi;
	int i, w, ok = 1;

	for (i = 0; i < 3; i++) {
		if ((w = em_eeprom_read(sc, i)) < 0) {
			ok = 0;
			break;
		}
		mac[2 * i] = w & 0xff;
		mac[2 * i + 1] = w >> 8;
	}
	if (ok && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) != 0 &&
	    (mac[0] & 1) == 0)
		return;
	/* No EEPROM: the receive address the firmware left. */
	lo = em_read(sc, EM_RAL0);
	hi = em_read(sc, EM_RAH0);
	for (i = 0; i < 4; i++)
		mac[i] = (lo >> (8 * i)) & 0xff;
	mac[4] = hi & 0xff;
	mac[5] = (hi >> 8) & 0xff;
}

static void
em_link_update(struct em_softc *sc)
{
	static const int speeds[4] = { 10, 100, 1000, 1000 };
	uint32_t st = em_read(sc, EM_STATUS);
	int up = (st & EM_STATUS_LU) != 0;

	sc->sc_speed = speeds[(st & EM_STATUS_SPEED_MASK) >>
	    EM_STATUS_SPEED_SHIFT];
	if (up != sc->sc_if.if_link)
		printf("%s: link %s%s\n", sc->sc_if.if_xname,
		    up ? "up" : "down", up ?
		    ((st & EM_STATUS_FD) ? ", full duplex" : ", half duplex") :
		    "");
	sc->sc_if.if_link = up;
}

/* Give slot i's cluster (sc_rxm[i]) back to the device. */
static void
em_rx_arm(struct em_softc *sc, int i)
{
	struct em_rx_desc *d = &sc->sc_rxd[i];
	struct mbuf *m = sc->sc_rxm[i];

	m->m_data = m->m_ext.ext_buf;
	d->rd_addr = em_paddr(m->m_ext.ext_buf);
	d->rd_len = 0;
	d->rd_csum = 0;
	d->rd_errors = 0;
	d->rd_special = 0;
	d->rd_status = 0;
}

/*
 * A fresh cluster for a receive slot.  Called from the interrupt
 * handler (and at attach): in interrupt context mpipe(9) hands out the
 * interrupt share of the mbuf and cluster pipes (em_reserve), which no
 * thread can take, and runs the drain hooks (reassembly) before it
 * gives up.
 */
static struct mbuf *
em_newbuf(void)
{
	return (m_getcl(M_DONTWAIT, MT_DATA, M_PKTHDR));
}

/*
 * Set aside the interrupt share of pipe mp (mpipe_setintr, an mpipe(9)
 * extension) to cover one refill of every slot of the ring, but never
 * more than the pipe's nnom nor half of what the ring leaves below the
 * cap, so threads are never starved by it.  mpipe_setintr tops the
 * pipe's array up again at once (the ring has just taken its buffers
 * out of it), so the share and the threads' part of the reserve are
 * there before the first receive interrupt needs them.
 */
static void
em_reserve(struct malloc_pipe *mp, int nrx)
{
	int nint;

	nint = MIN(nrx, mp->mp_nnom);
	nint = MIN(nint, (mp->mp_nmax - nrx) / 2);
	if (nint > mp->mp_nint)
		mpipe_setintr(mp, nint);
}

/* ICMP echo request -> reply: the type byte 8 -> 0 (RFC 1624 update). */
static void
em_icmp_turn(uint8_t *ic)
{
	uint32_t sum;

	ic[0] = ICMP_ECHOREPLY;
	/* ~HC' = ~HC + ~m + m', m = 0x0800 (type 8, code 0), m' = 0 */
	sum = (uint16_t)~be16dec(ic + 2) + (uint16_t)~0x0800;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	be16enc(ic + 2, (uint16_t)~sum);
}

static void
em_swap(uint8_t *a, uint8_t *b, int len)
{
	uint8_t t;
	int i;

	for (i = 0; i < len; i++) {
		t = a[i];
		a[i] = b[i];
		b[i] = t;
	}
}

/*
 * The reflector: turn frame m (flat in its own cluster, just taken off
 * the ring, so writable and ours) around and put it on the transmit
 * ring; no copy.  Returns 1 when it was queued (the caller rings the
 * doorbell), 0 when it was dropped and counted.
 */
static int
em_reflect(struct em_softc *sc, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	uint8_t *f = mtod(m, uint8_t *), *ip, *l4, *a;
	int len = m->m_len, hlen;
	struct in_addr tpa;

	if (len < ETHER_HDR_LEN || sc->sc_txfree < 2) {
		sc->sc_reflectdrops++;
		m_freem(m);
		return (0);
	}
	em_swap(f, f + ETHER_ADDR_LEN, ETHER_ADDR_LEN);
	if (sc->sc_reflect != 1)
		goto send;
	if (be16dec(f + 12) == ETHERTYPE_ARP && len >= ETHER_HDR_LEN + 28) {
		a = f + ETHER_HDR_LEN;
		memcpy(&tpa.s_addr, a + 24, 4);
		if (be16dec(a + 6) == ARPOP_REQUEST &&
		    tpa.s_addr == ifp->if_addr.s_addr) {
			/* Answer it: a reply from us to the asker. */
			be16enc(a + 6, ARPOP_REPLY);
			memcpy(a + 18, a + 8, ETHER_ADDR_LEN + 4);
			memcpy(a + 8, ifp->if_lladdr, ETHER_ADDR_LEN);
			memcpy(a + 14, &tpa.s_addr, 4);
			memcpy(f, a + 18, ETHER_ADDR_LEN);
			memcpy(f + ETHER_ADDR_LEN, ifp->if_lladdr,
			    ETHER_ADDR_LEN);
		}
	} else if (be16dec(f + 12) == ETHERTYPE_IP &&
	    len >= ETHER_HDR_LEN + IP_MINHLEN) {
		ip = f + ETHER_HDR_LEN;
		hlen = IP_HL(ip[0]);
		/* Swapping two words leaves every checksum as it was. */
		em_swap(ip + 12, ip + 16, 4);
		l4 = ip + hlen;
		if ((be16dec(ip + 6) & IP_OFFMASK) != 0 ||
		    hlen < IP_MINHLEN || ETHER_HDR_LEN + hlen + 8 > len)
			goto send;
		if (ip[9] == IPPROTO_UDP)
			em_swap(l4, l4 + 2, 2);
		else if (ip[9] == IPPROTO_ICMP && l4[0] == ICMP_ECHO &&
		    l4[1] == 0)
			em_icmp_turn(l4);
	}
send:
	m->m_flags &= ~(M_BCAST | M_MCAST);
	em_encap(sc, m);
	sc->sc_reflected++;
	return (1);
}

/*
 * May a descriptor's length be believed?  The device writes it, and a
 * bad device (or a bad emulation of one) can write 0 or more than the
 * 2048-byte buffer RCTL gave it (EM_RCTL_BSIZE_2048, one cluster): such
 * a frame is dropped and counted (sc_rxbadlen), never handed up with a
 * length its cluster does not hold.
 */
static int
em_rxlen_ok(int len)
{
	return (len > 0 && len <= MCLBYTES);
}

/* Take at most budget frames off the receive ring; returns how many. */
static int
em_rxeof(struct em_softc *sc, int budget)
{
	struct ifnet *ifp = &sc->sc_if;
	struct em_rx_desc *d;
	struct mbuf *m, *nm;
	int i, n = 0, len, last = -1, txq = 0;
	uint8_t status, errors;

	while (n < budget) {
		i = sc->sc_rxnext;
		d = &sc->sc_rxd[i];
		status = *(volatile uint8_t *)&d->rd_status;
		if ((status & EM_RXD_STAT_DD) == 0)
			break;
		em_barrier();
		errors = d->rd_errors;
		len = d->rd_len;
		n++;
		last = i;
		sc->sc_rxnext = (i + 1) % sc->sc_nrx;

		if (sc->sc_rxdiscard || (status & EM_RXD_STAT_EOP) == 0) {
			/* Part of a frame larger than a cluster: drop it all. */
			if ((status & EM_RXD_STAT_EOP) == 0)
				sc->sc_rxdiscard = 1;
			else {
				sc->sc_rxdiscard = 0;
				sc->sc_rxfrag++;
				ifp->if_ierrors++;
			}
			em_rx_arm(sc, i);
			continue;
		}
		if (errors & EM_RXD_ERR_FRAME) {
			sc->sc_rxerrs++;
			ifp->if_ierrors++;
			em_rx_arm(sc, i);
			continue;
		}
		if (!em_rxlen_ok(len)) {
			sc->sc_rxbadlen++;
			ifp->if_ierrors++;
			em_rx_arm(sc, i);
			continue;
		}
		if ((nm = em_newbuf()) == NULL) {
			/* Drop this frame, keep the old cluster in the ring. */
			sc->sc_rxnombuf++;
			ifp->if_ierrors++;
			em_rx_arm(sc, i);
			continue;
		}
		m = sc->sc_rxm[i];
		sc->sc_rxm[i] = nm;
		em_rx_arm(sc, i);
		m->m_len = m->m_pkthdr.len = len;
		m->m_pkthdr.rcvif = ifp;
		sc->sc_rxframes++;
		if (sc->sc_reflect)
			txq += em_reflect(sc, m);
		else
			if_input(ifp, m);
	}
	if (last >= 0) {
		em_barrier();
		em_write(sc, EM_RDT, last);
	}
	if (txq > 0) {
		em_barrier();
		em_write(sc, EM_TDT, sc->sc_txprod);
	}
	return (n);
}

/* Free the chains whose descriptors the device has finished. */
static void
em_txeof(struct em_softc *sc)
{
	struct em_tx_desc *d;

	while (sc->sc_txcons != sc->sc_txprod) {
		d = &sc->sc_txd[sc->sc_txcons];
		if ((*(volatile uint8_t *)&d->td_status & EM_TXD_STAT_DD) == 0)
			break;
		if (sc->sc_txm[sc->sc_txcons] != NULL) {
			m_freem(sc->sc_txm[sc->sc_txcons]);
			sc->sc_txm[sc->sc_txcons] = NULL;
		}
		d->td_status = 0;
		sc->sc_txfree++;
		sc->sc_txcons = (sc->sc_txcons + 1) % EM_NTXDESC;
	}
}

static int
em_nsegs(struct mbuf *m)
{
	int n = 0;

	for (; m != NULL; m = m->m_next)
		if (m->m_len > 0)
			n++;
	return (n);
}

/* Copy a long chain into one cluster (counted in sc_txlinear). */
static struct mbuf *
em_linearize(struct em_softc *sc, struct mbuf *m)
{
	struct mbuf *n;
	int len = m->m_pkthdr.len;

	if (len > MCLBYTES || (n = m_getcl(M_DONTWAIT, MT_DATA,
	    M_PKTHDR)) == NULL) {
		m_freem(m);
		return (NULL);
	}
	m_copydata(m, 0, len, mtod(n, caddr_t));
	n->m_len = n->m_pkthdr.len = len;
	m_freem(m);
	sc->sc_txlinear++;
	return (n);
}

/*
 * Put packet m on the transmit ring, one descriptor per non-empty mbuf;
 * the caller has checked that it has at most EM_TX_MAXSEGS of them and
 * that sc_txfree covers them.  The caller rings the doorbell.
 */
static void
em_encap(struct em_softc *sc, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	struct em_tx_desc *d;
	struct mbuf *n;
	int last = -1;

	for (n = m; n != NULL; n = n->m_next) {
		if (n->m_len == 0)
			continue;
		last = sc->sc_txprod;
		d = &sc->sc_txd[last];
		d->td_addr = em_paddr(mtod(n, void *));
		d->td_len = n->m_len;
		d->td_cso = 0;
		d->td_css = 0;
		d->td_special = 0;
		d->td_status = 0;
		d->td_cmd = EM_TXD_CMD_IFCS | EM_TXD_CMD_RS;
		sc->sc_txprod = (sc->sc_txprod + 1) % EM_NTXDESC;
		sc->sc_txfree--;
		sc->sc_txsegs++;
	}
	KASSERTMSG(last >= 0, "em_encap: packet %p has no data", (void *)m);
	sc->sc_txd[last].td_cmd |= EM_TXD_CMD_EOP;
	sc->sc_txm[last] = m;
	sc->sc_txframes++;
	ifp->if_opackets++;
	ifp->if_obytes += m->m_pkthdr.len;
}

static void
em_start(struct ifnet *ifp)
{
	struct em_softc *sc = ifp->if_softc;
	struct mbuf *m;
	int nsegs, s, queued = 0;

	s = splnet();
	em_txeof(sc);
	while ((m = ifp->if_snd.mq_head) != NULL) {
		nsegs = em_nsegs(m);
		if (nsegs > EM_TX_MAXSEGS)
			nsegs = 1;	/* it will be linearized */
		if (nsegs + 1 > sc->sc_txfree) {
			sc->sc_txfull++;
			break;
		}
		m = mq_dequeue(&ifp->if_snd);
		if (nsegs == 0 || m->m_pkthdr.len > ETHER_MAX_LEN) {
			sc->sc_txdrops++;
			ifp->if_oerrors++;
			m_freem(m);
			continue;
		}
		if (em_nsegs(m) > EM_TX_MAXSEGS &&
		    (m = em_linearize(sc, m)) == NULL) {
			sc->sc_txdrops++;
			ifp->if_oerrors++;
			continue;
		}
		em_encap(sc, m);
		queued++;
	}
	if (queued) {
		em_barrier();
		em_write(sc, EM_TDT, sc->sc_txprod);
	}
	splx(s);
}

static void
em_intr(void *arg)
{
	struct em_softc *sc = arg;
	uint32_t icr;

	icr = em_read(sc, EM_ICR);
	if (icr == 0)
		return;			/* a device sharing the line */
	sc->sc_intrs++;
	if (icr & EM_ICR_LSC) {
		sc->sc_lsc++;
		em_link_update(sc);
	}
	if (icr & EM_ICR_RXO)
		sc->sc_rxoverrun++;
	if (em_rxeof(sc, EM_RX_BUDGET) == EM_RX_BUDGET) {
		/* More may be waiting: come back after the EOI. */
		sc->sc_rxbudget++;
		em_write(sc, EM_ICS, EM_ICR_RXT0);
	}
	em_txeof(sc);
	if (!mq_empty(&sc->sc_if.if_snd))
		em_start(&sc->sc_if);
}

static void
em_drvprint(struct ifnet *ifp)
{
	struct em_softc *sc = ifp->if_softc;

	printf("\tem: pci %d:%d.%d irq %d, %d Mb/s, rx ring %d, tx ring %d "
	    "(%d free)\n", sc->sc_pd.pd_bus, sc->sc_pd.pd_dev,
	    sc->sc_pd.pd_func, sc->sc_pd.pd_intline, sc->sc_speed,
	    sc->sc_nrx, EM_NTXDESC, sc->sc_txfree);
	printf("\tem: interrupt reserve: %d clusters, %d mbufs\n",
	    mb_cluster_pipe.mp_nint, mb_mbuf_pipe.mp_nint);
	if (sc->sc_intsrc >= 0)
		printf("\tem: interrupts on cpu%u through the %s\n",
		    intr_cpu(sc->sc_intsrc), ioapic_active ? "I/O APIC" :
		    "8259");
	printf("\tem: %lu interrupts, rx %lu frames, %lu no-cluster drops, "
	    "%lu errors, %lu oversize, %lu bad lengths, %lu overruns, "
	    "%lu budget repolls\n", sc->sc_intrs, sc->sc_rxframes,
	    sc->sc_rxnombuf, sc->sc_rxerrs, sc->sc_rxfrag, sc->sc_rxbadlen,
	    sc->sc_rxoverrun, sc->sc_rxbudget);
	printf("\tem: tx %lu frames in %lu descriptors, %lu linearized, "
	    "%lu dropped, %lu ring-full waits, %lu link changes\n",
	    sc->sc_txframes, sc->sc_txsegs, sc->sc_txlinear, sc->sc_txdrops,
	    sc->sc_txfull, sc->sc_lsc);
	if (sc->sc_reflect)
		printf("\tem: reflector mode %d: %lu frames bounced, %lu "
		    "dropped\n", sc->sc_reflect, sc->sc_reflected,
		    sc->sc_reflectdrops);
	sc->sc_hwgprc += em_read(sc, EM_GPRC);
	sc->sc_hwgptc += em_read(sc, EM_GPTC);
	sc->sc_hwmpc += em_read(sc, EM_MPC);
	sc->sc_hwcrcerrs += em_read(sc, EM_CRCERRS);
	printf("\tem: hw good rx %llu tx %llu, missed %llu, crc errors %llu "
	    "(since attach)\n", (unsigned long long)sc->sc_hwgprc,
	    (unsigned long long)sc->sc_hwgptc, (unsigned long long)sc->sc_hwmpc,
	    (unsigned long long)sc->sc_hwcrcerrs);
}

static void
em_reset(struct em_softc *sc)
{
	int i;

	em_write(sc, EM_IMC, 0xffffffff);
	em_write(sc, EM_RCTL, 0);
	em_write(sc, EM_TCTL, 0);
	em_write(sc, EM_CTRL, em_read(sc, EM_CTRL) | EM_CTRL_RST);
	em_delay(10);
	for (i = 0; i < 100000 && (em_read(sc, EM_CTRL) & EM_CTRL_RST); i++)
		em_delay(1);
	em_write(sc, EM_IMC, 0xffffffff);
	(void)em_read(sc, EM_ICR);
	em_write(sc, EM_CTRL, (em_read(sc, EM_CTRL) | EM_CTRL_SLU |
	    EM_CTRL_ASDE) & ~EM_CTRL_PHY_RST);
}

/*
 * Find and start the first 8254x; called once by net_init through the
 * weak netdev_attach hook (the host build has no such device).
 */
void	netdev_attach(void);

void
netdev_attach(void)
{
	struct em_softc *sc;
	struct ifnet *ifp;
	struct pci_dev pd;
	uint8_t mac[ETHER_ADDR_LEN];
	char buf[20];
	long v;
	int i;

	if (pci_find_device(EM_VENDOR_INTEL, EM_DEVICE_82540EM, &pd) != 0)
		return;
	if (pd.pd_bar0_io || pd.pd_bar0 == 0 || pd.pd_bar0 >= (4ULL << 30)) {
		printf("em0: BAR0 %#llx unusable\n",
		    (unsigned long long)pd.pd_bar0);
		return;
	}
	pci_enable_busmaster(&pd);
	sc = malloc(sizeof(*sc), M_DEVBUF, M_NOWAIT | M_ZERO);
	if (sc == NULL)
		panic("em0: no memory for the softc");
	sc->sc_pd = pd;
	sc->sc_intsrc = -1;
	sc->sc_regs = (volatile uint8_t *)(uintptr_t)pd.pd_bar0;
	ifp = &sc->sc_if;
	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, "em0", sizeof(ifp->if_xname));

	em_reset(sc);
	em_read_mac(sc, mac);
	em_write(sc, EM_RAL0, mac[0] | (mac[1] << 8) | (mac[2] << 16) |
	    ((uint32_t)mac[3] << 24));
	em_write(sc, EM_RAH0, mac[4] | (mac[5] << 8) | 0x80000000U);
	for (i = 0; i < 128; i++)
		em_write(sc, EM_MTA + 4 * i, 0);

	sc->sc_rxd = vm_page_alloc(1, 0);
	sc->sc_txd = vm_page_alloc(1, 0);
	if (sc->sc_rxd == NULL || sc->sc_txd == NULL)
		panic("em0: no pages for descriptor rings");
	memset(sc->sc_rxd, 0, PAGE_SIZE);
	memset(sc->sc_txd, 0, PAGE_SIZE);
	/* Half the cluster cap at most: the stack needs the rest. */
	sc->sc_nrx = MIN(EM_NRXDESC, (int)(nmbclusters / 2) &
	    ~(EM_MINRXDESC - 1));
	if (sc->sc_nrx < EM_MINRXDESC)
		sc->sc_nrx = EM_MINRXDESC;
	for (i = 0; i < sc->sc_nrx; i++) {
		if ((sc->sc_rxm[i] = em_newbuf()) == NULL)
			panic("em0: no clusters for the receive ring");
		em_rx_arm(sc, i);
	}
	em_reserve(&mb_cluster_pipe, sc->sc_nrx);
	em_reserve(&mb_mbuf_pipe, sc->sc_nrx);
	em_write(sc, EM_RDBAL, (uint32_t)em_paddr(sc->sc_rxd));
	em_write(sc, EM_RDBAH, (uint32_t)(em_paddr(sc->sc_rxd) >> 32));
	em_write(sc, EM_RDLEN, sc->sc_nrx * sizeof(struct em_rx_desc));
	em_write(sc, EM_RDH, 0);
	em_write(sc, EM_RDT, sc->sc_nrx - 1);
	em_write(sc, EM_RDTR, 0);
	/*
	 * Multicast promiscuous: the chip's filter would drop multicast
	 * frames uncounted; the stack drops them instead, counted
	 * (ether "multicast" in netstat -s).
	 */
	em_write(sc, EM_RCTL, EM_RCTL_EN | EM_RCTL_BAM | EM_RCTL_MPE |
	    EM_RCTL_SECRC | EM_RCTL_BSIZE_2048);

	sc->sc_txfree = EM_NTXDESC - 1;
	em_write(sc, EM_TDBAL, (uint32_t)em_paddr(sc->sc_txd));
	em_write(sc, EM_TDBAH, (uint32_t)(em_paddr(sc->sc_txd) >> 32));
	em_write(sc, EM_TDLEN, EM_NTXDESC * sizeof(struct em_tx_desc));
	em_write(sc, EM_TDH, 0);
	em_write(sc, EM_TDT, 0);
	em_write(sc, EM_TIPG, EM_TIPG_DEFAULT);
	em_write(sc, EM_TCTL, EM_TCTL_EN | EM_TCTL_PSP | EM_TCTL_CT |
	    EM_TCTL_COLD);
	em_write(sc, EM_ITR, 0);

	ifp->if_start = em_start;
	ifp->if_drvprint = em_drvprint;
	ether_ifattach(ifp, mac);
	if_attach(ifp);
	em_sc = sc;
	printf("em0: Intel 82540EM at pci %d:%d.%d, mem %#llx, irq %d, "
	    "address %s\n", pd.pd_bus, pd.pd_dev, pd.pd_func,
	    (unsigned long long)pd.pd_bar0, pd.pd_intline, ether_fmt(mac, buf));
	printf("em0: rx ring %d clusters, interrupt reserve %d clusters "
	    "%d mbufs\n", sc->sc_nrx, mb_cluster_pipe.mp_nint,
	    mb_mbuf_pipe.mp_nint);
	if (kenv_getint("reflect", &v) && v > 0) {
		sc->sc_reflect = v == 1 ? 1 : 2;
		printf("em0: reflector mode %d: every frame is bounced back "
		    "by the driver, the stack sees none\n", sc->sc_reflect);
	}
	em_link_update(sc);
	if (pd.pd_intline == 0 || pd.pd_intline >= NIRQ ||
	    pd.pd_intline == IRQ_SLAVE) {
		printf("em0: no usable interrupt line (%d)\n", pd.pd_intline);
		return;
	}
	sc->sc_intsrc = md_intr_establish(pd.pd_intline, INTR_PCI, "em0",
	    em_intr, sc);
	if (kenv_getint("em.cpu", &v)) {
		sc->sc_cpu = (u_int)v;
		switch (intr_route(sc->sc_intsrc, sc->sc_cpu)) {
		case 0:
		case EAGAIN:		/* done once cpu<v> has started */
			break;
		default:
			printf("em0: em.cpu=%ld: the 8259 reaches cpu0 only\n",
			    v);
			sc->sc_cpu = 0;
		}
	}
	em_write(sc, EM_IMS, EM_INTRS);
}

/*
 * Raise em0's interrupt n times (the cause-set register, ICS, as the
 * chip's own transmit-done) and wait up to a second for cpu to count
 * them all: true when it did.
 */
static bool
em_kick(struct em_softc *sc, u_int cpu, int n)
{
	uint64_t c0 = intr_counts[sc->sc_intsrc][cpu], t0;
	int i;

	for (i = 1; i <= n; i++) {
		em_write(sc, EM_ICS, EM_ICR_TXDW);
		t0 = md_nanotime();
		while (__atomic_load_n(&intr_counts[sc->sc_intsrc][cpu],
		    __ATOMIC_RELAXED) < c0 + i) {
			if (md_nanotime() - t0 > 1000000000ULL)
				return (false);
			tsleep(&c0, 0, "emkick", 1);
		}
	}
	return (true);
}

/*
 * em0's interrupt goes to each CPU in turn (intr_route) and is counted
 * there and nowhere else; its line is level-triggered (PCI INTx, the
 * MADT's override on QEMU); on the 8259 only cpu0 is possible.  Puts
 * the route back as em.cpu= (or the default) had it.
 */
SELFTEST(em, intr_cpu)
{
	struct em_softc *sc = em_sc;
	uint64_t before[MAXCPUS];
	u_long intrs;
	u_int c, o;
	int r;

	if (sc == NULL || sc->sc_intsrc < 0)
		ST_SKIP("no em0 with an interrupt line");
	if (ioapic_active)
		ST_ASSERT((ioapic_entry(sc->sc_intsrc - NIRQ) &
		    IOAPIC_RED_LEVEL) != 0);
	ST_ASSERT_EQ(intr_route(sc->sc_intsrc, MAXCPUS), EINVAL);
	for (c = 0; c < (u_int)ncpu; c++) {
		r = intr_route(sc->sc_intsrc, c);
		if (!ioapic_active && c > 0) {
			ST_ASSERT_EQ(r, ENXIO);
			continue;
		}
		ST_ASSERT_EQ(r, 0);
		ST_ASSERT_EQ(intr_cpu(sc->sc_intsrc), c);
		tsleep(&r, 0, "emroute", 2);	/* one in flight lands */
		for (o = 0; o < (u_int)ncpu; o++)
			before[o] = intr_counts[sc->sc_intsrc][o];
		intrs = sc->sc_intrs;
		ST_ASSERT(em_kick(sc, c, 10));
		ST_ASSERT(sc->sc_intrs >= intrs + 10);
		for (o = 0; o < (u_int)ncpu; o++)
			if (o != c)
				ST_ASSERT_EQ(intr_counts[sc->sc_intsrc][o],
				    before[o]);
	}
	if (ioapic_active && ncpu < MAXCPUS) {
		ST_ASSERT_EQ(intr_route(sc->sc_intsrc, ncpu), EAGAIN);
		ST_ASSERT_EQ(intr_cpu(sc->sc_intsrc), ncpu - 1);
	}
	c = sc->sc_cpu < (u_int)ncpu ? sc->sc_cpu : 0;
	ST_ASSERT_EQ(intr_route(sc->sc_intsrc, c), 0);
	ST_ASSERT_EQ(intr_cpu(sc->sc_intsrc), c);
}

/*
 * The receive-length check (QEMU's e1000 never writes a bad length, so
 * the check is tested on its own): 0 and anything past the cluster are
 * refused, every length a 2048-byte buffer can hold is taken.
 */
SELFTEST(em, rxlen_check)
{
	ST_ASSERT(!em_rxlen_ok(0));
	ST_ASSERT(!em_rxlen_ok(-1));
	ST_ASSERT(em_rxlen_ok(1));
	ST_ASSERT(em_rxlen_ok(ETHER_MIN_LEN));
	ST_ASSERT(em_rxlen_ok(ETHER_MAX_LEN + 4));
	ST_ASSERT(em_rxlen_ok(MCLBYTES));
	ST_ASSERT(!em_rxlen_ok(MCLBYTES + 1));
	ST_ASSERT(!em_rxlen_ok(0xffff));
}
