// Model: the bytes of a .tflite file (memory-mapped, or an owned copy of caller bytes), verified with the
// FlatBuffers verifier before anything is read, plus checked access to constant buffers, including those
// stored after the flatbuffer (offset/size buffers of models over 2 GB).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "interpreter/status.h"

namespace edgelite {

namespace schema {
struct Model;
}

class Model {
 public:
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Maps the file read-only; constants are then read in place from the mapping, never copied.
  static Status FromFile(const std::string& path, std::shared_ptr<Model>* out);
  // Copies the bytes once into an aligned block the model owns.
  static Status FromBuffer(const void* data, size_t size, std::shared_ptr<Model>* out);

  const schema::Model* fb() const { return fb_; }
  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }
  // True when the constants are read from a mapping of the file (FromFile), whose pages the kernel may drop and
  // read back from the file; false for a copy in memory (FromBuffer).
  bool file_mapped() const { return mapping_ != nullptr; }

  // The constant bytes of buffer `index` (empty for the sentinel and for buffers without data).
  Status GetBuffer(uint32_t index, const uint8_t** data, size_t* size) const;

 private:
  Model() = default;
  Status Verify();

  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  const schema::Model* fb_ = nullptr;
  // Exactly one of these owns the bytes.
  void* mapping_ = nullptr;
  size_t mapping_size_ = 0;
  std::unique_ptr<uint8_t[], void (*)(uint8_t*)> owned_{nullptr, [](uint8_t*) {}};
};

}  // namespace edgelite
