#!/usr/bin/env bash
# Fetches what Debian ships but this machine's release does not install —
# a source package (lwIP 2.2.1, Mbed TLS 3.6) or an architecture-independent
# binary package of another release (Unity inside cmock) — and unpacks it
# under the build folder. A private apt configuration under that folder is
# used, so the machine's own apt sources and installed packages are never
# touched. Idempotent: an unpacked package is reused without any download.
#
#   scripts/fetch-debian.sh source RELEASE PACKAGE   # apt-get source
#   scripts/fetch-debian.sh deb    RELEASE PACKAGE   # apt-get download; dpkg -x
#
# Prints the folder it unpacked to (the only line on stdout).
# Environment: HC_DEPS_DIR (default build/deps), HC_DEBIAN_MIRROR
# (default http://deb.debian.org/debian).
set -euo pipefail

usage() { echo "usage: $0 source|deb RELEASE PACKAGE" >&2; exit 2; }
[ $# -eq 3 ] || usage
kind=$1 release=$2 package=$3
case "$kind" in source|deb) ;; *) usage ;; esac
case "$release$package" in *[!a-z0-9.+-]*) echo "$0: bad release or package name" >&2; exit 2 ;; esac

root=$(cd "$(dirname "$0")/.." && pwd)
deps=${HC_DEPS_DIR:-$root/build/deps}
mirror=${HC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
dest=$deps/$release/$kind/$package
if [ -f "$dest/.complete" ]; then
    echo "$dest/$(cat "$dest/.complete")"
    exit 0
fi

# One private apt state per release; a lock keeps parallel builds from
# updating it twice at once.
apt_dir=$deps/apt-$release
mkdir -p "$apt_dir"/{lists/partial,cache/archives/partial,parts}
exec 9> "$apt_dir/lock"
flock 9
if [ -f "$dest/.complete" ]; then
    echo "$dest/$(cat "$dest/.complete")"
    exit 0
fi
printf 'deb %s %s main\ndeb-src %s %s main\n' "$mirror" "$release" "$mirror" "$release" \
    > "$apt_dir/sources.list"
apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=$apt_dir/parts"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=root"
    -o "Debug::NoLocking=1"
)
if ! ls "$apt_dir"/lists/*_InRelease >/dev/null 2>&1; then
    apt-get "${apt_opts[@]}" -qq update >&2
fi

rm -rf "$dest"
mkdir -p "$dest"
cd "$dest"
if [ "$kind" = source ]; then
    apt-get "${apt_opts[@]}" -qq source "$package" >&2
    unpacked=$(find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | head -n 1)
else
    apt-get "${apt_opts[@]}" -qq download "$package" >&2
    deb=$(ls ./*.deb | head -n 1)
    dpkg -x "$deb" root
    unpacked=root
fi
[ -n "$unpacked" ] || { echo "$0: nothing unpacked for $package" >&2; exit 1; }
echo "$unpacked" > .complete
echo "$dest/$unpacked"
