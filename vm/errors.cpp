#include "vm/errors.h"

namespace nuri {

const char* errorClassName(ErrorClass cls) {
  static const char* const kNames[] = {
#define X(name) #name,
      NURI_ERROR_CLASSES(X)
#undef X
  };
  return kNames[static_cast<int>(cls)];
}

} // namespace nuri
