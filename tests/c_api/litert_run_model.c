/* A program written for LiteRT's C API (only LiteRT's header and names), for tests/c_api/test_c_api.py: it
 * builds unchanged against edgelite's compatibility headers and libedgelite_c.so.
 *
 *   litert_run_model MODEL OUT_DIR [INPUT.bin ...]
 *       the interpreter API: inputs by position, OUT_DIR/output_<i>.bin, one line per tensor
 *       "input|output <i> <name> type=<TfLiteType> dims=<..> scale=<s> zp=<z> bytes=<n>".
 *   litert_run_model MODEL OUT_DIR --signature KEY [NAME=INPUT.bin ...]
 *       a signature runner: inputs by name, OUT_DIR/<output name>.bin. KEY "-" passes a null key (the only
 *       signature; for a model without signatures, the primary subgraph under its tensors' names).
 *   litert_run_model --errors MODEL
 *       the error paths, each message also caught by the error reporter: "error <what>: <message>".
 *
 * Exits 0 when everything worked (or every error path failed as it should), 1 otherwise. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c_test_util.h"
#include "tensorflow/lite/c/c_api.h"
#include "tensorflow/lite/c/common.h"

static char reported[4096];
static int reports = 0;

static void catch_report(void* user_data, const char* format, va_list args) {
  (void)user_data;
  vsnprintf(reported, sizeof(reported), format, args);
  ++reports;
}

static int fill_from_file(TfLiteTensor* tensor, const char* path) {
  size_t size = 0;
  void* data = read_file(path, &size);
  int ok = data && TfLiteTensorCopyFromBuffer(tensor, data, size) == kTfLiteOk;
  free(data);
  return ok;
}

static int save_to_file(const TfLiteTensor* tensor, const char* path) {
  size_t size = TfLiteTensorByteSize(tensor);
  void* data = malloc(size ? size : 1);
  int ok = TfLiteTensorCopyToBuffer(tensor, data, size) == kTfLiteOk && write_file(path, data, size);
  free(data);
  return ok;
}

static void describe(const char* what, int i, const TfLiteTensor* t) {
  TfLiteQuantizationParams q = TfLiteTensorQuantizationParams(t);
  printf("%s %d %s type=%d dims=", what, i, TfLiteTensorName(t), (int)TfLiteTensorType(t));
  for (int d = 0; d < TfLiteTensorNumDims(t); ++d) printf("%s%d", d ? "," : "", TfLiteTensorDim(t, d));
  printf(" scale=%.9g zp=%d bytes=%zu (%s)\n", q.scale, q.zero_point, TfLiteTensorByteSize(t),
         TfLiteTypeGetName(TfLiteTensorType(t)));
}

static TfLiteInterpreter* create(const char* model_path) {
  TfLiteModel* model = TfLiteModelCreateFromFile(model_path);
  if (!model) return NULL;
  TfLiteInterpreterOptions* options = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetNumThreads(options, 1);
  TfLiteInterpreter* interpreter = TfLiteInterpreterCreate(model, options);
  TfLiteInterpreterOptionsDelete(options);
  TfLiteModelDelete(model);
  return interpreter;
}

static int run_interpreter(TfLiteInterpreter* interpreter, const char* out_dir, int num_files, char** files) {
  if (TfLiteInterpreterAllocateTensors(interpreter) != kTfLiteOk) return 1;
  const int32_t num_inputs = TfLiteInterpreterGetInputTensorCount(interpreter);
  if (num_files != num_inputs) {
    fprintf(stderr, "the model has %d inputs, %d files given\n", num_inputs, num_files);
    return 1;
  }
  for (int32_t i = 0; i < num_inputs; ++i) {
    TfLiteTensor* t = TfLiteInterpreterGetInputTensor(interpreter, i);
    if (!fill_from_file(t, files[i])) return 1;
    describe("input", i, t);
  }
  if (TfLiteInterpreterInvoke(interpreter) != kTfLiteOk) return 1;
  for (int32_t i = 0; i < TfLiteInterpreterGetOutputTensorCount(interpreter); ++i) {
    const TfLiteTensor* t = TfLiteInterpreterGetOutputTensor(interpreter, i);
    char path[4096];
    snprintf(path, sizeof(path), "%s/output_%d.bin", out_dir, i);
    if (!save_to_file(t, path)) return 1;
    describe("output", i, t);
  }
  return 0;
}

static int run_signature(TfLiteInterpreter* interpreter, const char* out_dir, const char* key, int num_files,
                         char** files) {
  TfLiteSignatureRunner* runner = TfLiteInterpreterGetSignatureRunner(interpreter, strcmp(key, "-") ? key : NULL);
  if (!runner) return 1;
  int status = TfLiteSignatureRunnerAllocateTensors(runner) == kTfLiteOk ? 0 : 1;
  for (int i = 0; !status && i < num_files; ++i) {
    char name[1024];
    const char* eq = strchr(files[i], '=');
    if (!eq || (size_t)(eq - files[i]) >= sizeof(name)) return 1;
    memcpy(name, files[i], (size_t)(eq - files[i]));
    name[eq - files[i]] = 0;
    TfLiteTensor* t = TfLiteSignatureRunnerGetInputTensor(runner, name);
    if (!t || !fill_from_file(t, eq + 1)) status = 1;
  }
  if (!status && (size_t)num_files != TfLiteSignatureRunnerGetInputCount(runner)) status = 1;
  if (!status && TfLiteSignatureRunnerInvoke(runner) != kTfLiteOk) status = 1;
  for (size_t i = 0; !status && i < TfLiteSignatureRunnerGetOutputCount(runner); ++i) {
    const char* name = TfLiteSignatureRunnerGetOutputName(runner, (int32_t)i);
    const TfLiteTensor* t = TfLiteSignatureRunnerGetOutputTensor(runner, name);
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.bin", out_dir, name);
    if (!t || !save_to_file(t, path)) status = 1;
    else describe("output", (int)i, t);
  }
  TfLiteSignatureRunnerDelete(runner);
  return status;
}

/* Each failure must return an error and reach the error reporter with a message. */
static void expect_reported(const char* what, int before) {
  EXPECT(reports > before && reported[0], "%s: the error reporter got no message", what);
  printf("error %s: %s\n", what, reported);
}

static int check_errors(const char* model_path) {
  static const char junk[] = "this is not a flatbuffer, nor a .tflite model at all";
  int before = reports;
  EXPECT(TfLiteModelCreateWithErrorReporter(junk, sizeof(junk), catch_report, NULL) == NULL, "junk made a model");
  expect_reported("bad_model", before);
  before = reports;
  EXPECT(TfLiteModelCreateFromFileWithErrorReporter("/nonexistent/model.tflite", catch_report, NULL) == NULL,
         "a missing file made a model");
  expect_reported("missing_file", before);

  TfLiteModel* model = TfLiteModelCreateFromFile(model_path);
  EXPECT(model != NULL, "model");
  if (!model) return 1;
  TfLiteInterpreterOptions* options = TfLiteInterpreterOptionsCreate();
  TfLiteInterpreterOptionsSetErrorReporter(options, catch_report, NULL);
  TfLiteInterpreterOptionsSetNumThreads(options, -2);
  before = reports;
  EXPECT(TfLiteInterpreterCreate(model, options) == NULL, "-2 threads made an interpreter");
  expect_reported("num_threads", before);
  TfLiteInterpreterOptionsSetNumThreads(options, 1);
  TfLiteInterpreter* interpreter = TfLiteInterpreterCreate(model, options);
  TfLiteInterpreterOptionsDelete(options);
  TfLiteModelDelete(model);
  EXPECT(interpreter != NULL, "interpreter");
  if (!interpreter) return 1;

  before = reports;
  EXPECT(TfLiteInterpreterInvoke(interpreter) != kTfLiteOk, "invoke before allocate");
  expect_reported("invoke_before_allocate", before);
  before = reports;
  EXPECT(TfLiteInterpreterGetInputTensor(interpreter, TfLiteInterpreterGetInputTensorCount(interpreter)) == NULL,
         "input index past the end");
  expect_reported("input_index", before);
  before = reports;
  EXPECT(TfLiteInterpreterGetOutputTensor(interpreter, -1) == NULL, "negative output index");
  expect_reported("output_index", before);
  before = reports;
  EXPECT(TfLiteInterpreterGetTensor(interpreter, 1 << 30) == NULL, "tensor index past the end");
  expect_reported("tensor_index", before);
  EXPECT(TfLiteInterpreterCancel(interpreter) == kTfLiteError, "cancel without EnableCancellation");

  EXPECT(TfLiteInterpreterAllocateTensors(interpreter) == kTfLiteOk, "allocate");
  TfLiteTensor* input = TfLiteInterpreterGetInputTensor(interpreter, 0);
  const size_t bytes = TfLiteTensorByteSize(input);
  char* buffer = calloc(bytes + 1, 1);
  EXPECT(TfLiteTensorData(input) != NULL, "no data after allocate");
  before = reports;
  EXPECT(TfLiteTensorCopyFromBuffer(input, buffer, bytes + 1) == kTfLiteError, "long input buffer");
  expect_reported("input_size", before);
  EXPECT(TfLiteTensorCopyFromBuffer(input, buffer, bytes) == kTfLiteOk, "exact input");
  EXPECT(TfLiteInterpreterInvoke(interpreter) == kTfLiteOk, "invoke");
  const TfLiteTensor* output = TfLiteInterpreterGetOutputTensor(interpreter, 0);
  before = reports;
  EXPECT(TfLiteTensorCopyToBuffer(output, buffer, TfLiteTensorByteSize(output) - 1) == kTfLiteError,
         "short output buffer");
  expect_reported("output_size", before);
  free(buffer);

  before = reports;
  EXPECT(TfLiteInterpreterGetSignatureRunner(interpreter, "no such signature") == NULL, "unknown signature");
  expect_reported("signature_key", before);

  TfLiteInterpreterDelete(interpreter);
  printf("errors checked, %d failed\n", failures);
  return failures ? 1 : 0;
}

int main(int argc, char** argv) {
  printf("runtime %s, schema %d\n", TfLiteVersion(), TfLiteSchemaVersion());
  if (argc == 3 && strcmp(argv[1], "--errors") == 0) return check_errors(argv[2]);
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL OUT_DIR [INPUT.bin ...] | MODEL OUT_DIR --signature KEY [NAME=FILE ...]"
                    " | --errors MODEL\n", argv[0]);
    return 2;
  }
  TfLiteInterpreter* interpreter = create(argv[1]);
  if (!interpreter) return 1;
  int status;
  if (argc >= 5 && strcmp(argv[3], "--signature") == 0) {
    status = run_signature(interpreter, argv[2], argv[4], argc - 5, argv + 5);
  } else {
    status = run_interpreter(interpreter, argv[2], argc - 3, argv + 3);
  }
  TfLiteInterpreterDelete(interpreter);
  return status;
}
