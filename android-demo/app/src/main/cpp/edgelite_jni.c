/* JNI glue of the Java API (dev.edgelite.NativeBridge) over edgelite's C API (edgelite/c_api.h) only: handles
 * are the C API's pointers as jlong; every failure becomes a Java exception carrying the C API's message. */
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgelite/c_api.h"

#define JNI_FN(name) Java_dev_edgelite_NativeBridge_##name

static void throw_class(JNIEnv* env, const char* cls, const char* message) {
  if ((*env)->ExceptionCheck(env)) return; /* the first exception stands */
  jclass c = (*env)->FindClass(env, cls);
  if (c != NULL) (*env)->ThrowNew(env, c, message != NULL && message[0] ? message : "unknown edgelite error");
}

static void throw_iae(JNIEnv* env, const char* message) {
  throw_class(env, "java/lang/IllegalArgumentException", message);
}

/* Calls out of order (and a cancelled invoke) are the caller's state, not its arguments: IllegalStateException,
 * as LiteRT's Java API uses for them; bad input of any kind is IllegalArgumentException. */
static void throw_status(JNIEnv* env, ElcStatus status, const char* message) {
  switch (status) {
    case ELC_OK: return;
    case ELC_NOT_READY:
    case ELC_CANCELLED: throw_class(env, "java/lang/IllegalStateException", message); return;
    case ELC_INTERNAL: throw_class(env, "java/lang/RuntimeException", message); return;
    default: throw_iae(env, message); return;
  }
}

/* Checks an interpreter call's status; true when it succeeded. */
static int check(JNIEnv* env, ElcInterpreter* interpreter, ElcStatus status) {
  if (status == ELC_OK) return 1;
  throw_status(env, status, ElcInterpreterLastError(interpreter));
  return 0;
}

static ElcInterpreter* as_interpreter(jlong h) { return (ElcInterpreter*)(intptr_t)h; }
static ElcTensor* as_tensor(jlong h) { return (ElcTensor*)(intptr_t)h; }
static ElcSignatureRunner* as_runner(jlong h) { return (ElcSignatureRunner*)(intptr_t)h; }
static jlong as_handle(const void* p) { return (jlong)(intptr_t)p; }

JNIEXPORT jstring JNICALL JNI_FN(version)(JNIEnv* env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, ElcVersion());
}

/* ---- Model ---- */

JNIEXPORT jlong JNICALL JNI_FN(modelFromFile)(JNIEnv* env, jclass cls, jstring path) {
  (void)cls;
  const char* p = (*env)->GetStringUTFChars(env, path, NULL);
  if (p == NULL) return 0;
  ElcModel* model = ElcModelCreateFromFile(p);
  (*env)->ReleaseStringUTFChars(env, path, p);
  if (model == NULL) throw_iae(env, ElcLastCreateError());
  return as_handle(model);
}

JNIEXPORT jlong JNICALL JNI_FN(modelFromBuffer)(JNIEnv* env, jclass cls, jobject buffer, jlong size) {
  (void)cls;
  void* data = (*env)->GetDirectBufferAddress(env, buffer);
  if (data == NULL || size < 0 || size > (*env)->GetDirectBufferCapacity(env, buffer)) {
    throw_iae(env, "the model buffer is not a direct buffer of that size");
    return 0;
  }
  ElcModel* model = ElcModelCreate(data, (size_t)size);
  if (model == NULL) throw_iae(env, ElcLastCreateError());
  return as_handle(model);
}

JNIEXPORT jlong JNICALL JNI_FN(modelFromBytes)(JNIEnv* env, jclass cls, jbyteArray bytes, jint offset, jint size) {
  (void)cls;
  jsize length = (*env)->GetArrayLength(env, bytes);
  if (offset < 0 || size < 0 || offset > length - size) {
    throw_iae(env, "the model's byte range lies outside its array");
    return 0;
  }
  jbyte* data = (*env)->GetPrimitiveArrayCritical(env, bytes, NULL);
  if (data == NULL) return 0;
  ElcModel* model = ElcModelCreate(data + offset, (size_t)size); /* copies, so the array is released at once */
  (*env)->ReleasePrimitiveArrayCritical(env, bytes, data, JNI_ABORT);
  if (model == NULL) throw_iae(env, ElcLastCreateError());
  return as_handle(model);
}

JNIEXPORT void JNICALL JNI_FN(deleteModel)(JNIEnv* env, jclass cls, jlong model) {
  (void)env, (void)cls;
  ElcModelDelete((ElcModel*)(intptr_t)model);
}

/* ---- Options and delegates ---- */

JNIEXPORT jlong JNICALL JNI_FN(createOptions)(JNIEnv* env, jclass cls, jint num_threads, jlongArray delegates,
                                               jobjectArray custom_op_libraries) {
  (void)cls;
  ElcOptions* options = ElcOptionsCreate();
  if (options == NULL) {
    throw_class(env, "java/lang/OutOfMemoryError", "ElcOptionsCreate failed");
    return 0;
  }
  ElcStatus status = ElcOptionsSetNumThreads(options, num_threads);
  jsize n = (*env)->GetArrayLength(env, delegates);
  jlong* ds = status == ELC_OK ? (*env)->GetLongArrayElements(env, delegates, NULL) : NULL;
  for (jsize i = 0; ds != NULL && i < n && status == ELC_OK; i++) {
    status = ElcOptionsAddDelegate(options, (ElcDelegate*)(intptr_t)ds[i]);
  }
  if (ds != NULL) (*env)->ReleaseLongArrayElements(env, delegates, ds, JNI_ABORT);
  jsize libs = (*env)->GetArrayLength(env, custom_op_libraries);
  for (jsize i = 0; i < libs && status == ELC_OK; i++) {
    jstring path = (jstring)(*env)->GetObjectArrayElement(env, custom_op_libraries, i);
    const char* p = (*env)->GetStringUTFChars(env, path, NULL);
    if (p == NULL) break;
    status = ElcOptionsAddCustomOpLibrary(options, p, NULL);
    (*env)->ReleaseStringUTFChars(env, path, p);
    (*env)->DeleteLocalRef(env, path);
  }
  if (status != ELC_OK || (*env)->ExceptionCheck(env)) {
    throw_status(env, status, ElcOptionsLastError(options));
    ElcOptionsDelete(options);
    return 0;
  }
  return as_handle(options);
}

JNIEXPORT void JNICALL JNI_FN(deleteOptions)(JNIEnv* env, jclass cls, jlong options) {
  (void)env, (void)cls;
  ElcOptionsDelete((ElcOptions*)(intptr_t)options);
}

/* The UTF-8 strings of a String[] with the references they came from, so releasing them needs no call that
 * an exception pending would forbid. */
typedef struct Utf8Strings {
  jsize count;      /* entries got so far */
  jstring* refs;
  const char** chars;
} Utf8Strings;

/* True when every string was got; otherwise an exception is pending. Release with release_strings. */
static int get_strings(JNIEnv* env, jobjectArray array, Utf8Strings* out) {
  jsize n = (*env)->GetArrayLength(env, array);
  out->count = 0;
  out->refs = calloc(n > 0 ? (size_t)n : 1, sizeof(jstring));
  out->chars = calloc(n > 0 ? (size_t)n : 1, sizeof(char*));
  if (out->refs == NULL || out->chars == NULL || (*env)->EnsureLocalCapacity(env, n) != 0) {
    throw_class(env, "java/lang/OutOfMemoryError", "delegate options");
    return 0;
  }
  for (jsize i = 0; i < n; i++) {
    jstring s = (jstring)(*env)->GetObjectArrayElement(env, array, i);
    if (s == NULL) {
      throw_iae(env, "a delegate option is null");
      return 0;
    }
    const char* chars = (*env)->GetStringUTFChars(env, s, NULL);
    if (chars == NULL) return 0; /* OutOfMemoryError pending */
    out->refs[i] = s;
    out->chars[i] = chars;
    out->count = i + 1;
  }
  return 1;
}

static void release_strings(JNIEnv* env, Utf8Strings* strings) {
  for (jsize i = 0; i < strings->count; i++) {
    (*env)->ReleaseStringUTFChars(env, strings->refs[i], strings->chars[i]);
    (*env)->DeleteLocalRef(env, strings->refs[i]);
  }
  free(strings->refs);
  free((void*)strings->chars);
}

JNIEXPORT jlong JNICALL JNI_FN(createDelegate)(JNIEnv* env, jclass cls, jstring library, jobjectArray keys,
                                                jobjectArray values) {
  (void)cls;
  Utf8Strings k = {0, NULL, NULL}, v = {0, NULL, NULL};
  ElcDelegate* delegate = NULL;
  const char* error = NULL;
  if (get_strings(env, keys, &k) && get_strings(env, values, &v)) {
    const char* lib = (*env)->GetStringUTFChars(env, library, NULL);
    if (lib != NULL) {
      delegate = ElcDelegateCreate(lib, k.chars, v.chars, (size_t)k.count);
      if (delegate == NULL) error = ElcLastCreateError(); /* per thread: stays valid while we clean up */
      (*env)->ReleaseStringUTFChars(env, library, lib);
    }
  }
  release_strings(env, &k);
  release_strings(env, &v);
  if (error != NULL) throw_iae(env, error);
  return as_handle(delegate);
}

JNIEXPORT void JNICALL JNI_FN(deleteDelegate)(JNIEnv* env, jclass cls, jlong delegate) {
  (void)env, (void)cls;
  ElcDelegateDelete((ElcDelegate*)(intptr_t)delegate);
}

/* ---- Interpreter ---- */

JNIEXPORT jlong JNICALL JNI_FN(createInterpreter)(JNIEnv* env, jclass cls, jlong model, jlong options) {
  (void)cls;
  ElcInterpreter* interpreter =
      ElcInterpreterCreate((const ElcModel*)(intptr_t)model, (const ElcOptions*)(intptr_t)options);
  if (interpreter == NULL) throw_iae(env, ElcLastCreateError());
  return as_handle(interpreter);
}

JNIEXPORT void JNICALL JNI_FN(deleteInterpreter)(JNIEnv* env, jclass cls, jlong interpreter) {
  (void)env, (void)cls;
  ElcInterpreterDelete(as_interpreter(interpreter));
}

JNIEXPORT void JNICALL JNI_FN(allocateTensors)(JNIEnv* env, jclass cls, jlong h) {
  (void)cls;
  check(env, as_interpreter(h), ElcInterpreterAllocateTensors(as_interpreter(h)));
}

JNIEXPORT void JNICALL JNI_FN(invoke)(JNIEnv* env, jclass cls, jlong h) {
  (void)cls;
  check(env, as_interpreter(h), ElcInterpreterInvoke(as_interpreter(h)));
}

JNIEXPORT void JNICALL JNI_FN(cancel)(JNIEnv* env, jclass cls, jlong h) {
  (void)env, (void)cls;
  ElcInterpreterCancel(as_interpreter(h));
}

JNIEXPORT jint JNICALL JNI_FN(inputCount)(JNIEnv* env, jclass cls, jlong h) {
  (void)env, (void)cls;
  return ElcInterpreterInputCount(as_interpreter(h));
}

JNIEXPORT jint JNICALL JNI_FN(outputCount)(JNIEnv* env, jclass cls, jlong h) {
  (void)env, (void)cls;
  return ElcInterpreterOutputCount(as_interpreter(h));
}

JNIEXPORT jlong JNICALL JNI_FN(inputTensor)(JNIEnv* env, jclass cls, jlong h, jint index) {
  (void)cls;
  ElcTensor* t = ElcInterpreterInputTensor(as_interpreter(h), index);
  if (t == NULL) throw_iae(env, ElcInterpreterLastError(as_interpreter(h)));
  return as_handle(t);
}

JNIEXPORT jlong JNICALL JNI_FN(outputTensor)(JNIEnv* env, jclass cls, jlong h, jint index) {
  (void)cls;
  const ElcTensor* t = ElcInterpreterOutputTensor(as_interpreter(h), index);
  if (t == NULL) throw_iae(env, ElcInterpreterLastError(as_interpreter(h)));
  return as_handle(t);
}

JNIEXPORT void JNICALL JNI_FN(resizeInput)(JNIEnv* env, jclass cls, jlong h, jint index, jintArray dims) {
  (void)cls;
  jsize rank = (*env)->GetArrayLength(env, dims);
  jint* d = (*env)->GetIntArrayElements(env, dims, NULL);
  if (d == NULL) return;
  ElcStatus status = ElcInterpreterResizeInput(as_interpreter(h), index, (const int32_t*)d, rank);
  (*env)->ReleaseIntArrayElements(env, dims, d, JNI_ABORT);
  check(env, as_interpreter(h), status);
}

/* ---- Tensors ---- */

JNIEXPORT jint JNICALL JNI_FN(tensorType)(JNIEnv* env, jclass cls, jlong t) {
  (void)env, (void)cls;
  return (jint)ElcTensorType(as_tensor(t));
}

JNIEXPORT jintArray JNICALL JNI_FN(tensorShape)(JNIEnv* env, jclass cls, jlong t) {
  (void)cls;
  int32_t rank = ElcTensorNumDims(as_tensor(t));
  if (rank < 0) rank = 0;
  jintArray shape = (*env)->NewIntArray(env, rank);
  if (shape == NULL) return NULL;
  for (int32_t i = 0; i < rank; i++) {
    jint dim = ElcTensorDim(as_tensor(t), i);
    (*env)->SetIntArrayRegion(env, shape, i, 1, &dim);
  }
  return shape;
}

JNIEXPORT jlong JNICALL JNI_FN(tensorByteSize)(JNIEnv* env, jclass cls, jlong t) {
  (void)env, (void)cls;
  return (jlong)ElcTensorByteSize(as_tensor(t));
}

JNIEXPORT jstring JNICALL JNI_FN(tensorName)(JNIEnv* env, jclass cls, jlong t) {
  (void)cls;
  const char* name = ElcTensorName(as_tensor(t));
  return (*env)->NewStringUTF(env, name != NULL ? name : "");
}

JNIEXPORT jfloat JNICALL JNI_FN(tensorScale)(JNIEnv* env, jclass cls, jlong t) {
  (void)env, (void)cls;
  return ElcTensorScale(as_tensor(t));
}

JNIEXPORT jint JNICALL JNI_FN(tensorZeroPoint)(JNIEnv* env, jclass cls, jlong t) {
  (void)env, (void)cls;
  return ElcTensorZeroPoint(as_tensor(t));
}

JNIEXPORT jobject JNICALL JNI_FN(tensorData)(JNIEnv* env, jclass cls, jlong t) {
  (void)cls;
  void* data = ElcTensorData(as_tensor(t));
  if (data == NULL) return NULL;
  return (*env)->NewDirectByteBuffer(env, data, (jlong)ElcTensorByteSize(as_tensor(t)));
}

/* The byte range [offset, offset + count) elements of `capacity`, checked before any memory is touched. */
static int check_range(JNIEnv* env, jlong capacity, jint element_size, jint offset, jint count, size_t* start,
                       size_t* bytes) {
  if (element_size <= 0 || offset < 0 || count < 0 || (jlong)offset + count > capacity) {
    char message[160];
    snprintf(message, sizeof message, "elements [%d, %d) lie outside a Java buffer or array of %lld elements",
             (int)offset, (int)(offset + count), (long long)capacity);
    throw_iae(env, message);
    return 0;
  }
  *start = (size_t)offset * (size_t)element_size;
  *bytes = (size_t)count * (size_t)element_size;
  return 1;
}

/* The bytes [offset, offset + count) elements of a direct buffer; 0 (an exception pending) when the buffer is
 * not direct or the range does not fit. */
static int direct_region(JNIEnv* env, jobject buffer, jint element_size, jint offset, jint count, char** region,
                         size_t* bytes) {
  char* data = (*env)->GetDirectBufferAddress(env, buffer);
  size_t start;
  if (data == NULL) {
    throw_iae(env, "the buffer is not direct");
    return 0;
  }
  if (!check_range(env, (*env)->GetDirectBufferCapacity(env, buffer), element_size, offset, count, &start, bytes))
    return 0;
  *region = data + start;
  return 1;
}

JNIEXPORT void JNICALL JNI_FN(copyFromBuffer)(JNIEnv* env, jclass cls, jlong h, jlong t, jobject buffer,
                                               jint element_size, jint offset, jint count) {
  (void)cls;
  char* region;
  size_t bytes;
  if (!direct_region(env, buffer, element_size, offset, count, &region, &bytes)) return;
  check(env, as_interpreter(h), ElcTensorCopyFromBuffer(as_tensor(t), region, bytes));
}

JNIEXPORT void JNICALL JNI_FN(copyToBuffer)(JNIEnv* env, jclass cls, jlong h, jlong t, jobject buffer,
                                             jint element_size, jint offset, jint count) {
  (void)cls;
  char* region;
  size_t bytes;
  if (!direct_region(env, buffer, element_size, offset, count, &region, &bytes)) return;
  check(env, as_interpreter(h), ElcTensorCopyToBuffer(as_tensor(t), region, bytes));
}

/* Arrays are pinned (or copied by the VM) only for the copy itself; no JNI call happens while one is held. */
JNIEXPORT void JNICALL JNI_FN(copyFromArray)(JNIEnv* env, jclass cls, jlong h, jlong t, jobject array,
                                              jint element_size, jint offset, jint count) {
  (void)cls;
  size_t start, bytes;
  if (!check_range(env, (*env)->GetArrayLength(env, (jarray)array), element_size, offset, count, &start, &bytes))
    return;
  char* data = (*env)->GetPrimitiveArrayCritical(env, (jarray)array, NULL);
  if (data == NULL) return;
  ElcStatus status = ElcTensorCopyFromBuffer(as_tensor(t), data + start, bytes);
  (*env)->ReleasePrimitiveArrayCritical(env, (jarray)array, data, JNI_ABORT);
  check(env, as_interpreter(h), status);
}

JNIEXPORT void JNICALL JNI_FN(copyToArray)(JNIEnv* env, jclass cls, jlong h, jlong t, jobject array,
                                            jint element_size, jint offset, jint count) {
  (void)cls;
  size_t start, bytes;
  if (!check_range(env, (*env)->GetArrayLength(env, (jarray)array), element_size, offset, count, &start, &bytes))
    return;
  char* data = (*env)->GetPrimitiveArrayCritical(env, (jarray)array, NULL);
  if (data == NULL) return;
  ElcStatus status = ElcTensorCopyToBuffer(as_tensor(t), data + start, bytes);
  (*env)->ReleasePrimitiveArrayCritical(env, (jarray)array, data, status == ELC_OK ? 0 : JNI_ABORT);
  check(env, as_interpreter(h), status);
}

/* ---- Signatures ---- */

static jobjectArray new_string_array(JNIEnv* env, jsize n) {
  jclass string_class = (*env)->FindClass(env, "java/lang/String");
  return string_class != NULL ? (*env)->NewObjectArray(env, n, string_class, NULL) : NULL;
}

static void set_string(JNIEnv* env, jobjectArray array, jsize i, const char* value) {
  jstring s = (*env)->NewStringUTF(env, value != NULL ? value : "");
  if (s == NULL) return;
  (*env)->SetObjectArrayElement(env, array, i, s);
  (*env)->DeleteLocalRef(env, s);
}

JNIEXPORT jobjectArray JNICALL JNI_FN(signatureKeys)(JNIEnv* env, jclass cls, jlong h) {
  (void)cls;
  int32_t n = ElcInterpreterSignatureCount(as_interpreter(h));
  jobjectArray keys = new_string_array(env, n > 0 ? n : 0);
  for (int32_t i = 0; keys != NULL && i < n; i++) set_string(env, keys, i, ElcInterpreterSignatureKey(as_interpreter(h), i));
  return keys;
}

JNIEXPORT jlong JNICALL JNI_FN(signatureRunner)(JNIEnv* env, jclass cls, jlong h, jstring key) {
  (void)cls;
  const char* k = key != NULL ? (*env)->GetStringUTFChars(env, key, NULL) : NULL;
  if (key != NULL && k == NULL) return 0;
  ElcSignatureRunner* runner = ElcInterpreterGetSignatureRunner(as_interpreter(h), k);
  if (k != NULL) (*env)->ReleaseStringUTFChars(env, key, k);
  if (runner == NULL) throw_iae(env, ElcInterpreterLastError(as_interpreter(h)));
  return as_handle(runner);
}

JNIEXPORT void JNICALL JNI_FN(deleteSignatureRunner)(JNIEnv* env, jclass cls, jlong runner) {
  (void)env, (void)cls;
  ElcSignatureRunnerDelete(as_runner(runner));
}

JNIEXPORT jobjectArray JNICALL JNI_FN(signatureInputNames)(JNIEnv* env, jclass cls, jlong r) {
  (void)cls;
  int32_t n = ElcSignatureRunnerInputCount(as_runner(r));
  jobjectArray names = new_string_array(env, n > 0 ? n : 0);
  for (int32_t i = 0; names != NULL && i < n; i++) set_string(env, names, i, ElcSignatureRunnerInputName(as_runner(r), i));
  return names;
}

JNIEXPORT jobjectArray JNICALL JNI_FN(signatureOutputNames)(JNIEnv* env, jclass cls, jlong r) {
  (void)cls;
  int32_t n = ElcSignatureRunnerOutputCount(as_runner(r));
  jobjectArray names = new_string_array(env, n > 0 ? n : 0);
  for (int32_t i = 0; names != NULL && i < n; i++) set_string(env, names, i, ElcSignatureRunnerOutputName(as_runner(r), i));
  return names;
}

JNIEXPORT void JNICALL JNI_FN(signatureResizeInput)(JNIEnv* env, jclass cls, jlong h, jlong r, jstring name,
                                                     jintArray dims) {
  (void)cls;
  const char* n = (*env)->GetStringUTFChars(env, name, NULL);
  if (n == NULL) return;
  jsize rank = (*env)->GetArrayLength(env, dims);
  jint* d = (*env)->GetIntArrayElements(env, dims, NULL);
  ElcStatus status = d != NULL ? ElcSignatureRunnerResizeInput(as_runner(r), n, (const int32_t*)d, rank) : ELC_OK;
  if (d != NULL) (*env)->ReleaseIntArrayElements(env, dims, d, JNI_ABORT);
  (*env)->ReleaseStringUTFChars(env, name, n);
  check(env, as_interpreter(h), status);
}

JNIEXPORT void JNICALL JNI_FN(signatureAllocateTensors)(JNIEnv* env, jclass cls, jlong h, jlong r) {
  (void)cls;
  check(env, as_interpreter(h), ElcSignatureRunnerAllocateTensors(as_runner(r)));
}

JNIEXPORT jlong JNICALL JNI_FN(signatureInputTensor)(JNIEnv* env, jclass cls, jlong h, jlong r, jstring name) {
  (void)cls;
  if (name == NULL) {
    throw_iae(env, "the signature input name is null");
    return 0;
  }
  const char* n = (*env)->GetStringUTFChars(env, name, NULL);
  if (n == NULL) return 0;
  ElcTensor* t = ElcSignatureRunnerInputTensor(as_runner(r), n);
  (*env)->ReleaseStringUTFChars(env, name, n);
  if (t == NULL) throw_iae(env, ElcInterpreterLastError(as_interpreter(h)));
  return as_handle(t);
}

JNIEXPORT jlong JNICALL JNI_FN(signatureOutputTensor)(JNIEnv* env, jclass cls, jlong h, jlong r, jstring name) {
  (void)cls;
  if (name == NULL) {
    throw_iae(env, "the signature output name is null");
    return 0;
  }
  const char* n = (*env)->GetStringUTFChars(env, name, NULL);
  if (n == NULL) return 0;
  const ElcTensor* t = ElcSignatureRunnerOutputTensor(as_runner(r), n);
  (*env)->ReleaseStringUTFChars(env, name, n);
  if (t == NULL) throw_iae(env, ElcInterpreterLastError(as_interpreter(h)));
  return as_handle(t);
}

JNIEXPORT void JNICALL JNI_FN(signatureInvoke)(JNIEnv* env, jclass cls, jlong h, jlong r) {
  (void)cls;
  check(env, as_interpreter(h), ElcSignatureRunnerInvoke(as_runner(r)));
}
