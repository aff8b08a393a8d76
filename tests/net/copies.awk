# copies.awk: from a console log holding "netstat -m -v" output (and
# optionally more of it; its "bytes copied: pulldown" line has the
# m_pulldown(9) family's counters), print "mbufs clusters copied": the
# last mbufs and clusters in use seen, and the sum of every "bytes
# copied" counter.
/^[0-9]+\/[0-9]+\/[0-9]+\/[0-9]+ mbufs in use/ { split($1, a, "/"); mbufs = a[1] }
/^[0-9\/]+ mbuf clusters in use/ { split($1, a, "/"); clusters = a[1] }
/^bytes copied: pullup/ { c1 = $4 + $6 + $8 + $10 + $12 }
/^bytes copied: prepend/ { c2 = $4 + $6 + $8 + $10 }
/^bytes copied: pulldown/ { c3 = $4 + $6 + $8 + $10 + $12 }
END { print mbufs + 0, clusters + 0, c1 + c2 + c3 }
