# Sourced by scripts/test_sanitized.sh and scripts/fuzz_libfuzzer.sh: builds edgelite with the
# sanitizers in $SANITIZE (default address,undefined) with Clang, incrementally, and exports what running
# Python against that build needs. Sets: build_dir, sanitizer_runtime (the runtime Python must preload).
#   address,undefined -> build/asan, also instrumented for libFuzzer (EDGELITE_FUZZ) and with fuzz/model_fuzzer
#   thread            -> build/tsan, without the delegate plugins (the concurrency tests do not load them)
# The first build takes long (JOBS=N sets the parallelism, default 1).
sanitize="${SANITIZE:-address,undefined}"
if [ "$sanitize" = thread ]; then
  build_dir=build/tsan; fuzz=OFF; plugins=OFF; runtime_name=libclang_rt.tsan-x86_64.so
else
  build_dir=build/asan; fuzz=ON; plugins=ON; runtime_name=libclang_rt.asan-x86_64.so
fi
if [ -x .venv/bin/python ]; then . .venv/bin/activate; fi
cxx="${CXX:-$(command -v clang++ || ls /usr/bin/clang++-[0-9]* 2>/dev/null | sort -V | tail -1 || true)}"
if [ -z "$cxx" ]; then
  echo "error: no clang++ (scripts/setup.sh installs Debian's clang)" >&2
  exit 1
fi
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  CC="${cxx/clang++/clang}" CXX="$cxx" cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEDGELITE_SANITIZE="$sanitize" -DEDGELITE_FUZZ="$fuzz" -DEDGELITE_BUILD_DELEGATE_PLUGINS="$plugins" \
    -Dpybind11_DIR="$(python3 -m pybind11 --cmakedir)" -DPython_EXECUTABLE="$(command -v python3)" >/dev/null
fi
cmake --build "$build_dir" -j "${JOBS:-1}"
cmake --install "$build_dir" --prefix "$build_dir/site" >/dev/null
sanitizer_runtime="$("$cxx" -print-file-name="$runtime_name")"
if [ ! -f "$sanitizer_runtime" ]; then
  echo "error: $cxx has no $runtime_name (Debian ships it in the libclang-rt / libclang-common package of that clang)" >&2
  exit 1
fi
# How to start Python against the build: `$sanitized_python ARGS` (ASan: the runtime preloaded ahead of
# Python; TSan: a python3 built with the runtime inside, scripts/tsan_python.c, seeing the venv's packages).
if [ "$sanitize" = thread ]; then
  py_include="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
  py_libdir="$(python3 -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')"
  py_version="$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  if [ ! -x "$build_dir/python3" ] || [ scripts/tsan_python.c -nt "$build_dir/python3" ]; then
    "${cxx/clang++/clang}" -fsanitize=thread -O1 scripts/tsan_python.c -I"$py_include" -L"$py_libdir" \
      -lpython"$py_version" -Wl,-rpath,"$py_libdir" -o "$build_dir/python3"
  fi
  venv_site="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  sanitized_python=(env PYTHONPATH="$PWD/$build_dir/site:$venv_site" "$PWD/$build_dir/python3")
else
  sanitized_python=(env LD_PRELOAD="$sanitizer_runtime" PYTHONPATH="$PWD/$build_dir/site" python3)
fi
# Reports name functions and lines when the runtime finds Clang's symbolizer.
symbolizer="$(dirname "$(readlink -f "$cxx")")/llvm-symbolizer"
[ -x "$symbolizer" ] || symbolizer="$(command -v llvm-symbolizer || true)"
[ -z "$symbolizer" ] || export ASAN_SYMBOLIZER_PATH="$symbolizer" TSAN_SYMBOLIZER_PATH="$symbolizer" \
  UBSAN_SYMBOLIZER_PATH="$symbolizer"
# detect_leaks=0: CPython's interned objects live until exit. allocator_may_return_null: a huge allocation throws
# std::bad_alloc as in a normal build (a MemoryError or an edgelite error) rather than ASan stopping the process.
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:halt_on_error=1:abort_on_error=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# CPython is not instrumented; the suppressions name the few places where TSan still misreads it.
export TSAN_OPTIONS="suppressions=$PWD/scripts/tsan_python.supp:halt_on_error=1:second_deadlock_stack=1:${TSAN_OPTIONS:-}"
