#!/bin/sh
# Rebuilds the ELF fixtures (checked in, so the unit tests never read this host's binaries):
#   libcap.so.2.fixture  a shared object whose soname is libcap.so.2
#   linked               an executable that needs libcap.so.2 and libc.so.6 (like a perf built with libcap)
#   plain                an executable that needs only libc.so.6 and exits 0 (like /bin/true)
# All three carry a GNU build id (sha1). Needs gcc and libc6-dev.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int fixture_version(void) { return 2; }\n' > "$tmp/lib.c"
printf 'extern int fixture_version(void);\nextern void _exit(int);\nvoid _start(void) { _exit(fixture_version() == 2 ? 0 : 1); }\n' > "$tmp/linked.c"
printf 'extern void _exit(int);\nvoid _start(void) { _exit(0); }\n' > "$tmp/plain.c"
flags="-Os -fno-asynchronous-unwind-tables -Wl,--build-id=sha1 -Wl,-z,norelro -Wl,-z,noseparate-code -Wl,--hash-style=gnu -s"
gcc $flags -shared -nostdlib -fPIC -Wl,-soname,libcap.so.2 -o libcap.so.2.fixture "$tmp/lib.c"
gcc $flags -nostartfiles -Wl,--no-as-needed -o linked "$tmp/linked.c" ./libcap.so.2.fixture -lc
gcc $flags -nostartfiles -Wl,--no-as-needed -o plain "$tmp/plain.c" -lc
