#!/bin/sh
# Runs a boot path's sysctl tool over the sysctl configuration of an image and prints the value the kernel
# kept for kernel.perf_event_paranoid.
#
# usage: sysctl-boot.sh IMAGE systemd|procps SENTINEL [SECONDS]
#
# The tool runs chrooted in private mount and network namespaces: /etc, /run, /usr/lib/sysctl.d,
# /usr/local/lib/sysctl.d and /lib/sysctl.d come from IMAGE, the binaries from this system's /usr.
# /proc/sys is a private tmpfs whose only file, kernel/perf_event_paranoid, is net.unix.max_dgram_qlen of the
# private network namespace bind-mounted there: an int sysctl with the same handler (proc_dointvec), so the
# kernel parses each write exactly as it would for perf_event_paranoid, and no real setting is ever touched
# (writes to any other key find no file). IMAGE may be / to run over this system's own configuration.
# SENTINEL is stored first: printing it back means nothing was written. A tool still running after SECONDS
# (default 5) is killed, as systemd kills a unit at its timeout.
set -eu
image=$(realpath "$1"); tool=$2; sentinel=$3; seconds=${4:-5}
mnt=$(mktemp -d /tmp/sysctl-boot.XXXXXX)
trap 'rmdir "$mnt"' EXIT
unshare --mount --net --propagation private -- sh -eu -c '
image=$1; tool=$2; sentinel=$3; seconds=$4; nr=$5
mount -t tmpfs tmpfs "$nr"
cd "$nr"
mkdir -p usr proc dev etc run lib/sysctl.d tmp
ln -s usr/bin bin; ln -s usr/sbin sbin; ln -s usr/lib64 lib64
ln -s /usr/lib/x86_64-linux-gnu lib/x86_64-linux-gnu
mount --rbind /usr usr
mount -t tmpfs tmpfs usr/local; mkdir -p usr/local/lib/sysctl.d
mount -t tmpfs tmpfs usr/lib/sysctl.d
for d in etc run usr/local/lib/sysctl.d usr/lib/sysctl.d lib/sysctl.d; do
    if [ -d "$image/$d" ]; then mount --bind "$image/$d" "$d"; fi
done
mount --rbind /dev dev
mount --rbind /proc proc
mount -t tmpfs tmpfs proc/sys
mkdir proc/sys/kernel
: > proc/sys/kernel/perf_event_paranoid
mount --bind /proc/sys/net/unix/max_dgram_qlen proc/sys/kernel/perf_event_paranoid
echo "$sentinel" > proc/sys/kernel/perf_event_paranoid
case $tool in
    systemd) set -- /usr/lib/systemd/systemd-sysctl ;;
    procps) set -- /usr/sbin/sysctl --system ;;
    *) echo "unknown tool $tool" >&2; exit 2 ;;
esac
timeout -s KILL "$seconds" chroot "$nr" "$@" >&2 || echo "$tool exited with $?" >&2
cat proc/sys/kernel/perf_event_paranoid
' sysctl-boot "$image" "$tool" "$sentinel" "$seconds" "$mnt"
