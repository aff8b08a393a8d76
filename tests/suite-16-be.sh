#!/bin/sh
# The big-endian build: the host kernel and the fuzz replay driver
# cross-compiled for s390x (64-bit, big-endian) and run under
# qemu-s390x-static, with UBSan (qemu-user cannot host ASan's shadow
# memory).  See tests/port.sh for the cases.
exec sh "$(dirname "$0")/port.sh" s390x \
    "qemu-s390x-static -L /usr/s390x-linux-gnu" "UBSan"
