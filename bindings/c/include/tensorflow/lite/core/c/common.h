/* edgelite's LiteRT compatibility header: LiteRT's internal path of common.h. */
#ifndef TENSORFLOW_LITE_CORE_C_COMMON_H_
#define TENSORFLOW_LITE_CORE_C_COMMON_H_

#include "tensorflow/lite/c/common.h"

#endif /* TENSORFLOW_LITE_CORE_C_COMMON_H_ */
