#!/usr/bin/env bash
# Installs the Debian packages the build, the tests and the demo need.
# Idempotent: does nothing when everything is present.
set -euo pipefail

packages=(
    build-essential cmake clang libclang-rt-14-dev python3 ca-certificates openssl
    libcmocka-dev libjsmn-dev libmbedtls-dev liblwip-dev
    gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
    gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf libnewlib-dev
    python3-yaml pkgconf gcovr valgrind
    stunnel4
    iproute2
    dpkg-dev xz-utils bzip2 util-linux
    qemu-system-arm qemu-system-misc picolibc-riscv64-unknown-elf
    doxygen graphviz
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
