# copies.awk: from a console log holding "netstat -m" output, print
# "mbufs clusters copied" of the last netstat -m seen: mbufs and
# clusters in use, and the sum of every "bytes copied" counter.
/^[0-9]+ mbufs in use:/ { mbufs = $1 }
/mbuf [0-9]+ byte clusters in use/ { split($1, a, "/"); clusters = a[1] }
/^bytes copied: pullup/ { c1 = $4 + $6 + $8 + $10 + $12 }
/^bytes copied: prepend/ { c2 = $4 + $6 + $8 + $10 }
END { print mbufs + 0, clusters + 0, c1 + c2 }
