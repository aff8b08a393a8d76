/*
 * net/if_capture.c: capture interfaces, fake Ethernets for self-tests.
 *
 * What it is for: letting a test see every frame the stack sends and
 * feed it any frame it likes, byte for byte, without a device.  Output
 * moves each finished frame from the send queue onto a record queue
 * that the test empties with capif_take; capif_inject builds a frame
 * from a flat buffer, split into an mbuf chain of a chosen piece size
 * (so headers straddle mbufs), and passes it to if_input like a driver.
 *
 * Invariants: the record queue is bounded (CAP_MAXREC); a capture
 * interface is an ordinary Ethernet ifnet otherwise, so everything it
 * exercises is the real ARP/IP/ICMP/UDP code.  capif_destroy frees
 * whatever is still recorded or queued.
 */
#include <sys/types.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <net/in.h>
#include <net/if.h>
#include <net/if_ether.h>

#define CAP_MAXREC	512

MALLOC_DEFINE(M_CAPIF, "capif", "capture interfaces for self-tests");

struct capif_softc {
	struct ifnet	sc_if;
	struct mbufq	sc_rec;
};

static void
capif_start(struct ifnet *ifp)
{
	struct capif_softc *sc = ifp->if_softc;
	struct mbuf *m;

	while ((m = mq_dequeue(&ifp->if_snd)) != NULL) {
		ifp->if_opackets++;
		ifp->if_obytes += m->m_pkthdr.len;
		(void)mq_enqueue(&sc->sc_rec, m);
	}
}

struct ifnet *
capif_create(const char *name, const uint8_t *lladdr, const char *addr,
    const char *mask)
{
	struct capif_softc *sc;
	struct ifnet *ifp;

	sc = malloc(sizeof(*sc), M_CAPIF, M_WAITOK | M_ZERO);
	ifp = &sc->sc_if;
	ifp->if_softc = sc;
	strlcpy(ifp->if_xname, name, sizeof(ifp->if_xname));
	mq_init(&sc->sc_rec, CAP_MAXREC);
	ifp->if_start = capif_start;
	ether_ifattach(ifp, lladdr);
	ifp->if_link = 1;
	if (inet_parse(addr, &ifp->if_addr) != 0 ||
	    inet_parse(mask, &ifp->if_netmask) != 0)
		panic("capif_create: bad address %s/%s", addr, mask);
	if_attach(ifp);
	return (ifp);
}

void
capif_destroy(struct ifnet *ifp)
{
	struct capif_softc *sc = ifp->if_softc;
	int s;

	s = splnet();
	if_detach(ifp);
	mq_purge(&sc->sc_rec);
	splx(s);
	free(sc, M_CAPIF);
}

struct mbuf *
capif_take(struct ifnet *ifp)
{
	struct capif_softc *sc = ifp->if_softc;
	struct mbuf *m;
	int s;

	s = splnet();
	m = mq_dequeue(&sc->sc_rec);
	splx(s);
	return (m);
}

int
capif_count(struct ifnet *ifp)
{
	struct capif_softc *sc = ifp->if_softc;

	return (mq_len(&sc->sc_rec));
}

int
capif_inject(struct ifnet *ifp, const void *buf, int len, int chunk)
{
	struct mbuf *m, *n, **np;
	const uint8_t *p = buf;
	int off = 0, piece;

	if (chunk <= 0)
		chunk = MCLBYTES;
	if ((m = m_gethdr(M_WAIT, MT_DATA)) == NULL)
		return (ENOBUFS);
	m->m_len = 0;
	m->m_pkthdr.len = len;
	m->m_pkthdr.rcvif = ifp;
	n = m;
	np = &m->m_next;
	for (;;) {
		piece = MIN(len - off, chunk);
		if (piece > (int)M_TRAILINGSPACE(n) && piece > (int)MLEN)
			MCLGET(n, M_WAIT);
		piece = MIN(piece, (int)M_TRAILINGSPACE(n));
		memcpy(mtod(n, uint8_t *), p + off, piece);
		n->m_len = piece;
		off += piece;
		if (off >= len)
			break;
		n = m_get(M_WAIT, MT_DATA);
		*np = n;
		np = &n->m_next;
	}
	if_input(ifp, m);
	return (0);
}
