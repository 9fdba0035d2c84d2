// Every operator builder of the OpenCL delegate. A family file adds its builders here.
#include "delegates/opencl/cl_op.h"

namespace edgelite {
namespace opencl {

void AddElementwiseBuilders(std::vector<OpBuilder>* all);

const std::vector<OpBuilder>& AllOpBuilders() {
  static const std::vector<OpBuilder> builders = [] {
    std::vector<OpBuilder> all;
    // Families append here.
    AddElementwiseBuilders(&all);
    return all;
  }();
  return builders;
}

}  // namespace opencl
}  // namespace edgelite
