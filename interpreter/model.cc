// Model loading and verification.
#include "interpreter/model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "schema/edgelite_generated.h"

namespace edgelite {

Model::~Model() {
  if (mapping_) munmap(mapping_, mapping_size_);
}

Status Model::FromFile(const std::string& path, std::shared_ptr<Model>* out) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return InvalidArgument(StrCat("cannot open model file '", path, "': ", std::strerror(errno)));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return InvalidArgument(StrCat("'", path, "' is not a regular file"));
  }
  std::shared_ptr<Model> model(new Model());
  model->size_ = static_cast<size_t>(st.st_size);
  if (model->size_ == 0) {
    close(fd);
    return InvalidModel(StrCat("model file '", path, "' is empty"));
  }
  void* p = mmap(nullptr, model->size_, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return InvalidArgument(StrCat("cannot map '", path, "': ", std::strerror(errno)));
  model->mapping_ = p;
  model->mapping_size_ = model->size_;
  model->base_ = static_cast<const uint8_t*>(p);
  EL_RETURN_IF_ERROR(model->Verify());
  *out = std::move(model);
  return Status::Ok();
}

Status Model::FromBuffer(const void* data, size_t size, std::shared_ptr<Model>* out) {
  if (size == 0) return InvalidModel("model content is empty");
  std::shared_ptr<Model> model(new Model());
  // 16-byte alignment like a mapped file, so constant data keeps the alignment the writer gave it.
  const size_t rounded = (size + 63) / 64 * 64;
  auto* block = static_cast<uint8_t*>(std::aligned_alloc(64, rounded));
  if (!block) return Internal("out of memory copying the model");
  std::memcpy(block, data, size);
  model->owned_ = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>(block, [](uint8_t* b) { std::free(b); });
  model->base_ = block;
  model->size_ = size;
  EL_RETURN_IF_ERROR(model->Verify());
  *out = std::move(model);
  return Status::Ok();
}

Status Model::Verify() {
  if (size_ < 8) return InvalidModel(StrCat("model is too small (", size_, " bytes) to be a .tflite file"));
  if (!schema::ModelBufferHasIdentifier(base_)) {
    return InvalidModel("not a .tflite model: the FlatBuffers file identifier is not 'TFL3'");
  }
  // The verifier walks every offset, so no later read can leave the buffer. Flatbuffers are limited
  // to 2 GB; larger files keep big constants after the flatbuffer, addressed by offset.
  const size_t fb_size = std::min<size_t>(size_, 0x7fffffffu);
  flatbuffers::Verifier::Options opts;
  opts.max_tables = 100000000;
  opts.max_depth = 128;
  flatbuffers::Verifier verifier(base_, fb_size, opts);
  if (!schema::VerifyModelBuffer(verifier)) {
    return InvalidModel("model failed FlatBuffers verification: the file is truncated or corrupt");
  }
  fb_ = schema::GetModel(base_);
  if (!fb_->subgraphs() || fb_->subgraphs()->size() == 0) return InvalidModel("model has no subgraphs");
  if (fb_->version() != 3) {
    return InvalidModel(StrCat("model schema version is ", fb_->version(), ", this build reads version 3"));
  }
  return Status::Ok();
}

Status Model::GetBuffer(uint32_t index, const uint8_t** data, size_t* size) const {
  *data = nullptr;
  *size = 0;
  const auto* buffers = fb_->buffers();
  if (!buffers || index >= buffers->size()) {
    return InvalidModel(StrCat("buffer index ", index, " is out of range (model has ",
                               buffers ? buffers->size() : 0, " buffers)"));
  }
  const schema::Buffer* buffer = buffers->Get(index);
  if (!buffer) return Status::Ok();
  // offset > 1 marks data stored after the flatbuffer; 0 and 1 mean "inline" (1 is a writer placeholder).
  if (buffer->offset() > 1) {
    const uint64_t offset = buffer->offset(), length = buffer->size();
    if (offset > size_ || length > size_ - offset) {
      return InvalidModel(StrCat("buffer ", index, " points past the end of the file (offset ", offset,
                                 ", size ", length, ", file ", size_, " bytes)"));
    }
    *data = base_ + offset;
    *size = length;
    return Status::Ok();
  }
  if (buffer->data() && buffer->data()->size() > 0) {
    *data = buffer->data()->data();
    *size = buffer->data()->size();
  }
  return Status::Ok();
}

}  // namespace edgelite
