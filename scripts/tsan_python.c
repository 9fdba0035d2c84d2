/* A `python3` for ThreadSanitizer runs (scripts/sanitized_env.sh, SANITIZE=thread): CPython's own main, linked
 * against libpython and built with -fsanitize=thread, so the TSan runtime is in the executable from the start.
 * Preloading Clang's shared TSan runtime instead crashes every process at startup here (Debian's clang 15),
 * and TSan must see the first thread and every lock from the beginning anyway. */
#include <Python.h>

int main(int argc, char** argv) { return Py_BytesMain(argc, argv); }
