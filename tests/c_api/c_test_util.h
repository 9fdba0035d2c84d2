/* What both C API test programs share, and nothing of either API: a checking macro that counts failures,
 * and whole-file reads and writes. */
#ifndef EDGELITE_TESTS_C_API_C_TEST_UTIL_H_
#define EDGELITE_TESTS_C_API_C_TEST_UTIL_H_

#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

#define EXPECT(cond, ...)                      \
  do {                                         \
    if (!(cond)) {                             \
      fprintf(stderr, "FAILED: " __VA_ARGS__); \
      fprintf(stderr, "\n");                   \
      ++failures;                              \
    }                                          \
  } while (0)

/* The file's bytes (malloc'ed; the caller frees them), or NULL. */
static void* read_file(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  void* data = malloc(n > 0 ? (size_t)n : 1);
  *size = data ? fread(data, 1, (size_t)(n > 0 ? n : 0), f) : 0;
  fclose(f);
  return data;
}

static int write_file(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  if (!f) return 0;
  size_t written = fwrite(data, 1, size, f);
  fclose(f);
  return written == size;
}

#endif /* EDGELITE_TESTS_C_API_C_TEST_UTIL_H_ */
