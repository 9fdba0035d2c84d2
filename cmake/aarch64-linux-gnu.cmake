# Cross-compiling edgelite's core for 64-bit ARM Linux with Debian's GNU toolchain (g++-aarch64-linux-gnu):
#   cmake -S . -B build/aarch64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DEDGELITE_BUILD_PYTHON=OFF
# Programs built with it run on an AArch64 machine, or here under qemu-aarch64 (scripts/cross_test_aarch64.sh).
# flatc and the header-only FlatBuffers are found on the host as in a native build: only the
# compiler and the target's libraries come from the cross toolchain.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(EL_CROSS_PREFIX aarch64-linux-gnu-)
set(CMAKE_C_COMPILER ${EL_CROSS_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${EL_CROSS_PREFIX}g++)
# Libraries and headers of the target from its sysroot; programs (flatc) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Headers: the target's first, then the host's header-only FlatBuffers, found by path.
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
# Where qemu-user finds the target's dynamic loader and libraries when it runs what this builds.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)
