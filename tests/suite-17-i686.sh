#!/bin/sh
# The 32-bit build: the host kernel and the fuzz replay driver for i686
# (ILP32, little-endian), run natively, with ASan and UBSan.  See
# tests/port.sh for the cases.
exec sh "$(dirname "$0")/port.sh" i686 "" "ASan+UBSan"
