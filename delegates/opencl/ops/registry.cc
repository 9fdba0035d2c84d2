// Every operator builder of the OpenCL delegate. A family file adds its builders here.
#include "delegates/opencl/cl_op.h"

namespace edgelite {
namespace opencl {

void AddDequantizeBuilders(std::vector<OpBuilder>* all);
void AddElementwiseBuilders(std::vector<OpBuilder>* all);
void AddLayoutBuilders(std::vector<OpBuilder>* all);
void AddResizeBuilders(std::vector<OpBuilder>* all);
void AddSlicePadBuilders(std::vector<OpBuilder>* all);
void AddSoftmaxBuilders(std::vector<OpBuilder>* all);

const std::vector<OpBuilder>& AllOpBuilders() {
  static const std::vector<OpBuilder> builders = [] {
    std::vector<OpBuilder> all;
    AddElementwiseBuilders(&all);
    AddLayoutBuilders(&all);
    AddSlicePadBuilders(&all);
    AddSoftmaxBuilders(&all);
    AddResizeBuilders(&all);
    AddDequantizeBuilders(&all);
    return all;
  }();
  return builders;
}

}  // namespace opencl
}  // namespace edgelite
