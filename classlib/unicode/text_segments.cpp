// User-perceived characters (grapheme clusters, by ICU's character break iterator), their
// width on a terminal, and normalization.
#include <memory>

#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include "classlib/unicode/unicode.h"

namespace nuri::unicode {

struct GraphemeCursor::State {
  UText* text = nullptr;
  std::unique_ptr<icu::BreakIterator> breaks;
  ~State() { utext_close(text); }
};

GraphemeCursor::GraphemeCursor(std::string_view utf8) : state_(std::make_unique<State>()) {
  UErrorCode status = U_ZERO_ERROR;
  state_->text = utext_openUTF8(nullptr, utf8.data(), int64_t(utf8.size()), &status);
  state_->breaks.reset(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !state_->breaks) {
    state_->breaks.reset();
    return;
  }
  state_->breaks->setText(state_->text, status);
  if (U_FAILURE(status)) state_->breaks.reset();
}

GraphemeCursor::~GraphemeCursor() = default;

bool GraphemeCursor::ok() const { return state_->breaks != nullptr; }

size_t GraphemeCursor::next() {
  int32_t at = state_->breaks ? state_->breaks->next() : icu::BreakIterator::DONE;
  return at == icu::BreakIterator::DONE ? kEnd : size_t(at);
}

int graphemeWidth(const uint32_t* codePoints, size_t count) {
  if (count == 0) return 0;
  UChar32 first = UChar32(codePoints[0]);
  if (u_charType(first) == U_CONTROL_CHAR) return 0;
  bool onlyMarks = true;
  for (size_t i = 0; i < count; i++) {
    UChar32 c = UChar32(codePoints[i]);
    if (c == 0xFE0F) return 2; // VARIATION SELECTOR-16: shown as an emoji
    onlyMarks = onlyMarks && (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0;
  }
  if (onlyMarks) return 0;
  int eastAsian = u_getIntPropertyValue(first, UCHAR_EAST_ASIAN_WIDTH);
  if (eastAsian == U_EA_WIDE || eastAsian == U_EA_FULLWIDTH) return 2;
  if (u_hasBinaryProperty(first, UCHAR_EMOJI_PRESENTATION)) return 2;
  return 1;
}

bool normalize(std::string_view text, NormalForm form, std::string& out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  switch (form) {
  case NormalForm::NFC: normalizer = icu::Normalizer2::getNFCInstance(status); break;
  case NormalForm::NFD: normalizer = icu::Normalizer2::getNFDInstance(status); break;
  case NormalForm::NFKC: normalizer = icu::Normalizer2::getNFKCInstance(status); break;
  case NormalForm::NFKD: normalizer = icu::Normalizer2::getNFKDInstance(status); break;
  }
  if (U_FAILURE(status) || !normalizer) return false;
  out.clear();
  icu::StringByteSink<std::string> sink(&out, int32_t(text.size()));
  normalizer->normalizeUTF8(0, icu::StringPiece(text.data(), int32_t(text.size())), sink, nullptr,
                            status);
  return U_SUCCESS(status);
}

} // namespace nuri::unicode
