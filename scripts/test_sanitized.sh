#!/usr/bin/env bash
# Builds edgelite with sanitizers (Clang; scripts/sanitized_env.sh) and runs tests against that build (issue 15).
#   scripts/test_sanitized.sh                   ASan + UBSan (build/asan): the interpreter and kernel tests, the
#                                               mutation fuzz tests and the concurrency tests (Python and C API)
#   SANITIZE=thread scripts/test_sanitized.sh   ThreadSanitizer (build/tsan): the concurrency and cancel tests
#   scripts/test_sanitized.sh PATHS... [-k ...] other tests (paths relative to tests/)
# Python is not built with the sanitizers: ASan's runtime is preloaded (LD_PRELOAD) ahead of it, and the TSan
# runs use a python3 with the runtime linked in (scripts/tsan_python.c); the fuzz tests' child processes
# (sys.executable) inherit either. A finding stops the process that hit it, with the report on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/sanitized_env.sh
if [ $# -eq 0 ]; then
  if [ "$sanitize" = thread ]; then
    set -- bindings/test_concurrency.py c_api/test_c_api_threads.py interpreter/test_cancel.py
  else
    # test_portable_isa runs the module under qemu-user, which cannot map ASan's shadow memory; the leak test
    # measures RSS, which ASan's quarantine of freed blocks (256 MB) keeps from staying flat.
    set -- interpreter bindings/test_concurrency.py c_api/test_c_api_threads.py \
      --ignore=interpreter/test_portable_isa.py --ignore=interpreter/test_memory_leaks.py
  fi
fi
cd tests
# --capture=sys: a sanitizer report goes to file descriptor 2 as the process dies; fd capture would lose it.
exec "${sanitized_python[@]}" -m pytest -q -p no:cacheprovider --capture=sys -m "not slow" "$@"
