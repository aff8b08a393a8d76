#!/bin/sh
# modfiles.sh: the mbuf module's C files, one a line (mbuf_port(9)).
for f in uipc_mbuf uipc_mbuf2 uipc_mbregion uipc_mbdebug uipc_mbpool \
    kern_mpipe uipc_msys uipc_osmbuf uipc_cksum; do
	echo "kern/$f.c"
done
