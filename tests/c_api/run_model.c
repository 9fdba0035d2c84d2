/* Runs a .tflite model through edgelite's C API (edgelite/c_api.h), for tests/c_api/test_c_api.py:
 *
 *   run_model MODEL OUT_DIR [--threads N] [--delegate LIB] [--resize INDEX=D0,D1,...] [INPUT.bin ...]
 *       reads each input's raw bytes from its file, invokes, writes OUT_DIR/output_<i>.bin, and prints one
 *       line per input and output: "input|output <i> <name> type=<ElcType> dims=<d0,d1,..> scale=<s> zp=<z>
 *       bytes=<n>".
 *   run_model --errors MODEL
 *       checks the error paths (bad model bytes, a missing file, bad thread count, wrong buffer sizes,
 *       out-of-range indices, invoke before allocate, unknown signature) and prints "error <what>: <message>".
 *
 * Exits 0 when everything worked (or every error path failed as it should), 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_test_util.h"
#include "edgelite/c_api.h"

static void describe(const char* what, int i, const ElcTensor* t) {
  printf("%s %d %s type=%d dims=", what, i, ElcTensorName(t), (int)ElcTensorType(t));
  for (int d = 0; d < ElcTensorNumDims(t); ++d) printf("%s%d", d ? "," : "", ElcTensorDim(t, d));
  printf(" scale=%.9g zp=%d bytes=%zu\n", ElcTensorScale(t), ElcTensorZeroPoint(t), ElcTensorByteSize(t));
}

/* "2=1,16,32" -> index 2, dims {1, 16, 32}. */
static int parse_resize(const char* spec, int32_t* index, int32_t* dims, int32_t* rank) {
  char* end;
  *index = (int32_t)strtol(spec, &end, 10);
  if (*end != '=') return 0;
  *rank = 0;
  const char* p = end + 1;
  while (*p && *rank < 8) {
    dims[(*rank)++] = (int32_t)strtol(p, &end, 10);
    if (end == p) return 0;
    p = *end == ',' ? end + 1 : end;
  }
  return *rank > 0;
}

static int run(int argc, char** argv) {
  const char* model_path = argv[1];
  const char* out_dir = argv[2];
  int threads = 1;
  const char* delegate_library = NULL;
  int32_t resize_index = -1, resize_dims[8], resize_rank = 0;
  int first_input = 3;
  while (first_input < argc && strncmp(argv[first_input], "--", 2) == 0) {
    if (strcmp(argv[first_input], "--threads") == 0 && first_input + 1 < argc) {
      threads = atoi(argv[first_input + 1]);
      first_input += 2;
    } else if (strcmp(argv[first_input], "--delegate") == 0 && first_input + 1 < argc) {
      delegate_library = argv[first_input + 1];
      first_input += 2;
    } else if (strcmp(argv[first_input], "--resize") == 0 && first_input + 1 < argc) {
      if (!parse_resize(argv[first_input + 1], &resize_index, resize_dims, &resize_rank)) {
        fprintf(stderr, "bad --resize %s\n", argv[first_input + 1]);
        return 1;
      }
      first_input += 2;
    } else {
      fprintf(stderr, "unknown option %s\n", argv[first_input]);
      return 1;
    }
  }
  ElcModel* model = ElcModelCreateFromFile(model_path);
  if (!model) {
    fprintf(stderr, "model: %s\n", ElcLastCreateError());
    return 1;
  }
  ElcOptions* options = ElcOptionsCreate();
  if (ElcOptionsSetNumThreads(options, threads) != ELC_OK) {
    fprintf(stderr, "options: %s\n", ElcOptionsLastError(options));
    return 1;
  }
  ElcDelegate* delegate = NULL;
  if (delegate_library) {
    delegate = ElcDelegateCreate(delegate_library, NULL, NULL, 0);
    if (!delegate || ElcOptionsAddDelegate(options, delegate) != ELC_OK) {
      fprintf(stderr, "delegate: %s\n", delegate ? ElcOptionsLastError(options) : ElcLastCreateError());
      return 1;
    }
  }
  ElcInterpreter* interp = ElcInterpreterCreate(model, options);
  ElcOptionsDelete(options);
  ElcModelDelete(model); /* the interpreter keeps what it needs */
  ElcDelegateDelete(delegate); /* so does it the delegate */
  if (!interp) {
    fprintf(stderr, "interpreter: %s\n", ElcLastCreateError());
    return 1;
  }
  int status = 0;
  if (resize_index >= 0 && ElcInterpreterResizeInput(interp, resize_index, resize_dims, resize_rank) != ELC_OK) {
    fprintf(stderr, "resize: %s\n", ElcInterpreterLastError(interp));
    status = 1;
  }
  if (!status && ElcInterpreterAllocateTensors(interp) != ELC_OK) {
    fprintf(stderr, "allocate: %s\n", ElcInterpreterLastError(interp));
    status = 1;
  }
  const int32_t num_inputs = ElcInterpreterInputCount(interp);
  if (!status && argc - first_input != num_inputs) {
    fprintf(stderr, "the model has %d inputs, %d files given\n", num_inputs, argc - first_input);
    status = 1;
  }
  for (int32_t i = 0; !status && i < num_inputs; ++i) {
    ElcTensor* t = ElcInterpreterInputTensor(interp, i);
    size_t size = 0;
    void* data = read_file(argv[first_input + i], &size);
    if (!data || ElcTensorCopyFromBuffer(t, data, size) != ELC_OK) {
      fprintf(stderr, "input %d: %s\n", i, data ? ElcInterpreterLastError(interp) : "cannot read the file");
      status = 1;
    }
    free(data);
    describe("input", i, t);
  }
  if (!status && ElcInterpreterInvoke(interp) != ELC_OK) {
    fprintf(stderr, "invoke: %s\n", ElcInterpreterLastError(interp));
    status = 1;
  }
  for (int32_t i = 0; !status && i < ElcInterpreterOutputCount(interp); ++i) {
    const ElcTensor* t = ElcInterpreterOutputTensor(interp, i);
    size_t size = ElcTensorByteSize(t);
    void* data = malloc(size ? size : 1);
    char path[4096];
    snprintf(path, sizeof(path), "%s/output_%d.bin", out_dir, i);
    if (ElcTensorCopyToBuffer(t, data, size) != ELC_OK || !write_file(path, data, size)) {
      fprintf(stderr, "output %d: %s\n", i, ElcInterpreterLastError(interp));
      status = 1;
    }
    free(data);
    describe("output", i, t);
  }
  ElcInterpreterDelete(interp);
  return status;
}

static void report(const char* what, const char* message) {
  printf("error %s: %s\n", what, message);
  EXPECT(message && message[0], "%s: no message", what);
}

static int check_errors(const char* model_path) {
  /* Bad model bytes and a missing file: null, with a message. */
  static const char junk[] = "this is not a flatbuffer, nor a .tflite model at all";
  EXPECT(ElcModelCreate(junk, sizeof(junk)) == NULL, "junk bytes made a model");
  report("bad_model", ElcLastCreateError());
  EXPECT(ElcModelCreateFromFile("/nonexistent/model.tflite") == NULL, "a missing file made a model");
  report("missing_file", ElcLastCreateError());
  EXPECT(ElcInterpreterCreate(NULL, NULL) == NULL, "an interpreter without a model");
  report("null_model", ElcLastCreateError());

  ElcOptions* options = ElcOptionsCreate();
  EXPECT(ElcOptionsSetNumThreads(options, 0) == ELC_INVALID_ARGUMENT, "0 threads accepted");
  report("num_threads", ElcOptionsLastError(options));
  EXPECT(ElcDelegateCreate("/nonexistent/libdelegate.so", NULL, NULL, 0) == NULL, "a missing delegate library");
  report("missing_delegate", ElcLastCreateError());
  EXPECT(ElcOptionsAddCustomOpLibrary(options, "/nonexistent/libops.so", NULL) == ELC_INVALID_ARGUMENT,
         "a missing custom-op library");
  report("missing_custom_ops", ElcOptionsLastError(options));
  EXPECT(ElcOptionsSetMaxArenaBytes(options, 0) == ELC_INVALID_ARGUMENT, "a memory cap of 0 accepted");
  report("max_arena_bytes", ElcOptionsLastError(options));

  ElcModel* model = ElcModelCreateFromFile(model_path);
  EXPECT(model != NULL, "model: %s", ElcLastCreateError());
  if (!model) return 1;

  /* A memory cap the model's tensors do not fit under: allocate fails with a message. */
  ElcOptions* capped = ElcOptionsCreate();
  EXPECT(ElcOptionsSetMaxArenaBytes(capped, 1024) == ELC_OK, "a memory cap of 1 KiB refused");
  ElcInterpreter* capped_interp = ElcInterpreterCreate(model, capped);
  ElcOptionsDelete(capped);
  EXPECT(capped_interp != NULL, "capped interpreter: %s", ElcLastCreateError());
  if (capped_interp) {
    EXPECT(ElcInterpreterAllocateTensors(capped_interp) == ELC_UNSUPPORTED, "allocate past the memory cap");
    report("arena_cap", ElcInterpreterLastError(capped_interp));
    ElcInterpreterDelete(capped_interp);
  }
  ElcInterpreter* interp = ElcInterpreterCreate(model, options);
  ElcOptionsDelete(options);
  EXPECT(interp != NULL, "interpreter: %s", ElcLastCreateError());
  if (!interp) return 1;
  EXPECT(strcmp(ElcInterpreterLastError(interp), "") == 0, "a new interpreter has an error");

  /* Out of order, then out of range. */
  EXPECT(ElcInterpreterInvoke(interp) == ELC_NOT_READY, "invoke before allocate");
  report("invoke_before_allocate", ElcInterpreterLastError(interp));
  ElcTensor* input = ElcInterpreterInputTensor(interp, 0);
  EXPECT(input != NULL, "input 0: %s", ElcInterpreterLastError(interp));
  EXPECT(ElcTensorData(input) == NULL, "data before allocate");
  char small[4] = {0};
  EXPECT(ElcTensorCopyFromBuffer(input, small, sizeof(small)) == ELC_NOT_READY, "copy before allocate");
  report("copy_before_allocate", ElcInterpreterLastError(interp));

  const int32_t num_inputs = ElcInterpreterInputCount(interp);
  EXPECT(ElcInterpreterInputTensor(interp, num_inputs) == NULL, "input index past the end");
  report("input_index", ElcInterpreterLastError(interp));
  EXPECT(ElcInterpreterInputTensor(interp, -1) == NULL, "negative input index");
  EXPECT(ElcInterpreterOutputTensor(interp, ElcInterpreterOutputCount(interp)) == NULL, "output index past the end");
  report("output_index", ElcInterpreterLastError(interp));
  EXPECT(ElcTensorDim(input, ElcTensorNumDims(input)) == -1, "dimension past the rank");
  int32_t dims[1] = {1};
  EXPECT(ElcInterpreterResizeInput(interp, num_inputs, dims, 1) == ELC_INVALID_ARGUMENT, "resize past the end");
  report("resize_index", ElcInterpreterLastError(interp));
  EXPECT(ElcInterpreterResizeInput(interp, 0, NULL, 2) == ELC_INVALID_ARGUMENT, "resize with null dims");
  report("resize_null_dims", ElcInterpreterLastError(interp));

  /* After allocate: wrong buffer sizes either way. */
  EXPECT(ElcInterpreterAllocateTensors(interp) == ELC_OK, "allocate: %s", ElcInterpreterLastError(interp));
  const size_t bytes = ElcTensorByteSize(input);
  char* buffer = calloc(bytes + 1, 1);
  EXPECT(ElcTensorData(input) != NULL, "no data after allocate");
  EXPECT(ElcTensorCopyFromBuffer(input, buffer, bytes - 1) == ELC_INVALID_ARGUMENT, "short input buffer");
  report("input_size", ElcInterpreterLastError(interp));
  EXPECT(ElcTensorCopyFromBuffer(input, buffer, bytes + 1) == ELC_INVALID_ARGUMENT, "long input buffer");
  EXPECT(ElcTensorCopyFromBuffer(input, NULL, bytes) == ELC_INVALID_ARGUMENT, "null input buffer");
  EXPECT(ElcTensorCopyFromBuffer(input, buffer, bytes) == ELC_OK, "exact input: %s", ElcInterpreterLastError(interp));
  EXPECT(ElcInterpreterInvoke(interp) == ELC_OK, "invoke: %s", ElcInterpreterLastError(interp));
  const ElcTensor* output = ElcInterpreterOutputTensor(interp, 0);
  EXPECT(ElcTensorCopyToBuffer(output, buffer, ElcTensorByteSize(output) + 1) == ELC_INVALID_ARGUMENT,
         "long output buffer");
  report("output_size", ElcInterpreterLastError(interp));
  free(buffer);

  /* Signatures: an unknown key, an index past the end. */
  EXPECT(ElcInterpreterGetSignatureRunner(interp, "no such signature") == NULL, "unknown signature");
  report("signature_key", ElcInterpreterLastError(interp));
  EXPECT(ElcInterpreterSignatureKey(interp, ElcInterpreterSignatureCount(interp)) == NULL, "signature index");
  report("signature_index", ElcInterpreterLastError(interp));

  /* Null handles never crash. */
  EXPECT(ElcInterpreterInvoke(NULL) == ELC_INVALID_ARGUMENT, "null interpreter");
  EXPECT(ElcTensorCopyFromBuffer(NULL, small, 1) == ELC_INVALID_ARGUMENT, "null tensor");
  EXPECT(ElcTensorNumDims(NULL) == -1 && ElcTensorByteSize(NULL) == 0, "null tensor accessors");
  ElcInterpreterCancel(NULL);
  ElcInterpreterDelete(interp);
  ElcModelDelete(model);
  ElcModelDelete(NULL);
  printf("errors checked, %d failed\n", failures);
  return failures ? 1 : 0;
}

int main(int argc, char** argv) {
  printf("edgelite %s\n", ElcVersion());
  if (argc == 3 && strcmp(argv[1], "--errors") == 0) return check_errors(argv[2]);
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL OUT_DIR [--threads N] [--delegate LIB] [--resize I=D0,D1,..] [INPUT.bin ...]\n"
                    "       %s --errors MODEL\n", argv[0], argv[0]);
    return 2;
  }
  return run(argc, argv);
}
