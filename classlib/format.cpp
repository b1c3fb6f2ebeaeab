#include "classlib/format.h"

#include <algorithm>
#include <cstring>

namespace nuri {

StringObject* concatStrings(IsolateState& I, StringObject* a, StringObject* b) {
  std::string_view x = a ? a->view() : "null";
  std::string_view y = b ? b->view() : "null";
  if (x.size() + y.size() >= kMaxStringBytes) {
    I.raise(ErrorClass::LimitError,
            "string too long (" + std::to_string(x.size() + y.size()) + " bytes)");
    return nullptr;
  }
  uint32_t cps = (a ? a->codePointLength : 4) + (b ? b->codePointLength : 4);
  auto* s =
      static_cast<StringObject*>(I.allocate(sizeof(StringObject) + x.size() + y.size() + 1, false));
  if (!s) return nullptr;
  s->header = headerFor(&I.stringType);
  s->byteLength = uint32_t(x.size() + y.size());
  s->codePointLength = cps;
  s->hash = 0;
  if (!I.copyInSteps(s->bytes, x.data(), x.size()) ||
      !I.copyInSteps(s->bytes + x.size(), y.data(), y.size())) {
    return nullptr;
  }
  s->bytes[s->byteLength] = '\0';
  return s;
}

bool TextBuilder::reserve(uint64_t bytes) {
  uint64_t needed = text_.size() + bytes;
  if (needed >= kMaxStringBytes) {
    return isolate_.raise(ErrorClass::LimitError,
                          "string too long (" + std::to_string(needed) + " bytes)");
  }
  if (needed <= reserved_) return true;
  uint64_t grown = std::min<uint64_t>(std::max(needed, reserved_ * 2), kMaxStringBytes);
  if (!isolate_.reserve(grown - reserved_)) return false;
  reserved_ = grown;
  text_.reserve(size_t(grown));
  return true;
}

bool TextBuilder::append(std::string_view text) {
  if (!reserve(text.size()) || !isolate_.nativeProgress(text.size())) return false;
  text_ += text;
  return true;
}

StringObject* TextBuilder::finish() { return isolate_.newString(text_); }

} // namespace nuri
