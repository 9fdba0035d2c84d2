/* edgelite's LiteRT compatibility header: the public path of LiteRT's C API (declared in
 * tensorflow/lite/core/c/c_api.h), implemented by libedgelite_c.so. */
#ifndef TENSORFLOW_LITE_C_C_API_H_
#define TENSORFLOW_LITE_C_C_API_H_

#include "tensorflow/lite/core/c/c_api.h"

#endif /* TENSORFLOW_LITE_C_C_API_H_ */
