#!/bin/sh
# ktap.sh: check a KTAP self-test log and print "passed failed".
#
#   sh tests/ktap.sh LOG
#
# The log must hold a plan "1..N", exactly N result lines "ok I name" or
# "not ok I name # why" numbered 1..N in order, and a last summary line
# "P passed, F failed" agreeing with them.  "ok I name # SKIP why" (a
# case that cannot run in that build) is neither passed nor failed.  A missing result (a crash, a
# hang) counts as a failure.  Failed lines are echoed to stderr.
log=$1
tr -d '\r' < "$log" | awk '
/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; seenplan = 1; next }
/^ok [0-9]+ .* # SKIP/ { n++; if ($2 + 0 != n) bad = 1; next }
/^ok [0-9]+ / { n++; if ($2 + 0 != n) bad = 1; ok++; next }
/^not ok [0-9]+ / { n++; if ($3 + 0 != n) bad = 1; notok++;
	print "  FAIL: " $0 > "/dev/stderr"; next }
/^[0-9]+ passed, [0-9]+ failed$/ { sp = $1 + 0; sf = $3 + 0; summ = 1 }
END {
	if (!seenplan) { print "  FAIL: no KTAP plan in the log" > "/dev/stderr";
		print 0, 1; exit }
	missing = plan - n
	if (missing > 0)
		print "  FAIL: " missing " planned test(s) produced no result" \
		    > "/dev/stderr"
	if (bad) print "  FAIL: results out of order" > "/dev/stderr"
	if (!summ || sp != ok || sf != notok)
		print "  FAIL: summary line missing or disagrees" > "/dev/stderr"
	f = notok + (missing > 0 ? missing : 0) + (bad ? 1 : 0) + \
	    ((!summ || sp != ok || sf != notok) ? 1 : 0)
	print ok, f
}'
