// Every operator builder of the OpenCL delegate. A family file adds its builders here.
#include "delegates/opencl/cl_op.h"

namespace edgelite {
namespace opencl {

void AddConvBuilders(std::vector<OpBuilder>* all);
void AddDequantizeBuilders(std::vector<OpBuilder>* all);
void AddElementwiseBuilders(std::vector<OpBuilder>* all);
void AddFullyConnectedBuilders(std::vector<OpBuilder>* all);
void AddLayoutBuilders(std::vector<OpBuilder>* all);
void AddMeanBuilders(std::vector<OpBuilder>* all);
void AddPoolBuilders(std::vector<OpBuilder>* all);
void AddResizeBuilders(std::vector<OpBuilder>* all);
void AddSlicePadBuilders(std::vector<OpBuilder>* all);
void AddSoftmaxBuilders(std::vector<OpBuilder>* all);

const std::vector<OpBuilder>& AllOpBuilders() {
  static const std::vector<OpBuilder> builders = [] {
    std::vector<OpBuilder> all;
    AddElementwiseBuilders(&all);
    AddConvBuilders(&all);
    AddFullyConnectedBuilders(&all);
    AddPoolBuilders(&all);
    AddMeanBuilders(&all);
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
