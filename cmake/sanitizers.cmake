# Sanitizer and fuzzing builds (issue 15; scripts/test_sanitized.sh, scripts/fuzz_libfuzzer.sh).
#   -DEDGELITE_SANITIZE=address,undefined   ASan + UBSan (Clang or GCC)
#   -DEDGELITE_SANITIZE=thread              ThreadSanitizer
#   -DEDGELITE_FUZZ=ON                      coverage for libFuzzer (Clang only) and the fuzz/model_fuzzer target
# The flags go on every target of the tree (core, per-ISA kernels, _core, the C API, the plugins), so a
# shared object never mixes instrumented and plain code. Such a build is for finding bugs, not for speed:
# the size/speed levels of the normal build (EL_OPT_SIZE, EL_OPT_SPEED) all become the build's -O1, which
# keeps ASan's reports readable and the compile short.
set(EDGELITE_SANITIZE "" CACHE STRING "Sanitizers for the whole tree, as for -fsanitize= (e.g. address,undefined or thread)")
option(EDGELITE_FUZZ "Instrument for libFuzzer and build the fuzz/ harnesses (Clang)" OFF)

set(EL_OPT_SIZE -Os)
set(EL_OPT_SPEED -O2)
# Plugins and the C API resolve every symbol at link time in a normal build; a sanitized shared object takes
# the runtime's symbols from the process (the runtime is preloaded or linked into the executable).
set(EL_NO_UNDEFINED_LINK -Wl,--no-undefined)
if(NOT EDGELITE_SANITIZE AND NOT EDGELITE_FUZZ)
  return()
endif()

set(EL_OPT_SIZE "")
set(EL_OPT_SPEED "")
set(EL_NO_UNDEFINED_LINK "")
foreach(config RELEASE RELWITHDEBINFO MINSIZEREL DEBUG)
  set(CMAKE_CXX_FLAGS_${config} "-O1 -gline-tables-only")
  set(CMAKE_C_FLAGS_${config} "-O1 -gline-tables-only")
endforeach()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  string(REPLACE "-gline-tables-only" "-g1" CMAKE_CXX_FLAGS_RELEASE "${CMAKE_CXX_FLAGS_RELEASE}")
endif()
add_compile_options(-fno-omit-frame-pointer)

if(EDGELITE_SANITIZE)
  add_compile_options(-fsanitize=${EDGELITE_SANITIZE})
  add_link_options(-fsanitize=${EDGELITE_SANITIZE})
  if(EDGELITE_SANITIZE MATCHES "undefined")
    # Report and stop on the first finding when UBSAN_OPTIONS says halt_on_error=1; every check stays on
    # (float-divide-by-zero is left out: the float kernels divide by zero as IEEE 754 defines).
    add_compile_options(-fno-sanitize=float-divide-by-zero)
  endif()
  # Shared objects (the module, the C API, the plugins) link no runtime: its symbols come from the one the
  # process has (Python preloads it; the fuzzer executables link it in).
endif()

if(EDGELITE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "EDGELITE_FUZZ needs Clang (libFuzzer): configure with CMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage counters in every object; only the fuzzer executables link libFuzzer itself.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
message(STATUS "edgelite sanitizers: '${EDGELITE_SANITIZE}', fuzzing: ${EDGELITE_FUZZ}")
